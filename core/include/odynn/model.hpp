#pragma once
// Neuron models (SPEC section 1): one registry of entries, each with its state variables,
// parameter table (defaults, random-initialisation ranges, optimisation bounds, units) and
// kernels (derive / step / reverse, one signature for every model). The simulator, the
// optimizer, the CLI and the UI all read these entries; none of them compares model names.
// Hand-written models (celegans, hhsimple, leaky), model files (.odm, SPEC 1.5) and LSTM
// networks are implementations of the same entry.
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace odynn {

namespace detail {
class ModelKernels;  // the entry's derive / step / reverse (core/src/model_kernels.hpp)
}

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
    std::string name;                     // "celegans", "hhsimple", "leaky", "lstm" or a model file's name
    std::string description;
    std::vector<std::string> stateNames;  // SPEC order (a model file: declaration order)
    std::vector<double> initialState;
    std::vector<ParamSpec> params;
    int voltageIndex = 0;                 // the state synapses, gap junctions and the V loss read
    int calciumIndex = -1;                // index of the calcium state, -1 if the model has none
    // A network neuron (LSTM): its parameters are the weights of the neuron's LstmSpec, not
    // this (empty) parameter table.
    bool networkWeights = false;
    std::string source;                   // text of the model file; empty for built-in entries
    std::shared_ptr<const detail::ModelKernels> kernels;

    int paramIndex(std::string_view paramName) const;  // -1 when unknown
    std::vector<double> defaults() const;
    int stateCount() const { return static_cast<int>(stateNames.size()); }
};

// Every built-in biophysical model, in a stable order.
const std::vector<ModelSpec>& builtinModels();
// The LSTM neuron ("lstm"): states V and cac; its trainable weights are not a parameter table
// (a neuron's params hold the weight vector of its LstmSpec, see lstm.hpp).
const ModelSpec& lstmModelSpec();
// Registered models (built-in, "lstm", then model files). Throws std::invalid_argument naming
// the model when unknown.
const ModelSpec& modelSpec(std::string_view name);
const ModelSpec* findModel(std::string_view name);  // nullptr when unknown

// Adds a model (from a model file) to the registry, so that neurons can name it. A model of
// the same name and source is shared; a new source under a registered model file's name
// replaces it for later lookups (entries already in use stay alive). Throws
// std::invalid_argument when the name belongs to a built-in model.
const ModelSpec& registerModel(std::shared_ptr<const ModelSpec> model);
// Every model of the registry: built-ins, "lstm", then model files in registration order.
std::vector<const ModelSpec*> registeredModels();

using Rng = std::mt19937_64;
// A parameter set drawn uniformly from each parameter's random range.
std::vector<double> randomParams(const ModelSpec& spec, Rng& rng);

}  // namespace odynn
