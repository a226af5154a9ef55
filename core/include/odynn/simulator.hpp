#pragma once
// Batched simulation (SPEC section 3). Lanes = parameter sets x batch entries; one call
// simulates every parameter set of a population against every input current at once.
// Repeated simulations of one circuit (a slider, an optimizer) reuse their buffers through
// odynn::Simulation (simulation.hpp); simulate() is that object used once.
#include <atomic>
#include <functional>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/parameters.hpp"

namespace odynn {

// Injected currents [time][batch][neuron] in nA-equivalent units of the models (ODYNN's).
struct Stimulus {
    int steps = 0, batch = 1, neurons = 1;
    std::vector<double> current;
    Stimulus() = default;
    Stimulus(int steps_, int batch_, int neurons_)
        : steps(steps_), batch(batch_), neurons(neurons_),
          current(static_cast<size_t>(steps_) * batch_ * neurons_, 0.0) {}
    double& at(int t, int b, int n) { return current[(static_cast<size_t>(t) * batch + b) * neurons + n]; }
    double at(int t, int b, int n) const { return current[(static_cast<size_t>(t) * batch + b) * neurons + n]; }
};

enum class Record {
    None,           // only the final state is kept (benchmarks)
    VoltageCalcium, // V and Ca of every neuron (Ca = V for models without calcium, as ODYNN)
    AllStates       // every state variable (padded with NaN for models with fewer states)
};

// One parameter set's trajectory: values[((t * states + s) * batch + b) * neurons + n];
// row t is the state after the step that consumed current row t.
struct Trajectory {
    int steps = 0, states = 0, batch = 0, neurons = 0;
    std::vector<double> values;
    double at(int t, int s, int b, int n) const {
        return values[((static_cast<size_t>(t) * states + s) * batch + b) * neurons + n];
    }
};

struct SimulationOptions {
    Record record = Record::AllStates;
    int threads = 0;                               // 0: all hardware threads
    const std::atomic<bool>* cancel = nullptr;     // checked between blocks of steps
    std::function<void(double)> progress;          // 0..1, called from the simulating thread
    // Neurons (circuit indices) whose every state is recorded into SimulationResult::detail,
    // whatever `record` says: a large circuit can record V and Ca of all neurons and the gates
    // of the few on screen.
    std::vector<int> detailNeurons;
};

struct SimulationResult {
    std::vector<Trajectory> sets;      // one per parameter set (empty when Record::None)
    // One per parameter set when detailNeurons is not empty: every state (maxStates rows,
    // NaN-padded) of detailNeurons[k] as neuron k.
    std::vector<Trajectory> detail;
    std::vector<double> finalState;    // [set][batch][neuron][maxStates]
    int maxStates = 0;
    bool cancelled = false;
};

// Simulates `setCount` parameter sets (row-major [setCount x layout.size()], in the layout of
// ParameterLayout(circuit)) on the stimulus. The circuit's own parameter values are ignored.
// Throws InputError on bad arguments (dt <= 0, stimulus neurons != circuit neurons, NaN).
SimulationResult simulate(const Circuit& circuit, const std::vector<double>& population, int setCount,
                          const Stimulus& stimulus, const SimulationOptions& options = {});

// Convenience: the circuit's own parameters, one set.
SimulationResult simulate(const Circuit& circuit, const Stimulus& stimulus,
                          const SimulationOptions& options = {});

// Names of the recorded state rows for the circuit: VoltageCalcium -> {"V","cac"};
// AllStates -> state names of the widest model.
std::vector<std::string> recordedStateNames(const Circuit& circuit, Record record);

}  // namespace odynn
