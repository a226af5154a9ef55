#pragma once
// A circuit of labelled neurons joined by directed chemical synapses and undirected gap
// junctions (SPEC section 2). A single neuron is a circuit of one neuron without edges.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "odynn/model.hpp"

namespace odynn {

// Motor neurons drive muscles (the ventral cord classes VA, VB, VD, DA, DB, DD, AS, head and
// sublateral motor neurons); Motor comes last so saved role numbers keep their meaning.
enum class Role { Sensory, Inter, Command, Motor };
const char* roleName(Role role);
std::optional<Role> roleFromName(const std::string& name);

struct Neuron {
    std::string label;
    std::string model = "celegans";
    Role role = Role::Inter;
    std::vector<double> params;                  // in the model's ParamSpec order; lstm: the weights
    LstmSpec lstm;                               // shape of the network when model == "lstm"
    std::optional<std::array<double, 2>> position;  // editor position, scene units
};

// Current into post: G * sigmoid((Vpre - mdp) / scale) * (E - Vpost)   [G in mS/cm2, mdp and E in mV]
struct SynapseParams {
    double G = 0.5, mdp = -20.0, scale = 5.0, E = 10.0;
};
struct Synapse {
    int pre = 0, post = 0;   // neuron indices
    SynapseParams p;
    bool excitatory() const { return p.E > -60.0; }  // SPEC 2: excitatory when E > -60 mV
};
// Current G_gap * (Vother - Vself) into each side.
struct Gap {
    int a = 0, b = 0;
    double G_gap = 0.2;
};

// ODYNN's presets.
namespace presets {
inline constexpr SynapseParams excitatory1{0.5, -20.0, 5.0, 10.0};
inline constexpr SynapseParams excitatory2{0.2, -30.0, 2.0, 20.0};
inline constexpr SynapseParams excitatory3{1.0, -50.0, 5.0, -10.0};
inline constexpr SynapseParams inhibitory1{0.5, 0.0, 10.0, -70.0};
inline constexpr SynapseParams inhibitory2{0.2, -20.0, -6.0, -80.0};
inline constexpr double gap = 0.2;
}  // namespace presets

struct Circuit {
    double dt = 0.1;  // ms
    std::vector<Neuron> neurons;
    std::vector<Synapse> synapses;
    std::vector<Gap> gaps;

    int neuronIndex(const std::string& label) const;  // -1 when unknown
    // Default parameters; an LSTM neuron gets TensorFlow-initialised weights (seeded by its index).
    int addNeuron(const std::string& label, const std::string& model = "celegans",
                  Role role = Role::Inter, const LstmSpec& lstm = {});
    // Throws InputError (file given by the caller, or empty) describing the first problem:
    // unknown model, wrong parameter count, non-finite parameter, edge to an unknown neuron,
    // self gap junction, duplicate synapse or gap junction, duplicate label, dt <= 0.
    void validate(const std::string& sourceName = {}) const;
};

// Starting parameters of a neuron: the model's defaults, or for "lstm" TensorFlow-initialised
// weights of the given shape drawn with `seed`.
std::vector<double> initialParams(const std::string& model, const LstmSpec& lstm = {}, std::uint64_t seed = 0);

// One neuron of a model with the given (or default) parameters.
Circuit singleNeuronCircuit(const std::string& model, double dt,
                            const std::vector<double>& params = {});

}  // namespace odynn
