#pragma once
// Per-parameter fitting bounds set in the inspector, by ParameterLayout name ("AVA/C_m"; a lone
// neuron's bare "C_m"). The project file keeps them in "fit.bounds" in the form of a run
// folder's settings.json ({"AVA/C_m": [lower, upper]}); fits pass them on as
// FitOptions::bounds. Qt-free.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odynn/circuit.hpp"
#include "odynn/fitting.hpp"

namespace odynn::ui {

nlohmann::json fitBoundsToJson(const std::vector<ParameterBound>& bounds);
// A wrong entry throws InputError naming `source` and "fit.bounds".
std::vector<ParameterBound> fitBoundsFromJson(const nlohmann::json& bounds, const std::string& source);

// The bounds whose names the circuit still has (a neuron may have been renamed or removed).
std::vector<ParameterBound> boundsInCircuit(const std::vector<ParameterBound>& bounds, const Circuit& circuit);

// Why [lower, upper] cannot bound a parameter whose model allows [modelLower, modelUpper]
// (`unit` names the values' unit); empty when it can. Bounds sent to a fit must be finite, since
// a run folder's settings.json holds them as JSON numbers.
std::string fitBoundProblem(double lower, double upper, double modelLower, double modelUpper, const std::string& unit);

}  // namespace odynn::ui
