#pragma once
// Helpers shared by the core test suites: tolerant comparisons with useful failure messages
// and small circuits written inline.
#include <QtTest>

#include <cmath>
#include <string>

#include "odynn/circuit.hpp"
#include "odynn/fitting.hpp"
#include "odynn/simulator.hpp"
#include "odynn/stimuli.hpp"

namespace odynn::test {

// Files under tests/data (golden traces, recordings, synthetic fits).
inline std::string dataPath(const std::string& rel) { return std::string(ODYNN_TEST_DATA_DIR) + "/" + rel; }
// Files the app ships under resources/ (connectome).
inline std::string resourcePath(const std::string& rel) { return std::string(ODYNN_RESOURCES_DIR) + "/" + rel; }

// |a - b| <= rel * scale, reported with both values on failure.
inline bool closeRel(double a, double b, double rel, double scale, QString* why = nullptr) {
    const bool ok = std::abs(a - b) <= rel * scale;
    if (!ok && why) *why = QString("got %1, expected %2 (|diff| %3 > %4)").arg(a, 0, 'g', 17).arg(b, 0, 'g', 17)
                               .arg(std::abs(a - b), 0, 'g', 3).arg(rel * scale, 0, 'g', 3);
    return ok;
}

// Two celegans neurons with an inhibitory A->B synapse, an excitatory B->A synapse and a gap.
inline Circuit pairCircuit(double dt) {
    Circuit c;
    c.dt = dt;
    c.addNeuron("A");
    c.addNeuron("B");
    c.synapses.push_back({0, 1, presets::inhibitory1});
    c.synapses.push_back({1, 0, presets::excitatory1});
    c.gaps.push_back({0, 1, presets::gap});
    return c;
}

// Fitting data with a known answer: the circuit simulated from its own parameters under the
// first `batch` of ODYNN's training currents (into neuron 0; the others get none), V targets of
// every neuron and, when caNeuron >= 0, Ca targets of that neuron (no Ca targets otherwise).
inline FitDataset simulatedTarget(const Circuit& c, double maxT, int batch, int caNeuron = -1) {
    const auto currents = trainingCurrents(c.dt, maxT);
    const int T = int(currents[0].size()), N = int(c.neurons.size());
    FitDataset d;
    d.stimulus = Stimulus(T, batch, N);
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < batch; ++b)
            for (int n = 0; n < N; ++n) d.stimulus.at(t, b, n) = n == 0 ? currents[size_t(b)][size_t(t)] : 0.0;
    SimulationOptions opt;
    opt.record = Record::VoltageCalcium;
    const auto r = simulate(c, d.stimulus, opt);
    const size_t cells = size_t(T) * batch * N;
    d.targetV.assign(cells, std::nan(""));
    if (caNeuron >= 0) d.targetCa.assign(cells, std::nan(""));
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < batch; ++b)
            for (int n = 0; n < N; ++n) {
                const size_t at = (size_t(t) * batch + b) * N + n;
                d.targetV[at] = r.sets[0].at(t, 0, b, n);
                if (n == caNeuron) d.targetCa[at] = r.sets[0].at(t, 1, b, n);
            }
    return d;
}

}  // namespace odynn::test
