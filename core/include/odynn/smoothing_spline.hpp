#pragma once
// Cubic smoothing spline of FITPACK's curfit (P. Dierckx, "Curve and surface fitting with
// splines", 1993, ch. 5), the routine behind scipy.interpolate.splrep / splev.
//
// For s > 0 the knots are placed adaptively (least-squares splines with more and more knots
// until the residual drops below s), then the smoothing spline on those knots is found by
// iterating on the smoothing parameter p with rational interpolation until
// |sum_i (y_i - g(x_i))^2 - s| < 0.001 s. s = 0 gives the interpolating spline on FITPACK's
// interpolation knots. All linear algebra is banded Givens QR, so the cost is linear in the
// number of samples.
#include <functional>
#include <vector>

namespace odynn {

class SmoothingSpline {
public:
    // Reports the fitting stage: fraction in [0, 1] (an estimate, monotone).
    using Progress = std::function<void(double fraction)>;

    // x strictly increasing and finite, y finite, at least 4 samples, s >= 0 (unit weights,
    // the interval [x.front(), x.back()], as splrep(x, y, s=s)); throws std::invalid_argument.
    SmoothingSpline(const std::vector<double>& x, const std::vector<double>& y, double s, const Progress& progress = {});

    // Value at t (splev): outside [x.front(), x.back()] the end polynomial pieces are extended.
    double operator()(double t) const;
    // Values at t0 + k*dt, k = 0..count-1 (one pass over the knots; dt > 0).
    std::vector<double> evaluateGrid(double t0, double dt, size_t count) const;

    double residual() const { return residual_; }  // sum of squared residuals at the samples (fp)
    const std::vector<double>& knots() const { return knots_; }          // t, n values
    const std::vector<double>& coefficients() const { return coeffs_; }  // c, n - 4 values
    // FITPACK's ier: 0 (|fp - s| <= 0.001 s), -1 (interpolating spline), -2 (least-squares
    // cubic polynomial, fp <= s), 1 (no knot could be added; fp > s), 2 or 3 (the p iteration
    // stopped early; fp is still close to s).
    int status() const { return status_; }

private:
    double evaluateAt(double t, size_t interval) const;
    size_t intervalOf(double t) const;

    std::vector<double> knots_, coeffs_;
    double residual_ = 0;
    int status_ = 0;
};

}  // namespace odynn
