#pragma once
// Helpers shared by the core test suites: tolerant comparisons with useful failure messages
// and small circuits written inline.
#include <QtTest>

#include <cmath>
#include <string>

#include "odynn/circuit.hpp"
#include "odynn/simulator.hpp"

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

}  // namespace odynn::test
