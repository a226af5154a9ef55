#pragma once
// "fixed" keys of a circuit file: a neuron's, synapse's or gap junction's parameters kept
// constant when fitting, as `true` (all of them) or a list of names:
//   {"label": "AVA", "params": {...}, "fixed": ["C_m", "g_L"]}   {"pre": ..., "fixed": true}
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odynn/circuit.hpp"

namespace odynn {

// The fixed entries as ParameterLayout(circuit) names (for FitOptions::fixed); `circuit` is the
// one circuitFromJson(doc) gave. Throws InputError naming the file and field of a bad entry.
std::vector<std::string> fixedParameterNames(const nlohmann::json& doc, const Circuit& circuit,
                                             const std::string& sourceName = {});

}  // namespace odynn
