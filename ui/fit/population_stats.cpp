#include "fit/population_stats.hpp"

#include <algorithm>
#include <cmath>

namespace odynn::ui {

namespace {
double quantile(const std::vector<double>& sorted, double q) {
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}
}  // namespace

BoxStats boxStats(std::vector<double> values) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
    BoxStats s;
    s.count = static_cast<int>(values.size());
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    s.minimum = values.front();
    s.maximum = values.back();
    s.lowerQuartile = quantile(values, 0.25);
    s.median = quantile(values, 0.5);
    s.upperQuartile = quantile(values, 0.75);
    return s;
}

double correlation(const std::vector<double>& matrix, int rows, int cols, int a, int b) {
    double meanA = 0, meanB = 0;
    int n = 0;
    for (int r = 0; r < rows; ++r) {
        const double x = matrix[static_cast<size_t>(r) * cols + a], y = matrix[static_cast<size_t>(r) * cols + b];
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        meanA += x;
        meanB += y;
        ++n;
    }
    if (n < 2) return 0.0;
    meanA /= n;
    meanB /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (int r = 0; r < rows; ++r) {
        const double x = matrix[static_cast<size_t>(r) * cols + a], y = matrix[static_cast<size_t>(r) * cols + b];
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        sab += (x - meanA) * (y - meanB);
        saa += (x - meanA) * (x - meanA);
        sbb += (y - meanB) * (y - meanB);
    }
    // Relative threshold: a column that only differs by rounding is constant.
    if (saa <= 1e-24 * (1 + meanA * meanA) * n || sbb <= 1e-24 * (1 + meanB * meanB) * n) return 0.0;
    return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

std::vector<double> correlationMatrix(const std::vector<double>& matrix, int rows, int cols) {
    std::vector<double> out(static_cast<size_t>(cols) * cols, 0.0);
    for (int a = 0; a < cols; ++a) {
        out[static_cast<size_t>(a) * cols + a] = 1.0;
        for (int b = a + 1; b < cols; ++b) {
            const double r = correlation(matrix, rows, cols, a, b);
            out[static_cast<size_t>(a) * cols + b] = r;
            out[static_cast<size_t>(b) * cols + a] = r;
        }
    }
    return out;
}

}  // namespace odynn::ui
