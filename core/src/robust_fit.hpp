#pragma once
// State of the robust method between epochs (checkpointed), and the change of coordinates it
// optimises in.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace odynn {

struct RobustState {
    std::vector<double> bestTheta;  // [set x size]: the best point each set reached
    std::vector<double> bestLoss;   // [set]
    std::vector<double> rate;       // [set]: Adam's step, halved on a plateau
    std::vector<double> reference;  // [set]: the loss a set must beat by 1e-4 (relative) to count as progress
    std::vector<double> since;      // [set]: epochs since that last happened

    void reset(int sets, int size);
    bool started() const { return !bestLoss.empty(); }
    nlohmann::json toJson() const;
    void fromJson(const nlohmann::json& j, const std::string& source, int sets, int size);
};

namespace detail {

// One free variable x as a function of an unbounded coordinate y:
//   lower > 0 and upper < inf, upper/lower > 100: x = exp(log lo + (log hi - log lo) s(y))  (s logistic)
//   both bounds finite otherwise:                x = lo + (hi - lo) s(y)
//   lower finite only:                           x = lo + exp(y)    (log scale above the bound)
//   upper finite only:                           x = hi - exp(y)
//   no bounds:                                   x = w y            (w: width of the random range)
class Coordinate {
public:
    Coordinate(double lower, double upper, double randomWidth);
    double toY(double x) const;
    double toX(double y) const;
    double dxdy(double y) const;

private:
    enum class Kind { LogLogistic, Logistic, AboveBound, BelowBound, Linear } kind_;
    double lo_, hi_, width_;
};

}  // namespace detail
}  // namespace odynn
