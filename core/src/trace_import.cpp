#include "odynn/trace_import.hpp"

#include <gsl/gsl_bspline.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_roots.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "odynn/csv.hpp"
#include "odynn/errors.hpp"

namespace odynn {

namespace {

// GSL's default error handler aborts the process; every GSL status is checked here instead.
void quietGsl() {
    static std::once_flag once;
    std::call_once(once, [] { gsl_set_error_handler_off(); });
}

void check(int status, const char* what) {
    if (status != GSL_SUCCESS) throw std::runtime_error(std::string("smoothing spline: ") + what + ": " + gsl_strerror(status));
}

constexpr size_t kOrder = 4;          // cubic B-splines
constexpr size_t kBand = kOrder;      // half bandwidth of B'B + lambda P'P (a jump touches 5 coefficients)

}  // namespace

namespace {
double fitPolynomial(const std::vector<double>& x, const std::vector<double>& y, SmoothingSpline::Impl& impl);
}  // namespace

struct SmoothingSpline::Impl {
    gsl_bspline_workspace* basis = nullptr;
    gsl_vector* coeffs = nullptr;
    gsl_vector* values = nullptr;  // the kOrder nonzero basis values at one point
    double xmin = 0, xmax = 0;
    // Set when the answer is the least-squares cubic: sum_p poly[p] * u^p, u = (x - mid) / half.
    bool polynomial = false;
    double poly[kOrder] = {0, 0, 0, 0}, mid = 0, half = 1;
    ~Impl() {
        if (values) gsl_vector_free(values);
        if (coeffs) gsl_vector_free(coeffs);
        if (basis) gsl_bspline_free(basis);
    }
};

// The smoothing spline (FITPACK's criterion, all knots):
//   minimise  sum_j (jump of g''' at interior knot j)^2  subject to  sum_i (y_i - g(x_i))^2 = s.
// With g = sum_c coeff_c B_c, the Lagrange condition is the banded system
//   (B'B + lambda P'P) coeff = B'y,
// B the collocation matrix (4 nonzeros a row) and P the jump matrix (5 nonzeros a row). The
// residual grows monotonically with lambda, from 0 (the interpolating spline, lambda = 0) to the
// least-squares cubic polynomial (lambda -> inf); Brent's method finds log(lambda) where it
// equals s. If even the polynomial leaves a residual below s, the polynomial is the answer
// (as in FITPACK).
SmoothingSpline::SmoothingSpline(const std::vector<double>& x, const std::vector<double>& y, double s)
    : impl_(new Impl) {
    quietGsl();
    try {
        const size_t m = x.size();
        if (y.size() != m) throw std::invalid_argument("smoothing spline: x and y differ in length");
        if (m < kOrder) throw std::invalid_argument("smoothing spline: at least 4 samples are needed");
        if (!(s >= 0) || !std::isfinite(s)) throw std::invalid_argument("smoothing spline: s must be finite and >= 0");
        for (size_t i = 0; i < m; ++i) {
            if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
                throw std::invalid_argument("smoothing spline: non-finite sample");
            if (i && !(x[i] > x[i - 1])) throw std::invalid_argument("smoothing spline: x must increase strictly");
        }
        impl_->xmin = x.front();
        impl_->xmax = x.back();

        // FITPACK's interpolation knots: x0 (x4), x2 .. x_{m-3}, x_{m-1} (x4); m coefficients.
        const size_t nbreak = m - 2;
        impl_->basis = gsl_bspline_alloc(kOrder, nbreak);
        gsl_vector* breaks = gsl_vector_alloc(nbreak);
        gsl_vector_set(breaks, 0, x.front());
        for (size_t j = 1; j + 1 < nbreak; ++j) gsl_vector_set(breaks, j, x[j + 1]);
        gsl_vector_set(breaks, nbreak - 1, x.back());
        const int knotStatus = gsl_bspline_knots(breaks, impl_->basis);
        gsl_vector_free(breaks);
        check(knotStatus, "knots");
        const size_t n = gsl_bspline_ncoeffs(impl_->basis);
        impl_->values = gsl_vector_alloc(kOrder);
        impl_->coeffs = gsl_vector_calloc(n);

        // Collocation rows (first index and 4 values per sample), B'B and B'y in band storage
        // (AB(i, d) = A(i + d, i)).
        std::vector<size_t> rowStart(m);
        std::vector<double> rowValues(m * kOrder);
        std::vector<double> btb(n * (kBand + 1), 0.0), ptp(n * (kBand + 1), 0.0), bty(n, 0.0);
        auto band = [&](std::vector<double>& a, size_t i, size_t j) -> double& {
            if (i < j) std::swap(i, j);
            return a[j * (kBand + 1) + (i - j)];
        };
        for (size_t r = 0; r < m; ++r) {
            size_t is = 0, ie = 0;
            check(gsl_bspline_eval_nonzero(x[r], impl_->values, &is, &ie, impl_->basis), "basis");
            rowStart[r] = is;
            for (size_t a = 0; a < kOrder; ++a) {
                const double va = gsl_vector_get(impl_->values, a);
                rowValues[r * kOrder + a] = va;
                bty[is + a] += va * y[r];
                for (size_t b = 0; b <= a; ++b) band(btb, is + a, is + b) += va * gsl_vector_get(impl_->values, b);
            }
        }
        // Jumps of g''' at interior breakpoints: g''' is constant between knots, so take it at
        // the midpoints of the two neighbouring intervals.
        gsl_matrix* derivs = gsl_matrix_alloc(kOrder, 4);
        for (size_t j = 1; j + 1 < nbreak; ++j) {
            const double bj = gsl_bspline_breakpoint(j, impl_->basis);
            const double lo = 0.5 * (gsl_bspline_breakpoint(j - 1, impl_->basis) + bj);
            const double hi = 0.5 * (bj + gsl_bspline_breakpoint(j + 1, impl_->basis));
            double jump[kOrder + 1] = {0, 0, 0, 0, 0};
            size_t isLo = 0, ieLo = 0, isHi = 0, ieHi = 0;
            check(gsl_bspline_deriv_eval_nonzero(lo, 3, derivs, &isLo, &ieLo, impl_->basis), "derivative");
            for (size_t a = 0; a < kOrder; ++a) jump[a] -= gsl_matrix_get(derivs, a, 3);
            check(gsl_bspline_deriv_eval_nonzero(hi, 3, derivs, &isHi, &ieHi, impl_->basis), "derivative");
            if (isHi != isLo + 1) {
                gsl_matrix_free(derivs);
                throw std::runtime_error("smoothing spline: unexpected knot layout");
            }
            for (size_t a = 0; a < kOrder; ++a) jump[a + 1] += gsl_matrix_get(derivs, a, 3);
            for (size_t a = 0; a <= kOrder; ++a)
                for (size_t b = 0; b <= a; ++b) band(ptp, isLo + a, isLo + b) += jump[a] * jump[b];
        }
        gsl_matrix_free(derivs);

        double btbTrace = 0, ptpTrace = 0;
        for (size_t i = 0; i < n; ++i) {
            btbTrace += btb[i * (kBand + 1)];
            ptpTrace += ptp[i * (kBand + 1)];
        }
        const double scale = ptpTrace > 0 ? btbTrace / ptpTrace : 0.0;  // makes lambda dimensionless

        // GSL needs the band narrower than the matrix: with 4 samples (4 coefficients, no
        // interior knot) the system is a full 4 x 4 one.
        const size_t width = std::min(kBand, n - 1);
        gsl_matrix* system = gsl_matrix_alloc(n, width + 1);
        gsl_vector_view rhs = gsl_vector_view_array(bty.data(), n);
        auto solve = [&](double lambda) {
            for (size_t i = 0; i < n; ++i)
                for (size_t d = 0; d <= width; ++d)
                    gsl_matrix_set(system, i, d, btb[i * (kBand + 1) + d] + lambda * scale * ptp[i * (kBand + 1) + d]);
            check(gsl_linalg_cholesky_band_decomp(system), "banded Cholesky");
            check(gsl_linalg_cholesky_band_solve(system, &rhs.vector, impl_->coeffs), "banded solve");
            double fp = 0;
            for (size_t r = 0; r < m; ++r) {
                double g = 0;
                for (size_t a = 0; a < kOrder; ++a) g += rowValues[r * kOrder + a] * gsl_vector_get(impl_->coeffs, rowStart[r] + a);
                fp += (y[r] - g) * (y[r] - g);
            }
            return fp;
        };

        try {
            double fp0 = 0;
            if (s > 0 && scale > 0) fp0 = fitPolynomial(x, y, *impl_);
            if (s == 0 || scale == 0) {
                residual_ = solve(0.0);
            } else if (fp0 <= s) {
                impl_->polynomial = true;
                residual_ = fp0;
            } else {
                // log(lambda) in [lowLog, highLog]; the banded system stays well conditioned
                // there, and at highLog the fit is within rounding of the polynomial.
                const double lowLog = -40, highLog = 20;
                const double fpHigh = solve(std::exp(highLog));
                if (fpHigh <= s) {
                    residual_ = fpHigh;
                } else if (solve(std::exp(lowLog)) >= s) {
                    residual_ = solve(std::exp(lowLog));
                } else {
                    struct Ctx {
                        decltype(solve)* f;
                        double s;
                    } ctx{&solve, s};
                    gsl_function fn;
                    fn.function = [](double logLambda, void* p) {
                        auto* c = static_cast<Ctx*>(p);
                        return (*c->f)(std::exp(logLambda)) - c->s;
                    };
                    fn.params = &ctx;
                    gsl_root_fsolver* solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
                    gsl_root_fsolver_set(solver, &fn, lowLog, highLog);
                    double root = highLog;
                    for (int it = 0; it < 200; ++it) {
                        if (gsl_root_fsolver_iterate(solver) != GSL_SUCCESS) break;
                        root = gsl_root_fsolver_root(solver);
                        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(solver), gsl_root_fsolver_x_upper(solver),
                                                   1e-12, 1e-12) == GSL_SUCCESS)
                            break;
                    }
                    gsl_root_fsolver_free(solver);
                    residual_ = solve(std::exp(root));
                }
            }
        } catch (...) {
            gsl_matrix_free(system);
            throw;
        }
        gsl_matrix_free(system);
    } catch (...) {
        delete impl_;
        throw;
    }
}

namespace {

// Least-squares cubic through the samples (GSL's linear least squares), in a centred and scaled
// variable for conditioning; returns its sum of squared residuals.
double fitPolynomial(const std::vector<double>& x, const std::vector<double>& y, SmoothingSpline::Impl& impl) {
    const size_t m = x.size();
    impl.mid = 0.5 * (x.front() + x.back());
    impl.half = 0.5 * (x.back() - x.front());
    gsl_matrix* X = gsl_matrix_alloc(m, kOrder);
    gsl_vector* Y = gsl_vector_alloc(m);
    gsl_vector* c = gsl_vector_alloc(kOrder);
    gsl_matrix* cov = gsl_matrix_alloc(kOrder, kOrder);
    gsl_multifit_linear_workspace* work = gsl_multifit_linear_alloc(m, kOrder);
    for (size_t r = 0; r < m; ++r) {
        const double u = (x[r] - impl.mid) / impl.half;
        double p = 1;
        for (size_t k = 0; k < kOrder; ++k, p *= u) gsl_matrix_set(X, r, k, p);
        gsl_vector_set(Y, r, y[r]);
    }
    double chisq = 0;
    const int status = gsl_multifit_linear(X, Y, c, cov, &chisq, work);
    for (size_t k = 0; k < kOrder; ++k) impl.poly[k] = gsl_vector_get(c, k);
    gsl_multifit_linear_free(work);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(Y);
    gsl_matrix_free(X);
    check(status, "polynomial fit");
    return chisq;
}

}  // namespace

SmoothingSpline::~SmoothingSpline() { delete impl_; }
SmoothingSpline::SmoothingSpline(SmoothingSpline&& o) noexcept : impl_(o.impl_), residual_(o.residual_) { o.impl_ = nullptr; }
SmoothingSpline& SmoothingSpline::operator=(SmoothingSpline&& o) noexcept {
    std::swap(impl_, o.impl_);
    std::swap(residual_, o.residual_);
    return *this;
}

double SmoothingSpline::operator()(double t) const {
    t = std::clamp(t, impl_->xmin, impl_->xmax);
    if (impl_->polynomial) {
        const double u = (t - impl_->mid) / impl_->half;
        return impl_->poly[0] + u * (impl_->poly[1] + u * (impl_->poly[2] + u * impl_->poly[3]));
    }
    size_t is = 0, ie = 0;
    check(gsl_bspline_eval_nonzero(t, impl_->values, &is, &ie, impl_->basis), "evaluation");
    double g = 0;
    for (size_t a = 0; a < kOrder; ++a) g += gsl_vector_get(impl_->values, a) * gsl_vector_get(impl_->coeffs, is + a);
    return g;
}

std::vector<double> resample(const std::vector<double>& time, const std::vector<double>& values, double dt,
                             double smoothing) {
    if (!(dt > 0) || !std::isfinite(dt)) throw std::invalid_argument("resample: dt must be positive");
    const SmoothingSpline spline(time, values, smoothing);
    const double t0 = time.front(), span = time.back() - time.front();
    // A relative tolerance keeps the last sample when span is a multiple of dt up to rounding.
    const auto steps = static_cast<size_t>(std::floor(span / dt * (1 + 1e-12))) + 1;
    std::vector<double> out(steps);
    for (size_t k = 0; k < steps; ++k) out[k] = spline(t0 + double(k) * dt);
    return out;
}

double hillCalcium(double f, const HillParams& p) {
    const double base = -p.k * f / (f - p.alpha);
    return base > 0 ? std::pow(base, 1.0 / p.n) : 0.0;
}

RawTrace parseTraceCsv(const std::string& text, const std::string& sourceName) {
    const CsvTable table = parseCsv(text, sourceName);
    RawTrace raw;
    raw.source = sourceName;
    raw.time = table.column("timeVector");
    raw.trace = table.column("trace");
    raw.current = table.column("inputCurrent");
    if (raw.time.size() < kOrder)
        throw InputError(sourceName, CsvTable::lineOfRow(std::max(0, table.rows() - 1)), "timeVector",
                         "at least 4 samples are needed, found " + std::to_string(raw.time.size()));
    for (size_t r = 1; r < raw.time.size(); ++r)
        if (!(raw.time[r] > raw.time[r - 1]))
            throw InputError(sourceName, CsvTable::lineOfRow(int(r)), "timeVector", "time must increase strictly");
    return raw;
}

RawTrace readTraceCsv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, {}, "cannot open the file for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return parseTraceCsv(text.str(), path);
}

ImportedTrace importTrace(const RawTrace& raw, const TraceImportOptions& o) {
    if (!(o.dt > 0) || !std::isfinite(o.dt)) throw InputError(raw.source, 0, "dt", "the time step must be positive");
    if (!(o.timeScale > 0) || !std::isfinite(o.timeScale))
        throw InputError(raw.source, 0, "time-scale", "the time scale must be positive");
    if (!std::isfinite(o.traceScale) || !std::isfinite(o.currentScale))
        throw InputError(raw.source, 0, "trace-scale", "scales must be finite");
    const size_t m = raw.time.size();
    if (m < kOrder || raw.trace.size() != m || raw.current.size() != m)
        throw InputError(raw.source, 0, "timeVector", "at least 4 samples with time, trace and current are needed");

    size_t first = 0, last = m - 1;
    const double t0 = raw.time.front() * o.timeScale, t1 = raw.time.back() * o.timeScale;
    if (o.window) {
        const auto [start, end] = *o.window;
        char span[160];
        std::snprintf(span, sizeof span, "[%g, %g] ms", start, end);
        if (!(start < end)) throw InputError(raw.source, 0, "window", std::string("empty window ") + span);
        if (start < t0 || end > t1) {
            char rec[120];
            std::snprintf(rec, sizeof rec, "[%g, %g] ms", t0, t1);
            throw InputError(raw.source, 0, "window",
                             std::string("window ") + span + " lies outside the recording " + rec);
        }
        while (first < m && raw.time[first] * o.timeScale < start) ++first;
        last = first;
        while (last + 1 < m && raw.time[last + 1] * o.timeScale <= end) ++last;
        if (first >= m || last < first + kOrder - 1)
            throw InputError(raw.source, 0, "window", std::string("window ") + span + " holds fewer than 4 samples");
    }

    std::vector<double> t, f, i;
    for (size_t r = first; r <= last; ++r) {
        t.push_back(raw.time[r] * o.timeScale);
        const double fl = raw.trace[r] * o.traceScale;
        f.push_back(o.hill ? hillCalcium(fl, o.hillParams) : fl);
        i.push_back(raw.current[r] * o.currentScale);
    }
    ImportedTrace out;
    out.cac = resample(t, f, o.dt, o.traceSmoothing);
    out.current = resample(t, i, o.dt, o.currentSmoothing);
    out.t.resize(out.cac.size());
    for (size_t k = 0; k < out.t.size(); ++k) out.t[k] = double(k) * o.dt;
    return out;
}

TraceSplit odynnTraceSplit(int samples) {
    TraceSplit split;
    for (const int start : {0, 420, 1140, 2400})
        if (start + 500 <= samples) split.train.emplace_back(start, start + 499);
    split.test = {0, std::max(0, samples - 1)};
    return split;
}

}  // namespace odynn
