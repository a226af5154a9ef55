#pragma once
// Neuron model descriptions: state variables, parameters with defaults, random-initialisation
// ranges, optimisation bounds and units (SPEC section 1). These tables are data that the
// simulator, the optimizer, the CLI and the UI all read.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace odynn {

enum class ModelKind { Celegans, HhSimple, Leaky };

struct ParamSpec {
    std::string name;          // as in ODYNN, e.g. "C_m", "p__tau"
    double defaultValue;
    double randomLow, randomHigh;  // uniform random initialisation range
    double lowerBound, upperBound; // clipped to after every optimizer update (may be +-inf)
    std::string unit;          // e.g. "mV", "ms", "uF/cm2"
    std::string description;
};

struct ModelSpec {
    std::string name;                     // "celegans", "hhsimple", "leaky"
    ModelKind kind;
    std::string description;
    std::vector<std::string> stateNames;  // SPEC order, V first
    std::vector<double> initialState;
    std::vector<ParamSpec> params;
    int calciumIndex = -1;                // index of the calcium state, -1 if the model has none

    int paramIndex(std::string_view paramName) const;  // -1 when unknown
    std::vector<double> defaults() const;
    int stateCount() const { return static_cast<int>(stateNames.size()); }
};

// Every built-in model, in a stable order.
const std::vector<ModelSpec>& builtinModels();
// Throws std::invalid_argument naming the model when unknown.
const ModelSpec& modelSpec(std::string_view name);
const ModelSpec* findModel(std::string_view name);  // nullptr when unknown

using Rng = std::mt19937_64;
// A parameter set drawn uniformly from each parameter's random range.
std::vector<double> randomParams(const ModelSpec& spec, Rng& rng);

}  // namespace odynn
