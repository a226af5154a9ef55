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

enum class ModelKind { Celegans, HhSimple, Leaky, Lstm };

// Shape of an LSTM behavioural neuron (SPEC 1.4; network in lstm.hpp).
struct LstmSpec {
    int units = 50;         // ODYNN's layer_size
    int layers = 1;         // nb_layer: hidden layers of the voltage network
    int calciumLayers = 0;  // extra_ca: hidden layers of the calcium head; 0: no head, Ca = V
    std::string problem() const;  // empty when valid, else what is wrong
    bool operator==(const LstmSpec&) const = default;
};

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

// Every built-in biophysical model, in a stable order.
const std::vector<ModelSpec>& builtinModels();
// The LSTM neuron ("lstm"): states V and cac; its trainable weights are not a parameter table
// (a neuron's params hold the weight vector of its LstmSpec, see lstm.hpp).
const ModelSpec& lstmModelSpec();
// Built-in models and "lstm". Throws std::invalid_argument naming the model when unknown.
const ModelSpec& modelSpec(std::string_view name);
const ModelSpec* findModel(std::string_view name);  // nullptr when unknown

using Rng = std::mt19937_64;
// A parameter set drawn uniformly from each parameter's random range.
std::vector<double> randomParams(const ModelSpec& spec, Rng& rng);

}  // namespace odynn
