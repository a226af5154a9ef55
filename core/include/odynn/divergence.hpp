#pragma once
// Finding where a simulation stopped being a number: a state that became inf or NaN (a huge
// conductance, an extreme reversal potential) poisons every later step, so the first one is
// what a user needs to know.
#include <optional>
#include <string>

#include "odynn/circuit.hpp"
#include "odynn/simulator.hpp"

namespace odynn {

struct Divergence {
    int step = 0;     // row of the trajectory (0-based)
    int state = 0;    // index of the state variable
    int batch = 0;    // input current
    int neuron = 0;
    std::string stateName;
};

// The earliest step at which a recorded state of a neuron is not finite, or nothing. Padding of
// models with fewer states (Record::AllStates) is not a divergence.
std::optional<Divergence> findDivergence(const Circuit& circuit, const Trajectory& trajectory, Record record);

// "row 1234 (t = 123.4 ms from the start), neuron 'AVA', V is not finite"
std::string describe(const Divergence& d, const Circuit& circuit);

}  // namespace odynn
