#include "odynn/smoothing_spline.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <stdexcept>

#ifdef _OPENMP
#include <omp.h>
#endif

// FITPACK's curfit (fpcurf and its helpers fpbspl, fpgivs, fprota, fpback, fpdisc, fpknot,
// fprati) for degree 3, unit weights and the interval [x1, xm], as scipy's splrep calls it
// (tol = 0.001, maxit = 20, nest = m + 4). The arithmetic follows Dierckx's operation order so
// that results agree with scipy to rounding. Arrays are indexed from 1 as in the book, so that
// the knot and band indices read as there; two changes keep it linear in m for long
// recordings: the knots added in one round are chosen with a heap instead of rescanning all
// intervals per knot (same knots, same order), and the smoothing system is triangularised
// in band order (see part 2), which changes results only by rounding.

namespace odynn {

namespace {

constexpr int kDeg = 3;        // k
constexpr int k1 = kDeg + 1;   // coefficients a sample touches
constexpr int k2 = kDeg + 2;   // width of a jump row
constexpr double kTol = 1e-3;  // relative tolerance on fp = s (curfit)
constexpr int kMaxIt = 20;     // iterations on p (curfit)
constexpr double con1 = 0.1, con9 = 0.9, con4 = 0.04;

// A 1-based vector.
template <class T>
struct Vec1 {
    std::vector<T> v;
    explicit Vec1(size_t n = 0) : v(n + 1, T{}) {}
    T& operator()(size_t i) { return v[i]; }
    const T& operator()(size_t i) const { return v[i]; }
};

// A 1-based rows x width band matrix (row i holds columns i .. i + width - 1).
struct Band {
    int width;
    std::vector<double> d;
    Band(size_t rows, int w) : width(w), d(rows * size_t(w), 0.0) {}
    double& operator()(size_t i, int j) { return d[(i - 1) * size_t(width) + size_t(j - 1)]; }
};

// The k + 1 nonzero B-splines at t(l) <= x < t(l+1), Cox-de Boor recurrence.
void fpbspl(const Vec1<double>& t, double x, size_t l, double h[k1 + 1]) {
    double hh[k1];
    h[1] = 1;
    for (int j = 1; j <= kDeg; ++j) {
        for (int i = 1; i <= j; ++i) hh[i] = h[i];
        h[1] = 0;
        for (int i = 1; i <= j; ++i) {
            const size_t li = l + size_t(i), lj = li - size_t(j);
            const double f = hh[i] / (t(li) - t(lj));
            h[i] = h[i] + f * (t(li) - x);
            h[i + 1] = f * (x - t(lj));
        }
    }
}

void fpgivs(double piv, double& ww, double& cos, double& sin) {
    const double store = std::abs(piv);
    double dd = 0;
    if (store >= ww) dd = store * std::sqrt(1 + (ww / piv) * (ww / piv));
    if (store < ww) dd = ww * std::sqrt(1 + (piv / ww) * (piv / ww));
    cos = ww / dd;
    sin = piv / dd;
    ww = dd;
}

void fprota(double cos, double sin, double& a, double& b) {
    const double stor1 = a, stor2 = b;
    b = cos * stor2 + sin * stor1;
    a = cos * stor1 - sin * stor2;
}

// Solves the upper-triangular banded system a c = z (n unknowns, bandwidth k); c may be z.
void fpback(Band& a, const Vec1<double>& z, size_t n, int k, Vec1<double>& c) {
    const int km1 = k - 1;
    c(n) = z(n) / a(n, 1);
    if (n == 1) return;
    size_t i = n - 1;
    for (size_t j = 2; j <= n; ++j) {
        double store = z(i);
        const int i1 = j <= size_t(km1) ? int(j) - 1 : km1;
        size_t m = i;
        for (int l = 1; l <= i1; ++l) {
            ++m;
            store = store - c(m) * a(i, l + 1);
        }
        c(i) = store / a(i, 1);
        --i;
    }
}

// Jumps of the third derivative of the B-splines at the interior knots t(5) .. t(n-4).
void fpdisc(const Vec1<double>& t, size_t n, Band& b) {
    const size_t nk1 = n - k1;
    const size_t nrint = nk1 - kDeg;
    const double an = double(nrint);
    const double fac = an / (t(nk1 + 1) - t(k1));
    double h[2 * k1 + 1];
    for (size_t l = k2; l <= nk1; ++l) {
        const size_t lmk = l - k1;
        for (int j = 1; j <= k1; ++j) {
            const int ik = j + k1;
            const size_t lj = l + size_t(j), lk = lj - k2;
            h[j] = t(l) - t(lk);
            h[ik] = t(l) - t(lj);
        }
        size_t lp = lmk;
        for (int j = 1; j <= k2; ++j) {
            int jk = j;
            double prod = h[j];
            for (int i = 1; i <= kDeg; ++i) {
                ++jk;
                prod = prod * h[jk] * fac;
            }
            const size_t lk = lp + k1;
            b(lmk, j) = (t(lk) - t(lp)) / prod;
            ++lp;
        }
    }
}

// Rational interpolation r(p) = (u p + v) / (p + w) through three points, root of r; narrows
// the bracket (p1, f1 > 0), (p3, f3 < 0) with the middle point. p3 <= 0 stands for infinity.
double fprati(double& p1, double& f1, double p2, double f2, double& p3, double& f3) {
    double p;
    if (p3 > 0) {
        const double h1 = f1 * (f2 - f3), h2 = f2 * (f3 - f1), h3 = f3 * (f1 - f2);
        p = -(p1 * p2 * h3 + p2 * p3 * h1 + p3 * p1 * h2) / (p1 * h1 + p2 * h2 + p3 * h3);
    } else {
        p = (p1 * (f1 - f3) * f2 - p2 * (f2 - f3) * f1) / ((f1 - f2) * f3);
    }
    if (f2 < 0) {
        p3 = p2;
        f3 = f2;
    } else {
        p1 = p2;
        f1 = f2;
    }
    return p;
}

// The interval l with t(l) <= x < t(l+1), k1 <= l <= nk1, moving forward from `l`.
size_t advance(const Vec1<double>& t, double x, size_t l, size_t nk1) {
    while (!(x < t(l + 1) || l == nk1)) ++l;
    return l;
}

// Givens-rotates the row h(1..width) (columns j .. j+width-1) with right-hand side yi into the
// triangle g (rows j .. nk1) and its right-hand side c, until the row is used up; returns the
// square of what is left of yi (its share of the residual sum). A zero pivot needs no
// rotation; an empty triangle row takes the row as it is (up to sign).
double rotateRowIn(Band& g, Vec1<double>& c, size_t nk1, size_t j, double h[k2 + 1], double yi) {
    const int w = g.width;
    for (; j <= nk1; ++j) {
        const double piv = h[1];
        if (piv != 0) {
            double cos, sin;
            fpgivs(piv, g(j, 1), cos, sin);
            fprota(cos, sin, yi, c(j));
            for (int i = 2; i <= w; ++i) fprota(cos, sin, h[i], g(j, i));
        }
        bool rest = false;
        for (int i = 1; i < w; ++i) {
            h[i] = h[i + 1];
            rest = rest || h[i] != 0;
        }
        h[w] = 0;
        if (!rest) break;
    }
    return yi * yi;
}

// Below this many rows a triangularisation runs on one thread, in exactly Dierckx's order.
constexpr size_t kParallelRows = 200000;

// QR by Givens rotations of rows given in order of their first column: row(r, h, yi, hint)
// fills h(1..width) and the right-hand side of row r (0-based) and returns its first column;
// hint is the caller's per-block memory (rows come in order within a block). The
// triangle and right-hand side go to g and c (zeroed by the caller), the residual sum of
// squares is returned. Long systems are cut into consecutive blocks of rows triangularised
// in parallel, whose triangles are then rotated, row by row, into the first one: the same
// factorisation up to rounding.
template <class RowFn>
double triangularize(size_t rows, size_t nk1, Band& g, Vec1<double>& c, const RowFn& row) {
    const int w = g.width;
    int blocks = 1;
#ifdef _OPENMP
    if (rows >= kParallelRows) blocks = std::max(1, std::min(omp_get_max_threads(), int(rows / (kParallelRows / 4))));
#endif
    double h[k2 + 1];
    if (blocks == 1) {
        double fp = 0;
        size_t hint = 0;
        for (size_t r = 0; r < rows; ++r) {
            double yi = 0;
            const size_t col = row(r, h, yi, hint);
            fp = fp + rotateRowIn(g, c, nk1, col, h, yi);
        }
        return fp;
    }
    struct Block {
        size_t first = 1, span = 0;
        Band g{0, 1};
        Vec1<double> c;
        double fp = 0;
    };
    std::vector<Block> parts(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(static, 1)
    for (int bi = 0; bi < blocks; ++bi) {
        Block& part = parts[size_t(bi)];
        const size_t r0 = rows * size_t(bi) / size_t(blocks), r1 = rows * size_t(bi + 1) / size_t(blocks);
        double hb[k2 + 1], yi = 0;
        size_t hint = 0;
        const size_t lastCol = row(r1 - 1, hb, yi, hint);
        hint = 0;
        part.first = row(r0, hb, yi, hint);
        part.span = std::min(nk1, lastCol + size_t(w) - 1) - part.first + 1;
        part.g = Band(part.span, w);
        part.c = Vec1<double>(part.span);
        for (size_t r = r0; r < r1; ++r) {
            const size_t col = row(r, hb, yi, hint);
            part.fp = part.fp + rotateRowIn(part.g, part.c, part.span, col - part.first + 1, hb, yi);
        }
    }
    double fp = 0;
    for (Block& part : parts) {
        fp = fp + part.fp;
        for (size_t rr = 1; rr <= part.span; ++rr) {
            bool any = part.c(rr) != 0;
            for (int i = 1; i <= w; ++i) {
                h[i] = part.g(rr, i);
                any = any || h[i] != 0;
            }
            if (any) fp = fp + rotateRowIn(g, c, nk1, part.first + rr - 1, h, part.c(rr));
        }
    }
    return fp;
}

// Squared residuals (y_i - g(x_i))^2 of the spline with knots t(1..n), coefficients c, at every
// sample, in parallel.
void squaredResiduals(const Vec1<double>& t, size_t n, const Vec1<double>& c, const Vec1<double>& x,
                      const Vec1<double>& y, size_t m, std::vector<double>& out) {
    const size_t nk1 = n - k1;
    out.resize(m + 1);
    const long blocks = m >= kParallelRows ? 64 : 1;
#pragma omp parallel for schedule(static) if (blocks > 1)
    for (long bi = 0; bi < blocks; ++bi) {
        const size_t i0 = 1 + m * size_t(bi) / size_t(blocks), i1 = m * size_t(bi + 1) / size_t(blocks);
        if (i0 > i1) continue;
        // The first interval of the block: t(l) <= x(i0) < t(l+1), k1 <= l <= nk1.
        size_t l = size_t(std::upper_bound(t.v.begin() + k1 + 1, t.v.begin() + long(nk1) + 1, x(i0)) - t.v.begin()) - 1;
        double h[k1 + 1];
        for (size_t it = i0; it <= i1; ++it) {
            l = advance(t, x(it), l, nk1);
            fpbspl(t, x(it), l, h);
            double term = 0;
            size_t l0 = l - k1;
            for (int j = 1; j <= k1; ++j) {
                ++l0;
                term = term + c(l0) * h[j];
            }
            out[it] = (term - y(it)) * (term - y(it));
        }
    }
}

// One knot interval during knot placement: its sum of squared residuals, the number of samples
// strictly inside it, and the sample number of its left knot (fpknot's jbegin).
struct KnotInterval {
    double fpint;
    long nrdata;
    size_t begin;
};

// fpknot called `count` times in a row: each call splits the interval of largest residual
// (the leftmost on ties) that holds samples, at its middle sample. Returns the intervals in
// order. Stops early when no interval can be split or the interval count reaches maxIntervals.
std::vector<KnotInterval> addKnots(std::vector<KnotInterval> intervals, long count, size_t maxIntervals) {
    auto before = [&](size_t a, size_t b) {  // heap order: true if b is picked before a
        const KnotInterval &ia = intervals[a], &ib = intervals[b];
        if (ia.fpint != ib.fpint) return ia.fpint < ib.fpint;
        return ia.begin > ib.begin;
    };
    std::priority_queue<size_t, std::vector<size_t>, decltype(before)> heap(before);
    std::vector<char> alive(intervals.size(), 1);
    for (size_t j = 0; j < intervals.size(); ++j)
        if (intervals[j].nrdata != 0 && intervals[j].fpint > 0) heap.push(j);
    size_t live = intervals.size();
    for (long added = 0; added < count && live < maxIntervals && !heap.empty(); ++added) {
        const size_t pick = heap.top();
        heap.pop();
        const KnotInterval old = intervals[pick];
        alive[pick] = 0;
        const long ihalf = old.nrdata / 2 + 1;
        const double am = double(old.nrdata);
        KnotInterval left{0, ihalf - 1, old.begin}, right{0, old.nrdata - ihalf, old.begin + size_t(ihalf)};
        left.fpint = old.fpint * double(left.nrdata) / am;
        right.fpint = old.fpint * double(right.nrdata) / am;
        for (const KnotInterval& part : {left, right}) {
            intervals.push_back(part);
            alive.push_back(1);
            if (part.nrdata != 0 && part.fpint > 0) heap.push(intervals.size() - 1);
        }
        ++live;
    }
    std::vector<KnotInterval> out;
    out.reserve(live);
    for (size_t j = 0; j < intervals.size(); ++j)
        if (alive[j]) out.push_back(intervals[j]);
    std::sort(out.begin(), out.end(), [](const KnotInterval& a, const KnotInterval& b) { return a.begin < b.begin; });
    return out;
}

}  // namespace

SmoothingSpline::SmoothingSpline(const std::vector<double>& xs, const std::vector<double>& ys, double s,
                                 const Progress& progress) {
    const size_t m = xs.size();
    if (ys.size() != m) throw std::invalid_argument("smoothing spline: x and y differ in length");
    if (m < size_t(k1)) throw std::invalid_argument("smoothing spline: at least 4 samples are needed");
    if (!(s >= 0) || !std::isfinite(s)) throw std::invalid_argument("smoothing spline: s must be finite and >= 0");
    for (size_t i = 0; i < m; ++i) {
        if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) throw std::invalid_argument("smoothing spline: non-finite sample");
        if (i && !(xs[i] > xs[i - 1])) throw std::invalid_argument("smoothing spline: x must increase strictly");
    }
    auto report = [&](double f) {
        if (progress) progress(std::clamp(f, 0.0, 1.0));
    };
    Vec1<double> x(m), y(m);
    std::copy(xs.begin(), xs.end(), x.v.begin() + 1);
    std::copy(ys.begin(), ys.end(), y.v.begin() + 1);
    const double xb = x(1), xe = x(m);

    const size_t nest = std::max(m + kDeg + 1, size_t(2 * kDeg + 3));
    const size_t nmin = 2 * k1, nmax = m + k1;
    const double acc = kTol * s;
    Vec1<double> t(nest), c(nest), z(nest);
    Band a(nest, k1);
    std::vector<KnotInterval> intervals;  // during knot placement, t(k2) .. t(n-k1) follow from these

    auto placeInterpolationKnots = [&] {
        // Odd degree: interior knots at x(3) .. x(m-2).
        for (size_t l = 1, i = k2, j = 3; l + k1 <= m; ++l, ++i, ++j) t(i) = x(j);
    };

    size_t n = 0;
    int ier = 0;
    double fp = 0, fp0 = 0, fpold = 0, fpms = 0;
    long nplus = 0;
    if (s == 0) {
        n = nmax;
        placeInterpolationKnots();
    } else {
        n = nmin;
        intervals = {{0, long(m) - 2, 1}};
    }

    // Part 1: least-squares splines on more and more knots until fp <= s.
    bool smoothing = false;  // part 2 needed
    std::vector<double> residuals;
    for (size_t iter = 1; iter <= m; ++iter) {
        if (n == nmin) ier = -2;
        const size_t nk1 = n - k1;
        for (size_t j = 1; j <= size_t(k1); ++j) {
            t(j) = xb;
            t(n + 1 - j) = xe;
        }
        std::fill(z.v.begin(), z.v.begin() + long(nk1) + 1, 0.0);
        std::fill(a.d.begin(), a.d.begin() + long(nk1 * k1), 0.0);
        // Observation rows: the 4 nonzero B-splines at x(it), first column l - 3.
        fp = triangularize(m, nk1, a, z, [&](size_t r, double* hr, double& yi, size_t& hint) {
            const size_t it = r + 1;
            // The interval t(l) <= x < t(l+1): forward from the previous row's, else searched.
            size_t l = hint;
            if (l < size_t(k1) || l > nk1 || x(it) < t(l))
                l = size_t(std::upper_bound(t.v.begin() + k1 + 1, t.v.begin() + long(nk1) + 1, x(it)) - t.v.begin()) - 1;
            l = advance(t, x(it), l, nk1);
            hint = l;
            fpbspl(t, x(it), l, hr);
            yi = y(it);
            return l - k1 + 1;
        });
        if (ier == -2) fp0 = fp;
        fpback(a, z, nk1, k1, c);
        fpms = fp - s;
        if (std::abs(fpms) < acc) break;
        if (fpms < 0) {
            smoothing = true;
            break;
        }
        if (n == nmax) {
            ier = -1;
            break;
        }
        if (ier == 0) {
            double npl1 = double(nplus) * 2;
            const double rn = double(nplus);
            if (fpold - fp > acc) npl1 = std::trunc(rn * fpms / (fpold - fp));
            nplus = long(std::min(double(nplus) * 2, std::max({npl1, double(nplus / 2), 1.0})));
        } else {
            nplus = 1;
            ier = 0;
        }
        fpold = fp;
        report(0.8 * double(n - nmin) / double(nmax - nmin));

        // Residuals per knot interval (a sample on a knot counts half to each side).
        const size_t nrint = n - nmin + 1;
        squaredResiduals(t, n, c, x, y, m, residuals);
        {
            double fpart = 0;
            size_t i = 0, l = k2;
            for (size_t it = 1; it <= m; ++it) {
                const bool isNew = !(x(it) < t(l) || l > nk1);
                if (isNew) ++l;
                const double term = residuals[it];
                fpart = fpart + term;
                if (!isNew) continue;
                const double store = term * 0.5;
                intervals[i].fpint = fpart - store;
                ++i;
                fpart = store;
            }
            intervals[nrint - 1].fpint = fpart;
        }
        const size_t maxIntervals = nmax - nmin + 1;
        const size_t before = intervals.size();
        intervals = addKnots(std::move(intervals), nplus, maxIntervals);
        if (intervals.size() == before) {
            // No interval with samples inside is left to split: keep this least-squares spline
            // (FITPACK's ier = 1, no more knots possible) rather than retry forever.
            ier = 1;
            break;
        }
        n = nmin + intervals.size() - 1;
        if (n == nmax) {
            placeInterpolationKnots();
        } else {
            for (size_t j = 1; j < intervals.size(); ++j) t(k1 + j) = x(intervals[j].begin);
        }
    }

    if (smoothing && ier != -2) {
        // Part 2: the smoothing spline on these knots. Rows of jumps weighted 1/p join the
        // triangularised least-squares system; p is found so that fp(p) = s.
        report(0.8);
        const size_t nk1 = n - k1;
        const size_t n8 = n - nmin;
        Band b(std::max<size_t>(n8, 1), k2), g(nest, k2);
        if (n8 > 0) fpdisc(t, n, b);
        double p1 = 0, f1 = fp0 - s, p3 = -1, f3 = fpms;
        double p = 0;
        for (size_t i = 1; i <= nk1; ++i) p = p + a(i, 1);
        const double rn = double(nk1);
        p = rn / p;
        bool ich1 = false, ich3 = false;
        for (int iter = 1; iter <= kMaxIt; ++iter) {
            report(0.8 + 0.2 * iter / kMaxIt);
            const double pinv = 1 / p;
            // Rows enter the triangle in order of their first column (the least-squares
            // rows with their right-hand sides z, then the jump row of that column), so that
            // each row is absorbed within its band: linear in the number of knots. Dierckx
            // rotates all jump rows into the finished least-squares triangle instead, which
            // is the same factorisation but quadratic in the knots.
            std::fill(g.d.begin(), g.d.begin() + long(nk1 * k2), 0.0);
            std::fill(c.v.begin(), c.v.begin() + long(nk1) + 1, 0.0);
            // Row 2j-1: least-squares row j (right-hand side z(j)); row 2j: jump row j / p.
            triangularize(nk1 + n8, nk1, g, c, [&](size_t r, double* hr, double& yi, size_t&) {
                const size_t j = r < 2 * n8 ? r / 2 + 1 : r - n8 + 1;
                if (r < 2 * n8 && r % 2 == 1) {
                    for (int i = 1; i <= k2; ++i) hr[i] = b(j, i) * pinv;
                    yi = 0;
                } else {
                    for (int i = 1; i <= k1; ++i) hr[i] = a(j, i);
                    hr[k2] = 0;
                    yi = z(j);
                }
                return j;
            });
            fpback(g, c, nk1, k2, c);
            squaredResiduals(t, n, c, x, y, m, residuals);
            fp = 0;
            for (size_t it = 1; it <= m; ++it) fp = fp + residuals[it];
            fpms = fp - s;
            if (std::abs(fpms) < acc) break;
            if (iter == kMaxIt) {
                ier = 3;
                break;
            }
            const double p2 = p, f2 = fpms;
            if (!ich3) {
                if (!((f2 - f3) > acc)) {
                    // The first p is too large.
                    p3 = p2;
                    f3 = f2;
                    p = p * con4;
                    if (p <= p1) p = p1 * con9 + p2 * con1;
                    continue;
                }
                if (f2 < 0) ich3 = true;
            }
            if (!ich1) {
                if (!((f1 - f2) > acc)) {
                    // The first p is too small.
                    p1 = p2;
                    f1 = f2;
                    p = p / con4;
                    if (p3 < 0) continue;
                    if (p >= p3) p = p2 * con1 + p3 * con9;
                    continue;
                }
                if (f2 > 0) ich1 = true;
            }
            if (f2 >= f1 || f2 <= f3) {
                ier = 2;
                break;
            }
            p = fprati(p1, f1, p2, f2, p3, f3);
        }
    }
    report(1.0);
    knots_.assign(t.v.begin() + 1, t.v.begin() + long(n) + 1);
    coeffs_.assign(c.v.begin() + 1, c.v.begin() + long(n - k1) + 1);
    residual_ = fp;
    status_ = ier;
}

size_t SmoothingSpline::intervalOf(double t) const {
    // 0-based l with knots_[l] <= t < knots_[l+1], kDeg <= l <= n - k1 - 1.
    const size_t lo = kDeg, hi = knots_.size() - k1 - 1;
    const auto it = std::upper_bound(knots_.begin() + long(lo) + 1, knots_.begin() + long(hi) + 1, t);
    return size_t(it - knots_.begin()) - 1;
}

double SmoothingSpline::evaluateAt(double t, size_t l0) const {
    // fpbspl on 0-based knots: interval l0 is Dierckx's l = l0 + 1.
    double h[k1 + 1], hh[k1];
    h[1] = 1;
    const size_t l = l0 + 1;
    for (int j = 1; j <= kDeg; ++j) {
        for (int i = 1; i <= j; ++i) hh[i] = h[i];
        h[1] = 0;
        for (int i = 1; i <= j; ++i) {
            const size_t li = l + size_t(i), lj = li - size_t(j);
            const double f = hh[i] / (knots_[li - 1] - knots_[lj - 1]);
            h[i] = h[i] + f * (knots_[li - 1] - t);
            h[i + 1] = f * (t - knots_[lj - 1]);
        }
    }
    double sp = 0;
    size_t ll = l - k1;
    for (int j = 1; j <= k1; ++j) {
        ++ll;
        sp = sp + coeffs_[ll - 1] * h[j];
    }
    return sp;
}

double SmoothingSpline::operator()(double t) const { return evaluateAt(t, intervalOf(t)); }

std::vector<double> SmoothingSpline::evaluateGrid(double t0, double dt, size_t count) const {
    if (!(dt > 0)) throw std::invalid_argument("smoothing spline: the grid step must be positive");
    std::vector<double> out(count);
    const size_t last = knots_.size() - k1 - 1;
    size_t l = count ? intervalOf(t0) : 0;
    for (size_t k = 0; k < count; ++k) {
        const double tk = t0 + double(k) * dt;
        while (l < last && !(tk < knots_[l + 1])) ++l;
        out[k] = evaluateAt(tk, l);
    }
    return out;
}

}  // namespace odynn
