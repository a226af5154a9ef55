#pragma once
// The per-element math of the hand-written models, one packet of elements at a time, for the
// per-level kernel builds only (kernel_level.hpp): every name here lives in the level's
// namespace ODYNN_ISA. States and parameters are structure-of-arrays with a stride of `E`
// elements: state s of element k lives at base[s * E + k].
//
// The forward maps are SPEC section 1; the reverse maps are their exact derivatives, written
// out by hand (checked against central finite differences in tests/test_gradient.cpp).
#ifndef ODYNN_ISA
#error "kernel_math.hpp is for the per-level kernel builds (core/CMakeLists.txt)"
#endif
#include <cstring>

#include "kernel_level.hpp"
#include "level_eigen.hpp"

namespace odynn::detail::ODYNN_ISA {

// One packet of elements, held in registers by the kernels; PkN<W> is W elements (a whole
// number of packets), for kernels that work on more than one packet at a time so that the
// processor has independent work to overlap with each long chain of dependent operations.
template <int W>
using PkN = Eigen::Array<double, W, 1>;
using Pk = PkN<packet>;
using PkMap = Eigen::Map<Pk>;
using PkCMap = Eigen::Map<const Pk>;

// Doubles in one of this level's vector registers. The exp below is written with GCC's (and
// clang's) vector extensions at exactly this width: wider vectors are split by the compiler,
// and some operations (comparisons, selects) then fall back to one element at a time.
#if defined(__AVX512F__)
inline constexpr int registerDoubles = 8;
#elif defined(__AVX__)
inline constexpr int registerDoubles = 4;
#else
inline constexpr int registerDoubles = 2;
#endif
// Elements the kernels take at once where they can: four registers' worth for each value, a
// whole number of packets. How elements are grouped never changes a result: every element
// goes through the same operations.
inline constexpr int wide = 4 * registerDoubles > packet ? 4 * registerDoubles : packet;

typedef double RegisterDoubles __attribute__((vector_size(registerDoubles * sizeof(double))));
typedef long long RegisterInts __attribute__((vector_size(registerDoubles * sizeof(double))));

// x > hi ? hi : x and x < lo ? lo : x, one instruction each (min and max return their second
// operand when either is NaN: NaN passes through), the same on every level.
#if defined(__AVX512F__)
using NativeDoubles = __m512d;
#define ODYNN_LEVEL_PD(op) _mm512_##op##_pd
#elif defined(__AVX__)
using NativeDoubles = __m256d;
#define ODYNN_LEVEL_PD(op) _mm256_##op##_pd
#else
using NativeDoubles = __m128d;
#define ODYNN_LEVEL_PD(op) _mm_##op##_pd
#endif
inline RegisterDoubles clampBelow(RegisterDoubles hi, RegisterDoubles x) {
    return (RegisterDoubles)ODYNN_LEVEL_PD(min)((NativeDoubles)hi, (NativeDoubles)x);
}
inline RegisterDoubles clampAbove(RegisterDoubles lo, RegisterDoubles x) {
    return (RegisterDoubles)ODYNN_LEVEL_PD(max)((NativeDoubles)lo, (NativeDoubles)x);
}
#undef ODYNN_LEVEL_PD

// exp of R registers of doubles, in place (expNoDivide below explains). Each stage is written
// for all R registers before the next, so that the instructions of the R independent chains
// come interleaved: the processor then always has independent work at hand, where one chain
// after another would leave it waiting on each chain's latency.
template <int R>
inline void expRegisters(RegisterDoubles* x) {
    using Vd = RegisterDoubles;
    using Vl = RegisterInts;
    const Vd hi = Vd{} + 709.0, lo = Vd{} - 708.0;
    Vd t[R], k[R], r[R], p[R];
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) x[i] = clampBelow(hi, clampAbove(lo, x[i]));
    // Adding 1.5 * 2^52 + 1023 rounds x/ln2 to an integer k and holds k + 1023 (the exponent
    // field of 2^k) in the low bits of t.
    constexpr double shifter = 0x1.8p52 + 1023.0;
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) t[i] = x[i] * 1.4426950408889634 + shifter;
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) k[i] = t[i] - shifter;
    // ln2 in two parts (Cody and Waite): k * ln2Hi is exact (ln2Hi ends in 32 zero bits).
    constexpr double ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10;
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) r[i] = (x[i] - k[i] * ln2Hi) - k[i] * ln2Lo;
    // exp(r) = 1 + r + r^2 q(r), q by Estrin's scheme: short chains of dependent operations.
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
        const Vd r2 = r[i] * r[i], r4 = r2 * r2, r8 = r4 * r4;
        const Vd q01 = 5.000000000000001e-01 + r[i] * 1.6666666666666669e-01;
        const Vd q23 = 4.1666666666624164e-02 + r[i] * 8.333333333330065e-03;
        const Vd q45 = 1.388888891719689e-03 + r[i] * 1.9841269863040675e-04;
        const Vd q67 = 2.480152132210459e-05 + r[i] * 2.7557268480106926e-06;
        const Vd q89 = 2.762007600563138e-07 + r[i] * 2.5100375929185925e-08;
        const Vd q = (q01 + r2 * q23) + r4 * (q45 + r2 * q67) + r8 * q89;
        p[i] = 1.0 + (r[i] + r2 * q);
    }
    // 2^k: k + 1023 in the exponent field (the low 12 bits of t's pattern hold k + 1023).
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) x[i] = p[i] * (Vd)((Vl)t[i] << 52);
}

// exp(x) of W elements with multiplies and adds only (Eigen's exp for doubles divides once per
// packet, the slowest instruction here): x = k ln2 + r with k = round(x / ln2) and
// |r| <= ln2/2, exp(r) by a degree-11 polynomial (relative error 1.6e-17, a near-minimax fit
// on Chebyshev nodes), 2^k put into the exponent bits. At most about 1 ulp from the exact
// value. x is clipped to [-708, 709], where exp(x) and 2^k stay normal: exp(709) = 8.2e307
// stands in for an overflow, exp(-708) = 3.3e-308 for an underflow; NaN stays NaN. Every
// level does the same IEEE operations on each element, so every level gives the same bits.
template <typename Expr, int W = Expr::SizeAtCompileTime>
inline PkN<W> expNoDivide(const Eigen::ArrayBase<Expr>& expr) {
    static_assert(W % registerDoubles == 0);
    constexpr int R = W / registerDoubles;
    PkN<W> v = expr;
    RegisterDoubles x[R];
    std::memcpy(x, v.data(), sizeof x);
    expRegisters<R>(x);
    std::memcpy(v.data(), x, sizeof x);
    return v;
}

// 1 / (1 + exp(z)), the gates' steady states and the synapse's activation.
template <typename Expr, int W = Expr::SizeAtCompileTime>
inline PkN<W> sigmoidOfNegative(const Eigen::ArrayBase<Expr>& z) {
    return 1.0 / (1.0 + expNoDivide(z));
}

// Row `row` of an SoA array at the W elements starting with element k.
template <int W = packet>
struct PacketRows {
    int E, k;
    Eigen::Map<const PkN<W>> c(const double* base, int row) const {
        return Eigen::Map<const PkN<W>>(base + size_t(row) * E + k);
    }
    Eigen::Map<PkN<W>> m(double* base, int row) const { return Eigen::Map<PkN<W>>(base + size_t(row) * E + k); }
};

// Index tables of the parameters (ModelSpec order, alphabetical) and states of each model.
namespace celegans {
enum Param { C_m, E_Ca, E_K, E_L, decay_ca, e_mdp, e_scale, e_tau, f_mdp, f_scale, f_tau, g_Ca, g_Kf, g_Ks, g_L,
             h_alpha, h_mdp, h_scale, n_mdp, n_scale, n_tau, p_mdp, p_scale, p_tau, q_mdp, q_scale, q_tau, rho_ca,
             ParamCount };
enum State { V, p, q, n, e, f, cac, StateCount };
struct Gate { int state, mdp, scale, tau; };
inline constexpr Gate gates[5] = {{p, p_mdp, p_scale, p_tau}, {q, q_mdp, q_scale, q_tau}, {n, n_mdp, n_scale, n_tau},
                                  {e, e_mdp, e_scale, e_tau}, {f, f_mdp, f_scale, f_tau}};
// Derived per-element constants: cdt = C_m/dt, cdtPlusGl = C_m/dt + g_L, glEl = g_L*E_L,
// kappa = decay/(decay+dt), hInv = 1/h_scale, and per gate: ka = k/dt, kb = k/tau, inv = 1/scale
// with k = tau*dt/(tau+dt), so that x' = ka*x + kb*inf(V'). For the reverse step, which would
// otherwise divide by them every step: dKappa = dkappa/ddecay = dt/(decay+dt)^2 and per gate
// dKa = dka/dtau = dt/(tau+dt)^2 = -dkb/dtau, so that dx'/dtau = dKa (x - inf(V')).
enum Derived { cdt, cdtPlusGl, glEl, kappa, hInv, gateBase, dKappa = gateBase + 15, dKaBase,
               DerivedCount = dKaBase + 5 };
// Kept of a step for its reverse (stepKeepingCelegans): per gate the denominator
// 1 + exp((mdp - V') / scale) of its steady state, and the steady state of h at the old cac:
// the step's exps, which the reverse would otherwise compute again bit for bit.
enum Kept { gateDenominatorBase, hSteady = gateDenominatorBase + 5, KeptCount };
}  // namespace celegans

namespace hhsimple {
enum Param { C_m, E_K, E_L, a_mdp, a_scale, a_tau, b_mdp, b_scale, b_tau, g_K, g_L, ParamCount };
enum State { V, a, b, StateCount };
struct Gate { int state, mdp, scale, tau; };
inline constexpr Gate gates[2] = {{a, a_mdp, a_scale, a_tau}, {b, b_mdp, b_scale, b_tau}};
enum Derived { dtOverC, gateBase, DerivedCount = gateBase + 6 };
}  // namespace hhsimple

namespace leaky {
enum Param { C_m, E_L, g_L, ParamCount };
enum State { V, StateCount };
enum Derived { cdt, cdtPlusGl, glEl, DerivedCount };
}  // namespace leaky

// Implicit-Euler gate coefficients: x' = ka x + kb inf(V') with k = tau dt / (tau + dt),
// ka = k / dt, kb = k / tau; inv = 1 / scale. Writes them to der[(base + 0..2) * E + k].
inline void deriveGate(double tau, double scale, double dt, double* der, int base, int E, int k) {
    const double kk = (tau * dt) / (tau + dt);
    der[size_t(base) * E + k] = kk / dt;
    der[size_t(base + 1) * E + k] = kk / tau;
    der[size_t(base + 2) * E + k] = 1.0 / scale;
}

// The entries of this level's KernelLevel table (kernel_level.hpp documents the signatures).
void deriveCelegans(const double* raw, double* derived, int E, double dt);
void deriveHhSimple(const double* raw, double* derived, int E, double dt);
void deriveLeaky(const double* raw, double* derived, int E, double dt);

void stepCelegans(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, double dt);
void stepKeepingCelegans(const Block& b, const double* raw, const double* der, const double* old, double* out,
                         double* kept, const double* input, double dt);
void stepHhSimple(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, double dt);
void stepLeaky(const Block& b, const double* raw, const double* der, const double* old, double* out,
               const double* input, double dt);

void reverseCelegans(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* kept, const double* adjNew, double* adjOld, double* adjInput, double* grad,
                     double dt);
void reverseHhSimple(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* kept, const double* adjNew, double* adjOld, double* adjInput, double* grad,
                     double dt);
void reverseLeaky(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                  const double* kept, const double* adjNew, double* adjOld, double* adjInput, double* grad,
                  double dt);

void synapseSigmoid(const double* mdp, const double* inv, const double* vPre, double* out, int n);
void connectionSums(const ConnectionSlices& slices, const double* table, double* acc);

void odmRun(const odm::Instruction* code, int count, double* registers, const double* const* arrays, int E, int k0,
            int n, int blockBegin, const double* consts);

void lossTerms(const LossTerms& terms);

}  // namespace odynn::detail::ODYNN_ISA
