// One-call simulation: a Simulation object used once.
#include "odynn/simulator.hpp"

#include "odynn/simulation.hpp"

namespace odynn {

std::vector<std::string> recordedStateNames(const Circuit& c, Record record) {
    if (record == Record::VoltageCalcium) return {"V", "cac"};
    if (record == Record::None) return {};
    const ModelSpec* widest = nullptr;
    for (const auto& n : c.neurons) {
        const ModelSpec& s = modelSpec(n.model);
        if (!widest || s.stateCount() > widest->stateCount()) widest = &s;
    }
    return widest ? widest->stateNames : std::vector<std::string>{};
}

SimulationResult simulate(const Circuit& c, const Stimulus& stim, const SimulationOptions& opt) {
    Simulation sim(c, 1, opt);
    sim.run(stim);
    return sim.takeResult();
}

SimulationResult simulate(const Circuit& c, const std::vector<double>& pop, int sets, const Stimulus& stim,
                          const SimulationOptions& opt) {
    Simulation sim(c, sets, opt);
    sim.setParameters(pop);
    sim.run(stim);
    return sim.takeResult();
}

}  // namespace odynn
