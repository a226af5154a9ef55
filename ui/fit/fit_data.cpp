#include "fit/fit_data.hpp"

#include <cmath>
#include <limits>

#include "odynn/simulation.hpp"

namespace odynn::ui {

FitDataset batchEntries(const FitDataset& data, int first, int count) {
    const Stimulus& s = data.stimulus;
    FitDataset out;
    out.stimulus = Stimulus(s.steps, count, s.neurons);
    auto copyTargets = [&](const std::vector<double>& from, std::vector<double>& to) {
        if (from.empty()) return;
        to.resize(static_cast<size_t>(s.steps) * count * s.neurons);
        for (int t = 0; t < s.steps; ++t)
            for (int b = 0; b < count; ++b)
                for (int n = 0; n < s.neurons; ++n)
                    to[(static_cast<size_t>(t) * count + b) * s.neurons + n] =
                        from[(static_cast<size_t>(t) * s.batch + first + b) * s.neurons + n];
    };
    for (int t = 0; t < s.steps; ++t)
        for (int b = 0; b < count; ++b)
            for (int n = 0; n < s.neurons; ++n) out.stimulus.at(t, b, n) = s.at(t, first + b, n);
    copyTargets(data.targetV, out.targetV);
    copyTargets(data.targetCa, out.targetCa);
    return out;
}

void keepObserved(FitDataset& data, const std::vector<bool>& observed) {
    const int n = data.stimulus.neurons;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::vector<double>* target : {&data.targetV, &data.targetCa})
        for (size_t i = 0; i < target->size(); ++i) {
            const auto k = static_cast<size_t>(static_cast<int>(i % static_cast<size_t>(n)));
            if (k >= observed.size() || !observed[k]) (*target)[i] = nan;
        }
}

bool hasTargets(const FitDataset& data) {
    for (const std::vector<double>* target : {&data.targetV, &data.targetCa})
        for (double v : *target)
            if (std::isfinite(v)) return true;
    return false;
}

Trajectory traceOfSet(const Circuit& circuit, const std::vector<double>& params, const Stimulus& stimulus,
                      int threads) {
    SimulationOptions o;
    o.record = Record::VoltageCalcium;
    o.threads = threads;
    Simulation sim(circuit, 1, o);
    sim.setParameters(params);
    return sim.run(stimulus).sets.front();
}

}  // namespace odynn::ui
