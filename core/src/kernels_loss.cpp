// The fit's loss terms of a block of elements and their derivative (kernel_level.hpp,
// LossTerms), compiled once per instruction-set level. A span's targets are first copied out
// through the elements' columns into a local row; the arithmetic then runs over contiguous
// rows, with a missing (NaN) or infinite target skipped by a select rather than a branch, so
// that it vectorises (masked blends at AVX-512). Every element goes through the same
// operations, in the same order, as the scalar loop this replaces: the same bits.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernel_level.hpp"

namespace odynn::detail::ODYNN_ISA {

namespace {

// A target counts when it is finite: |x| <= max is false for NaN and infinities.
inline bool present(double x) { return std::abs(x) <= std::numeric_limits<double>::max(); }

constexpr int span = 64;  // elements whose targets are gathered into a local row at a time

// Elements [k0, k0 + n), n <= span. The targets are first copied out through the columns (a
// scalar loop of loads and stores), so that the arithmetic runs over contiguous rows.
template <bool WithLoss, bool WithAdjoint, bool UseV, bool UseCa>
void termsSpan(const LossTerms& a, int k0, int n) {
    alignas(64) double tv[span], tca[span];
    const int* column = a.column + k0;
    for (int k = 0; k < n; ++k) {
        if constexpr (UseV) tv[k] = a.targetV[column[k]];
        if constexpr (UseCa) tca[k] = a.targetCa[column[k]];
    }
    const double *v = a.v + k0, *ca = a.ca + k0;
    const double *fv = a.factorV + k0, *fca = a.factorCa + k0, *sv = a.slopeV + k0, *sca = a.slopeCa + k0;
    double* loss = WithLoss ? a.loss + k0 : nullptr;
    double* adjV = WithAdjoint ? a.adjV + k0 : nullptr;
    double* adjCa = WithAdjoint ? a.adjCa + k0 : nullptr;
    for (int k = 0; k < n; ++k) {
        double term = 0;
        if constexpr (UseV) {
            const bool ok = present(tv[k]);
            const double d = v[k] - tv[k];
            term = ok ? term + fv[k] * d * d : term;
            if constexpr (WithAdjoint) adjV[k] = ok ? adjV[k] + sv[k] * d : adjV[k];
        }
        if constexpr (UseCa) {
            const bool ok = present(tca[k]);
            const double d = ca[k] - tca[k];
            term = ok ? term + fca[k] * d * d : term;
            if constexpr (WithAdjoint) adjCa[k] = ok ? adjCa[k] + sca[k] * d : adjCa[k];
        }
        if constexpr (WithLoss) loss[k] += term;
    }
}

template <bool WithLoss, bool WithAdjoint, bool UseV, bool UseCa>
void terms(const LossTerms& a) {
    for (int k0 = 0; k0 < a.n; k0 += span) termsSpan<WithLoss, WithAdjoint, UseV, UseCa>(a, k0, std::min(span, a.n - k0));
}

template <bool WithLoss, bool WithAdjoint>
void termsOf(const LossTerms& a) {
    const bool useV = a.targetV != nullptr, useCa = a.targetCa != nullptr;
    if (useV && useCa) terms<WithLoss, WithAdjoint, true, true>(a);
    else if (useV) terms<WithLoss, WithAdjoint, true, false>(a);
    else if (useCa) terms<WithLoss, WithAdjoint, false, true>(a);
    else if constexpr (WithLoss) terms<true, false, false, false>(a);  // adds +0: the scalar loop's term
}

}  // namespace

void lossTerms(const LossTerms& a) {
    if (a.loss && a.adjV) termsOf<true, true>(a);
    else if (a.loss) termsOf<true, false>(a);
    else if (a.adjV) termsOf<false, true>(a);
}

}  // namespace odynn::detail::ODYNN_ISA
