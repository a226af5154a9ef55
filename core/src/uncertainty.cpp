// Linearised parameter uncertainty (uncertainty.hpp). With residuals r_i = s_i (x_i - x*_i)
// and noise sigma_i on each recorded x*_i, the whitened Jacobian is W = J / (s_i sigma_i) and
// the covariance of the least-squares estimate is (W^T W)^-1 = V S^-2 V^T from W's SVD;
// directions with a singular value below 1e-13 of the largest carry no information.
#include "odynn/uncertainty.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace odynn {

std::vector<ParameterUncertainty> parameterUncertainty(const FitObjective& obj, const std::vector<double>& set,
                                                       const MeasurementNoise& noise) {
    const int P = obj.size(), F = obj.freeCount();
    const auto& freeOf = obj.freeIndex();
    std::vector<int> leader(size_t(F), -1);
    for (int p = 0; p < P; ++p)
        if (freeOf[p] >= 0 && leader[size_t(freeOf[p])] < 0) leader[size_t(freeOf[p])] = p;
    // Sets 2f and 2f+1: free variable f (every entry sharing it) moved up and down by h_f.
    std::vector<double> population;
    population.reserve(size_t(2 * F) * P);
    std::vector<double> h(static_cast<size_t>(F));
    for (int f = 0; f < F; ++f) {
        const double x = set[size_t(leader[size_t(f)])];
        h[size_t(f)] = 1e-5 * std::max(std::abs(x), 1e-6);
        for (double sign : {1.0, -1.0}) {
            std::vector<double> moved = set;
            for (int p = 0; p < P; ++p)
                if (freeOf[p] == f) moved[size_t(p)] = x + sign * h[size_t(f)];
            population.insert(population.end(), moved.begin(), moved.end());
        }
    }
    std::vector<ParameterUncertainty> out;
    if (F == 0) return out;
    const std::optional<Residuals> r = obj.residuals(population, 2 * F);
    if (!r) throw std::invalid_argument("this fit's loss is not a sum of squares");
    const int n = r->perSet;
    Eigen::MatrixXd W(n, F);
    for (int f = 0; f < F; ++f) {
        const double* up = r->values.data() + size_t(2 * f) * n;
        const double* down = up + n;
        for (int i = 0; i < n; ++i) {
            const double sigma = r->calcium[size_t(i)] ? noise.ca : noise.v;
            W(i, f) = (up[i] - down[i]) / (2 * h[size_t(f)]) / (r->scale[size_t(i)] * sigma);
        }
    }
    if (!W.allFinite()) throw std::runtime_error("the simulation diverges next to this parameter set");
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(W, Eigen::ComputeThinV);
    const Eigen::VectorXd& S = svd.singularValues();
    const Eigen::MatrixXd& V = svd.matrixV();
    const double floor = (S.size() > 0 ? S(0) : 0.0) * 1e-13;
    for (int f = 0; f < F; ++f) {
        // Fewer recorded samples than free variables: some direction is not constrained at all.
        double variance = n < F ? std::numeric_limits<double>::infinity() : 0.0;
        for (int k = 0; k < S.size(); ++k) {
            if (V(f, k) == 0) continue;
            variance += S(k) > floor ? V(f, k) * V(f, k) / (S(k) * S(k)) : std::numeric_limits<double>::infinity();
        }
        out.push_back({obj.names()[size_t(leader[size_t(f)])], set[size_t(leader[size_t(f)])], std::sqrt(variance)});
    }
    return out;
}

}  // namespace odynn
