#include "odynn/circuit_fixed.hpp"

#include <algorithm>

#include "odynn/errors.hpp"
#include "odynn/parameters.hpp"

namespace odynn {
using nlohmann::json;

namespace {

// "fixed" of one element: true (every parameter) or a list of its parameter names.
std::vector<std::string> namesOf(const json& obj, const std::vector<std::string>& known, const std::string& src,
                                 const std::string& where) {
    if (!obj.is_object() || !obj.contains("fixed")) return {};
    const json& f = obj["fixed"];
    if (f.is_boolean()) return f.get<bool>() ? known : std::vector<std::string>{};
    if (!f.is_array()) throw InputError(src, 0, where + ".fixed", "expected true or a list of parameter names");
    std::vector<std::string> names;
    for (const json& n : f) {
        if (!n.is_string() || std::find(known.begin(), known.end(), n.get<std::string>()) == known.end())
            throw InputError(src, 0, where + ".fixed", "unknown parameter " + n.dump());
        names.push_back(n.get<std::string>());
    }
    return names;
}

}  // namespace

std::vector<std::string> fixedParameterNames(const json& doc, const Circuit& c, const std::string& src) {
    const ParameterLayout layout(c);
    std::vector<std::string> out;
    auto add = [&](ParamOwner owner, int index, const std::vector<std::string>& names) {
        for (const ParamEntry& e : layout.entries()) {
            if (e.owner != owner || e.index != index) continue;
            const std::string bare = e.name.substr(e.name.rfind('/') + 1);
            if (std::find(names.begin(), names.end(), bare) != names.end()) out.push_back(e.name);
        }
    };
    const json& ns = doc.value("neurons", json::array());
    for (size_t i = 0; i < ns.size() && i < c.neurons.size(); ++i) {
        const std::string where = "neurons[" + std::to_string(i) + "]";
        const ModelSpec& spec = modelSpec(c.neurons[i].model);
        if (spec.networkWeights && ns[i].contains("fixed"))
            throw InputError(src, 0, where + ".fixed", "an lstm neuron's weights cannot be fixed");
        std::vector<std::string> known;
        for (const ParamSpec& p : spec.params) known.push_back(p.name);
        add(ParamOwner::Neuron, int(i), namesOf(ns[i], known, src, where));
    }
    const json& ss = doc.value("synapses", json::array());
    for (size_t i = 0; i < ss.size() && i < c.synapses.size(); ++i)
        add(ParamOwner::Synapse, int(i), namesOf(ss[i], {"G", "mdp", "scale", "E"}, src, "synapses[" + std::to_string(i) + "]"));
    const json& gs = doc.value("gaps", json::array());
    for (size_t i = 0; i < gs.size() && i < c.gaps.size(); ++i)
        add(ParamOwner::Gap, int(i), namesOf(gs[i], {"G_gap"}, src, "gaps[" + std::to_string(i) + "]"));
    return out;
}

}  // namespace odynn
