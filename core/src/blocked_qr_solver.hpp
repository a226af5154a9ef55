#pragma once
// GSL multifit_nlinear's linear solver interface backed by Eigen's blocked Householder QR: the
// damped Gauss-Newton steps of the robust method's polish (least_squares_polish.cpp) for tall
// Jacobians, where GSL's unblocked QR dominates the polish.
#include <gsl/gsl_multifit_nlinear.h>

namespace odynn::detail {

const gsl_multifit_nlinear_solver* blockedQrSolver();

}  // namespace odynn::detail
