#pragma once
// How well the data determine a fit's parameters: linearised standard errors at one parameter
// set (the inverse Fisher information of the least-squares loss), for a given measurement
// noise. A parameter whose standard error is large against its value is one the recordings do
// not pin down: fits may return any value along a valley of equal loss.
#include <string>
#include <vector>

#include "odynn/objective.hpp"

namespace odynn {

// Standard deviation of independent noise on each recorded sample.
struct MeasurementNoise {
    double v = 0.1;    // mV
    double ca = 0.01;  // calcium, in the targets' unit
};

struct ParameterUncertainty {
    std::string name;     // the free variable's first entry (a group's leader)
    double value = 0;
    double standardError = 0;  // +inf where the data carry no information on it
};

// One entry per free variable of `objective`, at `set` (a full set of objective.size() values).
// The Jacobian of the residuals comes from central differences (all perturbed sets simulated
// together); throws std::invalid_argument for objectives whose loss is not a sum of squares.
std::vector<ParameterUncertainty> parameterUncertainty(const FitObjective& objective, const std::vector<double>& set,
                                                       const MeasurementNoise& noise);

}  // namespace odynn
