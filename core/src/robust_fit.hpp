#pragma once
// State of the robust method between epochs (checkpointed), and the change of coordinates it
// optimises in.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace odynn {
class FitObjective;

struct RobustState {
    std::vector<double> bestTheta;  // [set x size]: the best point each set reached
    std::vector<double> bestLoss;   // [set]
    std::vector<double> rate;       // [set]: Adam's step, halved on a plateau
    std::vector<double> reference;  // [set]: the loss a set must beat by 1e-4 (relative) to count as progress
    std::vector<double> since;      // [set]: epochs since that last happened
    // With held-out validation: the point of each set that predicted the held-out steps best
    // among its best points judged so far, and that loss (NaN until one is finite).
    std::vector<double> validatedTheta;  // [set x size]
    std::vector<double> validationLoss;  // [set]

    void reset(int sets, int size);
    bool started() const { return !bestLoss.empty(); }
    bool validated() const { return !validationLoss.empty(); }
    nlohmann::json toJson() const;
    void fromJson(const nlohmann::json& j, const std::string& source, int sets, int size);
};

namespace detail {

// One free variable x as a function of an unbounded coordinate y:
//   lower > 0 and upper < inf, upper/lower > 100: x = exp(log lo + (log hi - log lo) s(y))  (s logistic)
//   both bounds finite otherwise:                x = lo + (hi - lo) s(y)
//   lower finite only:                           x = lo + exp(min(y, cap))  (log scale above the bound)
//   upper finite only:                           x = hi - exp(min(y, cap))
//     cap = log(1e6 w): a parameter stops a million random ranges from its bound (where a
//     model's response no longer changes) instead of overflowing to infinity
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
    double cap_ = 0;  // largest y of the one-bound kinds
};

// The coordinate of every free variable of an objective.
std::vector<Coordinate> coordinatesOf(const FitObjective& obj);
// The free variables of a set in transformed coordinates, and back into the set (clipped).
void toCoordinates(const FitObjective& obj, const std::vector<Coordinate>& coords, const double* set,
                   std::vector<double>& y);
void fromCoordinates(const FitObjective& obj, const std::vector<Coordinate>& coords, const double* y, double* set);

// Polishes one set (its best point) towards a minimum in transformed coordinates, keeping the
// lowest loss it sees; `evaluations` bounds the work (iterations). Both return whether they
// found a lower loss.
//  L-BFGS (NLopt) with the exact gradient: any objective.
// `interrupted` (may be empty) is polled between steps; when it returns true the polish ends
// at once and its result must be discarded.
using Interrupt = std::function<bool()>;
bool polishWithLbfgs(const FitObjective& obj, const std::vector<Coordinate>& coords, int evaluations, double* set,
                     double& loss, const Interrupt& interrupted = {});
//  Levenberg-Marquardt (GSL's trust-region solver) on the residuals of objectives whose loss is
//  a sum of squares (least_squares_polish.cpp); nullopt when the objective has no residuals or
//  its Jacobian would be too large. `enough` (may be empty) is asked about every lower point
//  found (the full set): when it returns true the polish ends there.
//  `floorBelow`: from a loss below it the trust region's scale of each coordinate is at least
//  a thousandth of the largest (least_squares_polish.cpp): polishes of near-exact fits, which
//  must not throw weakly determined gates to their caps.
//  `vary`: the free variables polished, ascending (empty: every one); the others keep the set's
//  values.
using Enough = std::function<bool(const std::vector<double>& set)>;
std::optional<bool> polishWithLevenbergMarquardt(const FitObjective& obj, const std::vector<Coordinate>& coords,
                                                 int iterations, double* set, double& loss,
                                                 const Interrupt& interrupted = {}, const Enough& enough = {},
                                                 double floorBelow = 0, const std::vector<int>& vary = {});

// The middle finite loss of the screened starts (epoch 0), the scale of the misfit; NaN if none.
double typicalStart(const std::vector<double>& screened);

// Set indices by loss, lowest first (ties by index, NaN last).
std::vector<int> lowestFirst(const std::vector<double>& losses);

// The groups of free variables that a basin hop draws afresh together (robust_hop.cpp): the
// parameters of one gate of one neuron (names "<gate>__<name>", "<neuron>/<gate>__<name>"),
// each group as free-variable indices, in order of first appearance.
std::vector<std::vector<int>> hopGroups(const FitObjective& obj);

// The free variables of `set` that no local step moves back (robust_hop.cpp), as free-variable
// indices in order: those on a finite bound (within 1e-6 of it, relative), where the logistic
// coordinates' slope vanishes, and those more than 100 times their random range's largest
// magnitude out (a time constant or a gate's scale at its cap), where the model no longer
// responds to them.
std::vector<int> stuckVariables(const FitObjective& obj, const double* set);

// The free variables a hop over `group` polishes (robust_hop.cpp), ascending: in a circuit,
// those of the neurons that own the group's variables and of the synapses and gap junctions
// that touch them. Empty (every free variable) for a single neuron, when a connection's
// parameter is in the group, when the neighbourhood is the whole circuit, or for an objective
// that is not a circuit's (an LSTM network). Ownership comes from the parameter layout.
std::vector<int> hopNeighbourhood(const FitObjective& obj, const std::vector<int>& group);

// Thrown out of an epoch that an interrupt abandoned (FitRun::setInterrupt).
struct EpochInterrupted {};

}  // namespace detail
}  // namespace odynn
