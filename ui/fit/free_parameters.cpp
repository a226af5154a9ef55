#include "fit/free_parameters.hpp"

#include "odynn/parameters.hpp"

namespace odynn::ui {

FreeParameters freeParameters(const Circuit& circuit, const std::vector<bool>& observed,
                              const std::set<std::string>& userFixed, FreeScope scope) {
    auto isObserved = [&](int neuron) {
        return neuron >= 0 && size_t(neuron) < observed.size() && observed[size_t(neuron)];
    };
    FreeParameters f;
    std::vector<bool> neuronHasFree(circuit.neurons.size(), false);
    const ParameterLayout layout(circuit);
    const std::vector<double> values = layout.values(circuit);
    for (size_t p = 0; p < values.size(); ++p) {
        const ParamEntry& e = layout.entries()[p];
        ++f.total;
        if (userFixed.count(e.name)) {
            f.fixed.push_back(e.name);
            ++f.fixedByUser;
            continue;
        }
        bool hasData = true;
        if (scope == FreeScope::ObservedNeurons) {
            switch (e.owner) {
            case ParamOwner::Neuron:
                hasData = isObserved(e.index);
                break;
            case ParamOwner::Synapse:
                hasData = isObserved(circuit.synapses[size_t(e.index)].post);
                break;
            case ParamOwner::Gap: {
                const auto& g = circuit.gaps[size_t(e.index)];
                hasData = isObserved(g.a) || isObserved(g.b);
                break;
            }
            }
        }
        if (!hasData && !(values[p] >= e.lowerBound && values[p] <= e.upperBound)) {
            ++f.freeOutOfBounds;
        } else if (!hasData) {
            f.fixed.push_back(e.name);
            ++f.fixedWithoutData;
            continue;
        }
        ++f.free;
        if (e.owner == ParamOwner::Neuron)
            neuronHasFree[size_t(e.index)] = true;
        else
            ++f.freeConnections;
    }
    for (size_t k = 0; k < circuit.neurons.size(); ++k)
        if (neuronHasFree[k]) f.freeNeurons.push_back(circuit.neurons[k].label);
    return f;
}

}  // namespace odynn::ui
