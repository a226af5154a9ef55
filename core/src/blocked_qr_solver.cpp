// A linear solver for GSL's nonlinear least-squares trust region (blocked_qr_solver.hpp).
// GSL's own QR solver factors the n x p Jacobian with unblocked Householder steps and column
// pivoting; for a circuit's Jacobian (12,000 residuals x 61 parameters) that factorisation took
// half of a polish. Here Eigen's blocked Householder QR factors J = Q R once per Jacobian, and
// each damped system
//     [     J      ] x = - [ f ]      <=>      [     R      ] x = - [ Q^T f ]
//     [ sqrt(mu) D ]       [ 0 ]               [ sqrt(mu) D ]       [   0   ]
// is the small 2p x p problem on the right, solved by a column-pivoting QR (rank-deficient R
// included). The step is the same least-squares solution as GSL's QR solver gives, up to
// round-off.
#include "blocked_qr_solver.hpp"

#include <Eigen/Dense>
#include <cmath>

namespace odynn::detail {

namespace {

struct State {
    Eigen::MatrixXd jacobian;                  // n x p copy of J (Eigen is column-major, GSL row-major)
    Eigen::HouseholderQR<Eigen::MatrixXd> qr;  // J = Q R
    Eigen::MatrixXd stacked;                   // 2p x p: [R; sqrt(mu) D]
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> damped;
    Eigen::VectorXd rhs;                       // n, then 2p
    double mu = 0;
};

void* allocate(const size_t n, const size_t p) {
    auto* s = new State;
    s->jacobian.resize(Eigen::Index(n), Eigen::Index(p));
    s->stacked.setZero(Eigen::Index(2 * p), Eigen::Index(p));
    return s;
}

int init(const void* vtrust, void* vstate) {
    const auto* trust = static_cast<const gsl_multifit_nlinear_trust_state*>(vtrust);
    auto& s = *static_cast<State*>(vstate);
    const gsl_matrix* J = trust->J;
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    s.jacobian = Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>>(J->data, Eigen::Index(J->size1),
                                                                    Eigen::Index(J->size2), Eigen::OuterStride<>(J->tda));
    s.qr.compute(s.jacobian);
    return GSL_SUCCESS;
}

int presolve(const double mu, const void* vtrust, void* vstate) {
    const auto* trust = static_cast<const gsl_multifit_nlinear_trust_state*>(vtrust);
    auto& s = *static_cast<State*>(vstate);
    const Eigen::Index p = s.stacked.cols();
    s.mu = mu;
    s.stacked.topRows(p) = s.qr.matrixQR().topRows(p).triangularView<Eigen::Upper>();
    const double root = std::sqrt(mu);
    s.stacked.bottomRows(p).setZero();
    for (Eigen::Index j = 0; j < p; ++j) s.stacked(p + j, j) = root * gsl_vector_get(trust->diag, size_t(j));
    s.damped.compute(s.stacked);
    return GSL_SUCCESS;
}

int solve(const gsl_vector* f, gsl_vector* x, const void*, void* vstate) {
    auto& s = *static_cast<State*>(vstate);
    const Eigen::Index n = s.jacobian.rows(), p = s.jacobian.cols();
    s.rhs.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) s.rhs(i) = gsl_vector_get(f, size_t(i));
    s.rhs.applyOnTheLeft(s.qr.householderQ().adjoint());
    Eigen::VectorXd small = Eigen::VectorXd::Zero(2 * p);
    small.head(p) = -s.rhs.head(p);
    const Eigen::VectorXd step = s.damped.solve(small);
    for (Eigen::Index j = 0; j < p; ++j) gsl_vector_set(x, size_t(j), step(j));
    return step.allFinite() ? GSL_SUCCESS : GSL_EDOM;
}

int rcond(double* out, void* vstate) {
    const auto& s = *static_cast<State*>(vstate);
    const Eigen::Index p = s.jacobian.cols();
    const Eigen::MatrixXd R = s.qr.matrixQR().topRows(p).triangularView<Eigen::Upper>();
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(R);
    const auto& sv = svd.singularValues();
    *out = sv.size() > 0 && sv(0) > 0 ? sv(sv.size() - 1) / sv(0) : 0.0;
    return GSL_SUCCESS;
}

void release(void* vstate) { delete static_cast<State*>(vstate); }

const gsl_multifit_nlinear_solver blockedQr{"blocked-qr", allocate, init, presolve, solve, rcond, release};

}  // namespace

const gsl_multifit_nlinear_solver* blockedQrSolver() { return &blockedQr; }

}  // namespace odynn::detail
