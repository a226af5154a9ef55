#pragma once
// The input currents of one thread's elements in a circuit's forward simulation: each element's
// stimulus plus the currents of its neuron's incoming connections, added in the order of
// Engine::gatherInput (chemical synapses in circuit order, then gap junctions) with the same
// formulas as Engine::connectionCurrents, so that both give the same numbers bit for bit.
//
// A chemical synapse's activation 1 / (1 + exp((mdp - Vpre) / scale)) depends only on its
// presynaptic neuron and its (mdp, scale): it is evaluated once per step for every distinct
// such triple among the thread's synapses, not once per synapse. Synapses built from presets
// share them, so a circuit then costs about one exp per presynaptic neuron and step.
//
// With one lane the sums run `packet` neurons side by side (KernelLevel::connectionSums), each
// neuron's own terms in its own order: one neuron's sum is a chain of dependent additions, and
// side by side the chains overlap instead of waiting for each other.
//
// Built once per run and thread from the elements the thread steps; a thread reads the whole
// state before the step and writes only its own inputs, so one barrier per step suffices.
#include <utility>
#include <vector>

#include "engine.hpp"

namespace odynn::detail {

class CircuitInputs {
public:
    // range[g]: the elements [first, second) of group g the thread steps (whole packets).
    CircuitInputs(const Engine& eng, const std::vector<std::pair<int, int>>& range);
    CircuitInputs(const CircuitInputs&) = delete;  // holds pointers into itself
    CircuitInputs& operator=(const CircuitInputs&) = delete;

    // The inputs of step t from the state before it (per group [state][stride]).
    void compute(const std::vector<const double*>& state, const Stimulus& stim, int t);
    // Group g's inputs at [element - range[g].first] (padding elements: 0).
    const double* input(int g) const { return inputs_[size_t(g)].data(); }
    // Activations evaluated per step and lane (distinct (presynaptic neuron, mdp, scale)).
    int activationCount() const { return int(actPre_.size()); }

private:
    // A neuron's lanes [lane0, lane1) among the thread's elements, and its incoming terms.
    struct Target {
        int group, dst;        // inputs_[group][dst] is lane0's input
        int neuron, lane0, lane1;
        int syn0, syn1;        // its synapse terms
        int gap0, gap1;        // its gap junction terms
    };

    void fillTable(const std::vector<const double*>& state);
    void buildSlices(const Engine& eng);
    void sumLanes(const Stimulus& stim, int t);

    const Engine& eng_;
    int lanes_;
    std::vector<Target> targets_;
    std::vector<int> synConn_, synAct_;  // per synapse term: connection, distinct activation
    std::vector<int> gapConn_, gapPre_;  // per gap junction term: connection, Vpre in the table

    // Per step: every neuron's V (groups' V rows one after another), then the distinct activations.
    AlignedVector table_;
    std::vector<int> groupStart_;  // each group's V row in the table
    int actAt_ = 0;
    std::vector<int> actPre_;                // per distinct activation: Vpre in the table
    AlignedVector actMdp_, actInv_, actV_;  // [activation * lanes + lane], padded to whole packets

    // One lane: the terms in slices of `packet` neurons, and where each place's sum goes.
    ConnectionSlices slices_{};
    std::vector<int> sliceStart_, sliceMiddle_, slicePost_, sliceSyn_, sliceGap_, sliceIndex_;
    AlignedVector sliceG_, sliceE_, sliceSums_;
    std::vector<int> sliceNeuron_;   // whose stimulus a place starts from
    std::vector<double*> sliceOut_;  // where its sum goes (an empty place: unused_)
    double unused_ = 0.0;

    std::vector<AlignedVector> inputs_;
};

}  // namespace odynn::detail
