// Gauss-Newton polish of the robust method: the training loss is a sum of squared residuals
// (one per target entry), so near a minimum Levenberg-Marquardt converges where first-order
// steps crawl along the narrow valleys of correlated parameters (a gate's midpoint against its
// scale, a conductance against a reversal potential). GSL's trust-region solver does the steps
// (its linear algebra in blocked_qr_solver.cpp); the Jacobian with respect to the transformed
// coordinates comes from forward differences, all F perturbed sets simulated together as one
// population (lanes of the batched engine), so one Jacobian costs about one forward pass of an
// F-set population.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "odynn/objective.hpp"
#include "blocked_qr_solver.hpp"
#include "robust_fit.hpp"

namespace odynn::detail {

namespace {

// Jacobians above this many entries (doubles) are not formed: the polish falls back to L-BFGS.
constexpr double maxJacobianEntries = 4e7;
// A residual of a diverged trial point: large enough that the trust region rejects the step,
// small enough that the sum of squares stays finite.
constexpr double divergedResidual = 1e100;

struct Problem {
    const FitObjective& obj;
    const std::vector<Coordinate>& coords;
    int residuals = 0;               // per set
    std::vector<double> set;         // the full set of the current point (fixed entries included)
    std::vector<double> bestSet;
    std::vector<double> lastY, lastResiduals;  // the last point whose residuals were computed
    double bestLoss = std::numeric_limits<double>::infinity();
    std::vector<int> slot;  // free variable -> its coordinate in y; empty: every free variable, in order

    // The full set at coordinates y. With `slot`, only the polished variables' entries are
    // written: the others keep their values bit for bit (no round trip through coordinates).
    void place(const double* y, double* out) const {
        std::copy(set.begin(), set.end(), out);
        if (slot.empty()) {
            fromCoordinates(obj, coords, y, out);
            return;
        }
        const auto& freeOf = obj.freeIndex();
        for (size_t p = 0; p < freeOf.size(); ++p)
            if (freeOf[p] >= 0 && slot[size_t(freeOf[p])] >= 0)
                out[p] = coords[size_t(freeOf[p])].toX(y[slot[size_t(freeOf[p])]]);
        obj.clipToBounds(out);
    }
};

// Forward-difference step in coordinate y: ~sqrt(machine epsilon), relative for large |y|.
// (One-sided differences are accurate to ~1e-8 relative, enough for Gauss-Newton steps: the
// steps converge to the same zero of J^T r, and at a perfect fit r = 0 whatever J's error.)
double stepFor(double y) { return 1.5e-8 * (1.0 + std::abs(y)); }

// The trust region's scale of each coordinate in a floored polish: the largest norm its
// Jacobian column has had (More's scaling, which makes the steps invariant to the scale of
// each coordinate), but at least scaleFloor times the largest such norm of any coordinate.
// Without the floor the region is as long along a weakly determined coordinate as its column
// is short, so one step can throw it tens of units out to where the model no longer responds
// to it (a gate's slope at its cap, a time constant at its bound); its column then vanishes and
// it never comes back. From ODYNN's celegans defaults with E_K 2 mV, n__tau 1 ms and g_Ks
// 1 mS/cm2 off, More's scaling stops at 1.8e-4 mV^2 with the f, p and q gates at their caps or
// bounds; with the floor the polish reaches 3e-9 mV^2. No scaling at all (a ball in the
// coordinates) keeps those gates too, but crawls along the weak coordinates a fit does have to
// move (hhsimple after a short Adam stage: 9e-10 instead of 2e-21 mV^2); a floor of 1e-2
// crawls in the same way on the first steps of the refit after held-out validation. Used only
// from near-exact fits (FitRun::nearExactLoss): on recordings the floored steps overfit.
constexpr double scaleFloor = 1e-3;

int flooredScale(const gsl_matrix* J, gsl_vector* diag, bool keepLarger) {
    for (size_t j = 0; j < J->size2; ++j) {
        gsl_vector_const_view column = gsl_matrix_const_column(J, j);
        double norm = gsl_blas_dnrm2(&column.vector);
        if (norm == 0.0) norm = 1.0;  // as GSL's own scalings do
        gsl_vector_set(diag, j, keepLarger ? std::max(gsl_vector_get(diag, j), norm) : norm);
    }
    const double least = scaleFloor * gsl_vector_max(diag);
    for (size_t j = 0; j < diag->size; ++j) gsl_vector_set(diag, j, std::max(gsl_vector_get(diag, j), least));
    return GSL_SUCCESS;
}

const gsl_multifit_nlinear_scale flooredMoreScale{
    "more-floored", [](const gsl_matrix* J, gsl_vector* diag) { return flooredScale(J, diag, false); },
    [](const gsl_matrix* J, gsl_vector* diag) { return flooredScale(J, diag, true); }};

int residualsAt(const gsl_vector* y, void* data, gsl_vector* f) {
    auto& p = *static_cast<Problem*>(data);
    std::vector<double> point(p.set.size());
    std::vector<double> yv(y->size);
    for (size_t i = 0; i < y->size; ++i) yv[i] = gsl_vector_get(y, i);
    p.lastY = yv;
    p.place(yv.data(), point.data());
    const std::optional<Residuals> r = p.obj.residuals(point, 1);
    double loss = 0;
    for (double v : r->values) loss += v * v;
    p.lastResiduals = r->values;
    if (!std::isfinite(loss)) {
        gsl_vector_set_all(f, divergedResidual);
        return GSL_SUCCESS;
    }
    for (int i = 0; i < p.residuals; ++i) gsl_vector_set(f, size_t(i), r->values[size_t(i)]);
    if (loss < p.bestLoss) {
        p.bestLoss = loss;
        p.bestSet = point;
    }
    return GSL_SUCCESS;
}

int jacobianAt(const gsl_vector* y, void* data, gsl_matrix* J) {
    auto& p = *static_cast<Problem*>(data);
    const int F = int(y->size), P = int(p.set.size()), n = p.residuals;
    std::vector<double> yv(static_cast<size_t>(F));
    for (int i = 0; i < F; ++i) yv[size_t(i)] = gsl_vector_get(y, size_t(i));
    // GSL asks for the Jacobian where it last evaluated the residuals; otherwise the point
    // itself is simulated too (the last set).
    const bool known = p.lastY == yv;
    // Set j: coordinate j moved up by h_j.
    std::vector<double> population(static_cast<size_t>(F + (known ? 0 : 1)) * P), h(static_cast<size_t>(F));
    std::vector<double> moved = yv;
    for (int j = 0; j < F; ++j) {
        h[size_t(j)] = stepFor(yv[size_t(j)]);
        moved[size_t(j)] = yv[size_t(j)] + h[size_t(j)];
        p.place(moved.data(), population.data() + size_t(j) * P);
        moved[size_t(j)] = yv[size_t(j)];
    }
    if (!known) p.place(yv.data(), population.data() + size_t(F) * P);
    const std::optional<Residuals> r = p.obj.residuals(population, F + (known ? 0 : 1));
    const double* centre = known ? p.lastResiduals.data() : r->values.data() + size_t(F) * n;
    auto finite = [n](const double* v) {
        return std::all_of(v, v + n, [](double x) { return std::isfinite(x); });
    };
    // Coordinates whose upward step diverges take the step downwards instead.
    std::vector<int> downward;
    for (int j = 0; j < F; ++j)
        if (!finite(r->values.data() + size_t(j) * n)) downward.push_back(j);
    std::optional<Residuals> down;
    if (!downward.empty()) {
        std::vector<double> lower(downward.size() * size_t(P));
        for (size_t k = 0; k < downward.size(); ++k) {
            const int j = downward[k];
            moved[size_t(j)] = yv[size_t(j)] - h[size_t(j)];
            p.place(moved.data(), lower.data() + k * P);
            moved[size_t(j)] = yv[size_t(j)];
        }
        down = p.obj.residuals(lower, int(downward.size()));
    }
    const bool centreOk = finite(centre);
    std::vector<const double*> sides(static_cast<size_t>(F));
    std::vector<double> signs(static_cast<size_t>(F), 1.0);
    std::vector<char> ok(static_cast<size_t>(F));
    size_t nextDown = 0;
    for (int j = 0; j < F; ++j) {
        sides[size_t(j)] = r->values.data() + size_t(j) * n;
        if (nextDown < downward.size() && downward[nextDown] == j) {
            sides[size_t(j)] = down->values.data() + nextDown++ * n;
            signs[size_t(j)] = -1;
        }
        // No slope where both the step and the point diverge.
        ok[size_t(j)] = centreOk && finite(sides[size_t(j)]);
    }
    // J is row-major: filled row by row, so that its (n x F) doubles are written in order.
    for (int i = 0; i < n; ++i) {
        double* row = J->data + size_t(i) * J->tda;
        for (int j = 0; j < F; ++j) {
            const double d = ok[size_t(j)] ? signs[size_t(j)] * (sides[size_t(j)][i] - centre[i]) / h[size_t(j)] : 0.0;
            row[j] = std::isfinite(d) ? d : 0.0;
        }
    }
    return GSL_SUCCESS;
}

}  // namespace

std::optional<bool> polishWithLevenbergMarquardt(const FitObjective& obj, const std::vector<Coordinate>& coords,
                                                 int iterations, double* set, double& loss,
                                                 const Interrupt& interrupted, const Enough& enough, double floorBelow,
                                                 const std::vector<int>& vary) {
    const int P = obj.size();
    const int F = vary.empty() ? obj.freeCount() : int(vary.size());
    if (F == 0) return false;
    Problem prob{obj, coords, 0, {}, {}, {}, {}, loss, {}};
    if (!vary.empty()) {
        prob.slot.assign(size_t(obj.freeCount()), -1);
        for (size_t k = 0; k < vary.size(); ++k) prob.slot[size_t(vary[k])] = int(k);
    }
    prob.set.assign(set, set + P);
    const std::optional<Residuals> first = obj.residuals(prob.set, 1);
    if (!first || first->perSet < F || double(first->perSet) * (2 * F + 1) > maxJacobianEntries) return std::nullopt;
    prob.residuals = first->perSet;
    prob.bestLoss = loss;

    // GSL's default handler aborts; its errors (no progress, singular steps) only end the polish.
    gsl_set_error_handler_off();
    gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
    // Geodesic acceleration (Transtrum and Sethna): a second-order correction of each step,
    // from one more residual evaluation, that follows curved valleys; plain LM crawls there.
    params.trs = gsl_multifit_nlinear_trs_lmaccel;
    // Invariant to the scale of each coordinate; floored: see flooredScale.
    params.scale = loss < floorBelow ? &flooredMoreScale : gsl_multifit_nlinear_scale_more;
    params.solver = blockedQrSolver();  // QR, not the normal equations: J is ill-conditioned
    gsl_multifit_nlinear_workspace* w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, size_t(prob.residuals), size_t(F));
    gsl_multifit_nlinear_fdf fdf{};
    fdf.f = residualsAt;
    fdf.df = jacobianAt;
    fdf.fvv = nullptr;
    fdf.n = size_t(prob.residuals);
    fdf.p = size_t(F);
    fdf.params = &prob;

    std::vector<double> y;
    toCoordinates(obj, coords, set, y);
    if (!vary.empty()) {
        std::vector<double> polished(vary.size());
        for (size_t k = 0; k < vary.size(); ++k) polished[k] = y[size_t(vary[k])];
        y = polished;
    }
    gsl_vector_view start = gsl_vector_view_array(y.data(), y.size());
    if (gsl_multifit_nlinear_init(&start.vector, &fdf, w) == GSL_SUCCESS) {
        // Ends after `stalls` accepted steps in a row that lower the loss by less than 1e-10
        // (relative): round-off level, where steps only wander; and when `window` steps lowered
        // it by less than 0.5% together: a crawl along a valley floor, which the next round
        // (from the best point, with a fresh trust region) or nothing will shorten.
        constexpr int stalls = 3, window = 5;
        int stalled = 0;
        std::vector<double> seen{prob.bestLoss};
        for (int it = 0; it < iterations && stalled < stalls; ++it) {
            if (interrupted && interrupted()) break;
            const double before = prob.bestLoss;
            if (gsl_multifit_nlinear_iterate(w) != GSL_SUCCESS) break;  // no acceptable step left
            stalled = prob.bestLoss < before * (1 - 1e-10) ? 0 : stalled + 1;
            if (enough && prob.bestLoss < before && enough(prob.bestSet)) break;
            seen.push_back(prob.bestLoss);
            if (seen.size() > window && prob.bestLoss > seen[seen.size() - 1 - window] * (1 - 5e-3)) break;
            int info = 0;
            if (gsl_multifit_nlinear_test(1e-15, 1e-15, 0.0, &info, w) == GSL_SUCCESS) break;
        }
    }
    gsl_multifit_nlinear_free(w);
    if (prob.bestSet.empty() || !(prob.bestLoss < loss)) return false;
    std::copy(prob.bestSet.begin(), prob.bestSet.end(), set);
    loss = prob.bestLoss;
    return true;
}

}  // namespace odynn::detail
