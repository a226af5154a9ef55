#include "odynn/divergence.hpp"

#include <cmath>
#include <algorithm>
#include <cstdio>

namespace odynn {

std::optional<Divergence> findDivergence(const Circuit& circuit, const Trajectory& tr, Record record) {
    const std::vector<std::string> names = recordedStateNames(circuit, record);
    std::vector<int> statesOf(size_t(tr.neurons), tr.states);
    if (record == Record::AllStates)
        for (int n = 0; n < tr.neurons && n < int(circuit.neurons.size()); ++n)
            statesOf[n] = std::min(tr.states, modelSpec(circuit.neurons[n].model).stateCount());
    for (int t = 0; t < tr.steps; ++t)
        for (int s = 0; s < tr.states; ++s)
            for (int b = 0; b < tr.batch; ++b)
                for (int n = 0; n < tr.neurons; ++n)
                    if (s < statesOf[n] && !std::isfinite(tr.at(t, s, b, n))) {
                        const std::vector<std::string>& own =
                            record == Record::AllStates ? modelSpec(circuit.neurons[n].model).stateNames : names;
                        return Divergence{t, s, b, n, s < int(own.size()) ? own[s] : "state " + std::to_string(s)};
                    }
    return std::nullopt;
}

std::string describe(const Divergence& d, const Circuit& circuit) {
    char when[96];
    // Row k of an output file holds the state after the step that consumed input row k.
    std::snprintf(when, sizeof when, "row %d (t = %g ms from the start)", d.step, d.step * circuit.dt);
    const std::string neuron = d.neuron < int(circuit.neurons.size()) ? circuit.neurons[d.neuron].label : "?";
    return std::string(when) + ", neuron '" + neuron + "', " + d.stateName + " is not finite";
}

}  // namespace odynn
