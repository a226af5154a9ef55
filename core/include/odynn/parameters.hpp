#pragma once
// The flat view of every parameter of a circuit: neuron parameters, synapse G/mdp/scale/E and
// gap G_gap, each with a stable name ("AVA/C_m", "PVD->AVA/G", "AVA--AVB/G_gap"; a lone
// neuron's parameters keep their bare names, "C_m"), bounds and random range. A population is
// a row-major matrix [setCount x size()] of such vectors.
#include <string>
#include <vector>

#include "odynn/circuit.hpp"

namespace odynn {

enum class ParamOwner { Neuron, Synapse, Gap };

struct ParamEntry {
    std::string name;
    ParamOwner owner;
    int index;       // neuron, synapse or gap index
    int slot;        // neuron: ParamSpec index; synapse: 0 G, 1 mdp, 2 scale, 3 E; gap: 0
    double lowerBound, upperBound;
    double randomLow, randomHigh;
    std::string unit;
};

class ParameterLayout {
public:
    // bareSingleNeuron: a circuit of one neuron without edges uses the model's own names.
    explicit ParameterLayout(const Circuit& circuit, bool bareSingleNeuron = true);

    int size() const { return static_cast<int>(entries_.size()); }
    const std::vector<ParamEntry>& entries() const { return entries_; }
    int find(const std::string& name) const;  // -1 when unknown

    std::vector<double> values(const Circuit& circuit) const;       // current values
    void apply(Circuit& circuit, const double* values) const;       // write values back
    std::vector<double> random(const Circuit& circuit, Rng& rng) const;  // one random set
    void clipToBounds(double* values) const;

private:
    std::vector<ParamEntry> entries_;
};

}  // namespace odynn
