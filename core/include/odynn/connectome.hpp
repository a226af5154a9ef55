#pragma once
// Circuits built from the real C. elegans wiring (hermaphrodite): Cook et al. 2019 (all 302
// neurons, weights in EM serial sections) or Varshney et al. 2011 (279 somatic neurons,
// weights in synapse counts). The data files are those of resources/connectome/ (see the
// README there for sources, licences and citations).
//
// Rules used to turn wiring into a circuit (stated in `odynn-cli connectome --help` too):
// - every neuron is a `celegans` neuron with default parameters;
// - chemical synapse pre -> post of weight w: G = min(0.5, 0.05 * w) (mS/cm2); inhibitory
//   (preset inhibitory1, E = -70 mV) when the presynaptic neuron releases GABA, otherwise
//   excitatory (preset excitatory1, E = 10 mV): acetylcholine, glutamate, monoamines and
//   unknown transmitters are all treated as excitatory;
// - gap junction a -- b of weight w: G_gap = min(0.5, 0.05 * w); Cook's gap matrix lists most
//   pairs twice, the larger of the two weights is used;
// - autapses and self gap junctions are left out (the circuit format has no self edges);
// - role: sensory for Cook's sensory neurons, command for the command interneurons AVA, AVB,
//   AVD, AVE and PVC (L and R), inter for every other neuron; motor and pharyngeal neurons are
//   `inter` because circuits have only the three roles;
// - position: an oblique side view of the c302 soma positions (anterior-posterior along x,
//   dorsal up), scaled so the 720 um body spans 1000 scene units.
#include <string>
#include <vector>

#include "odynn/circuit.hpp"

namespace odynn {

enum class ConnectomeSource { Cook2019, Varshney2011 };
// "cook2019" / "varshney2011"; throws std::invalid_argument for anything else.
ConnectomeSource connectomeSourceFromName(const std::string& name);

struct ConnectomeNeuron {
    std::string name;              // canonical (unpadded) name, e.g. AVAL, VA1
    std::string cookClass;         // sensory, interneuron, motor, pharyngeal, other
    std::string neurotransmitters; // ';'-joined, empty when unknown
    double x = 0, y = 0, z = 0;    // soma position (um): left, anterior-posterior, dorsal
    bool inSource = true;          // named in the chosen data set
};
struct ConnectomeEdge {
    int a = 0, b = 0;  // neuron indices; pre -> post for chemical synapses
    double weight = 0; // EM sections (Cook) or synapse count (Varshney)
};

struct Connectome {
    ConnectomeSource source = ConnectomeSource::Cook2019;
    std::vector<ConnectomeNeuron> neurons;  // the 302 neurons, in neurons.csv order
    std::vector<ConnectomeEdge> chemical;   // one per ordered pair, no autapses
    std::vector<ConnectomeEdge> gaps;       // one per unordered pair (a < b), no self pairs

    int neuronIndex(const std::string& name) const;  // -1 when unknown
    // Indices of the names (duplicates dropped); throws InputError (with `field`, e.g. the CLI
    // option) naming every unknown name.
    std::vector<int> indicesOf(const std::vector<std::string>& names, const std::string& field = "neurons") const;
};

// Reads neurons.csv and the source's wiring files from `dataDir`. Throws InputError naming
// the file, line and field of bad content.
Connectome loadConnectome(const std::string& dataDir, ConnectomeSource source);

// The circuit of the given neurons (indices into connectome.neurons) with every chemical
// synapse and gap junction among them, by the rules above. Neurons keep the given order.
Circuit connectomeCircuit(const Connectome& connectome, const std::vector<int>& neurons, double dt = 0.1);
// Every neuron of the source (Cook: 302; Varshney: the 280 it names).
std::vector<int> allConnectomeNeurons(const Connectome& connectome);
// Neurons within `hops` synapses or gap junctions of `center`, ignoring direction (center
// included), ascending index. Uses odynn::neighbourhood on the whole circuit.
std::vector<int> connectomeNeighbourhood(const Connectome& connectome, int center, int hops);

// Synapse strength rule (see above), exposed for tests and the app.
double connectomeConductance(double weight);

}  // namespace odynn
