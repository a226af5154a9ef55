#pragma once
// Descriptive statistics of a fitted population, for ODYNN's post-run figures: the five-number
// summary of each parameter across the sets (box plots) and the Pearson correlation between
// parameters. Qt-free; sets with a non-finite value are left out of each statistic.
#include <vector>

namespace odynn::ui {

struct BoxStats {
    double minimum = 0, lowerQuartile = 0, median = 0, upperQuartile = 0, maximum = 0;
    int count = 0;  // finite values summarised
};

// Quartiles by linear interpolation between order statistics (numpy's default).
BoxStats boxStats(std::vector<double> values);

// Pearson correlation of columns a and b of a row-major [rows x cols] matrix; 0 when either
// column is constant (a fixed parameter correlates with nothing).
double correlation(const std::vector<double>& matrix, int rows, int cols, int a, int b);

// The full [cols x cols] correlation matrix, row-major, with ones on the diagonal.
std::vector<double> correlationMatrix(const std::vector<double>& matrix, int rows, int cols);

}  // namespace odynn::ui
