#pragma once
// Which parameters a fit may change. A target on one neuron says nothing about a neuron
// without data, so by default only the parameters of observed neurons, of the synapses onto
// them and of their gap junctions are free; the rest keep their values unless the user asks
// for every parameter. Parameters the user fixed in the inspector stay fixed either way. A
// value outside the model's bounds cannot be kept (the fit refuses such a fixed value): it
// stays free and is counted. Qt-free.
#include <set>
#include <string>
#include <vector>

#include "odynn/circuit.hpp"

namespace odynn::ui {

enum class FreeScope { ObservedNeurons, Everything };

struct FreeParameters {
    std::vector<std::string> fixed;  // layout names the fit keeps constant (FitOptions::fixed)
    int total = 0, free = 0;
    int fixedByUser = 0;                   // of those fixed: ticked in the inspector
    int fixedWithoutData = 0;              // of those fixed: owned by neurons without data
    int freeOutOfBounds = 0;               // without data but free: the value is outside the model's bounds
    std::vector<std::string> freeNeurons;  // labels of neurons with a free parameter, circuit order
    int freeConnections = 0;               // free synapse and gap-junction parameters
};

// `observed` has one flag per neuron; `userFixed` holds layout names.
FreeParameters freeParameters(const Circuit& circuit, const std::vector<bool>& observed,
                              const std::set<std::string>& userFixed, FreeScope scope);

}  // namespace odynn::ui
