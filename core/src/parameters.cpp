#include <algorithm>
#include <limits>

#include "odynn/parameters.hpp"

#include "odynn/lstm.hpp"

namespace odynn {
namespace {
constexpr double inf = std::numeric_limits<double>::infinity();

// SPEC 2: bounds of chemical synapse and gap parameters; E's range depends on the kind,
// which is decided by the initial E (excitatory when E > -60 mV).
void addSynapseEntries(std::vector<ParamEntry>& out, const Circuit& c, int i) {
    const Synapse& s = c.synapses[i];
    const std::string base = c.neurons[s.pre].label + "->" + c.neurons[s.post].label + "/";
    const bool exc = s.excitatory();
    out.push_back({base + "G", ParamOwner::Synapse, i, 0, 1e-7, 0.5, 1e-7, 0.5, "mS/cm2"});
    out.push_back({base + "mdp", ParamOwner::Synapse, i, 1, -inf, inf, -60.0, 50.0, "mV"});
    out.push_back({base + "scale", ParamOwner::Synapse, i, 2, 0.2, inf, 0.2, 100.0, "mV"});
    out.push_back({base + "E", ParamOwner::Synapse, i, 3, exc ? -60.0 : -120.0, exc ? 50.0 : -60.0,
                   exc ? -30.0 : -100.0, exc ? 50.0 : -60.0, "mV"});
}
}  // namespace

ParameterLayout::ParameterLayout(const Circuit& c, bool bareSingleNeuron) {
    const bool bare = bareSingleNeuron && c.neurons.size() == 1 && c.synapses.empty() && c.gaps.empty();
    for (size_t i = 0; i < c.neurons.size(); ++i) {
        if (modelSpec(c.neurons[i].model).networkWeights) {
            // One entry per weight, named after its tensor: "AVA/volt/cell_0/kernel[12]".
            const LstmNetwork net(c.neurons[i].lstm);
            constexpr double inf = std::numeric_limits<double>::infinity();
            for (const LstmTensor& t : net.tensors())
                for (size_t k = 0; k < t.size(); ++k)
                    entries_.push_back({c.neurons[i].label + "/" + t.name + "[" + std::to_string(k) + "]",
                                        ParamOwner::Neuron, int(i), int(t.offset + k), -inf, inf, 0.0, 0.0, "1"});
            continue;
        }
        const ModelSpec& spec = modelSpec(c.neurons[i].model);
        for (size_t k = 0; k < spec.params.size(); ++k) {
            const ParamSpec& p = spec.params[k];
            entries_.push_back({bare ? p.name : c.neurons[i].label + "/" + p.name, ParamOwner::Neuron, int(i), int(k),
                                p.lowerBound, p.upperBound, p.randomLow, p.randomHigh, p.unit});
        }
    }
    for (size_t i = 0; i < c.synapses.size(); ++i) addSynapseEntries(entries_, c, int(i));
    for (size_t i = 0; i < c.gaps.size(); ++i) {
        const Gap& g = c.gaps[i];
        entries_.push_back({c.neurons[g.a].label + "--" + c.neurons[g.b].label + "/G_gap", ParamOwner::Gap, int(i), 0,
                            1e-7, 0.5, 1e-7, 0.5, "mS/cm2"});
    }
}

int ParameterLayout::find(const std::string& name) const {
    for (size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].name == name) return int(i);
    return -1;
}

namespace {
// The circuit field an entry names; CircuitT is Circuit or const Circuit.
template <class CircuitT>
auto& slotOf(CircuitT& c, const ParamEntry& e) {
    switch (e.owner) {
    case ParamOwner::Neuron: return c.neurons[e.index].params[e.slot];
    case ParamOwner::Synapse: {
        auto& p = c.synapses[e.index].p;
        return e.slot == 0 ? p.G : e.slot == 1 ? p.mdp : e.slot == 2 ? p.scale : p.E;
    }
    case ParamOwner::Gap: break;
    }
    return c.gaps[e.index].G_gap;
}
}  // namespace

std::vector<double> ParameterLayout::values(const Circuit& c) const {
    std::vector<double> v;
    v.reserve(entries_.size());
    for (const auto& e : entries_) v.push_back(slotOf(c, e));
    return v;
}

void ParameterLayout::apply(Circuit& c, const double* values) const {
    for (size_t i = 0; i < entries_.size(); ++i) slotOf(c, entries_[i]) = values[i];
}

std::vector<double> ParameterLayout::random(const Circuit& c, Rng& rng) const {
    std::vector<double> v;
    v.reserve(entries_.size());
    for (size_t i = 0; i < entries_.size();) {
        const ParamEntry& e = entries_[i];
        if (e.owner == ParamOwner::Neuron && modelSpec(c.neurons[e.index].model).networkWeights) {
            // A network's weights are drawn together, as TensorFlow initialises its cells.
            const auto w = LstmNetwork(c.neurons[e.index].lstm).randomWeights(rng);
            v.insert(v.end(), w.begin(), w.end());
            i += w.size();
            continue;
        }
        v.push_back(std::uniform_real_distribution<double>(e.randomLow, e.randomHigh)(rng));
        ++i;
    }
    return v;
}

void ParameterLayout::clipToBounds(double* values) const {
    for (size_t i = 0; i < entries_.size(); ++i)
        values[i] = std::clamp(values[i], entries_[i].lowerBound, entries_[i].upperBound);
}

}  // namespace odynn
