#pragma once
// A reusable simulation, set up once for a circuit and a number of parameter sets and then run
// any number of times with new parameters or new currents. Every large buffer (states,
// connection currents, recorded trajectories) is allocated by the first run and reused while
// the shapes stay the same, so repeated runs (an optimizer's epochs, the app re-simulating as
// a slider moves) touch no fresh memory. Results are identical to simulate()'s, which is a
// one-call convenience over this object.
#include <memory>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/simulator.hpp"

namespace odynn {

class Simulation {
public:
    // Throws InputError when the circuit is invalid or setCount < 1. Every set starts with the
    // circuit's own parameter values.
    explicit Simulation(const Circuit& circuit, int setCount = 1, SimulationOptions options = {});
    ~Simulation();
    Simulation(Simulation&&) noexcept;
    Simulation& operator=(Simulation&&) noexcept;

    const Circuit& circuit() const;
    const ParameterLayout& layout() const;
    int setCount() const;
    SimulationOptions& options();

    // Row-major [setCount x layout().size()]; throws InputError on a wrong size or a value
    // that is not finite.
    void setParameters(const std::vector<double>& population);
    // The circuit's own values for every set (after its parameters changed, not its shape:
    // same neurons, models, synapses and gaps). Throws InputError when the shape differs.
    void setParameters(const Circuit& sameShape);
    // Whether setParameters(circuit) would be accepted (same dt, neurons, models and connections).
    bool hasShapeOf(const Circuit& circuit) const;

    // Simulates the stimulus (throws InputError on a bad one). The result stays valid, and its
    // storage is reused, until the next run.
    const SimulationResult& run(const Stimulus& stimulus);
    // The last result, moved out (the next run allocates its storage afresh).
    SimulationResult takeResult();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace odynn
