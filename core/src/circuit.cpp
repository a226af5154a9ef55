#include <algorithm>
#include <cmath>
#include <queue>
#include <set>
#include <utility>

#include "odynn/circuit.hpp"
#include "odynn/circuit_graph.hpp"
#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"
#include "odynn/parameter_domain.hpp"

namespace odynn {

const char* roleName(Role role) {
    switch (role) {
    case Role::Sensory: return "sensory";
    case Role::Command: return "command";
    case Role::Motor: return "motor";
    case Role::Inter: break;
    }
    return "inter";
}

std::optional<Role> roleFromName(const std::string& name) {
    if (name == "sensory") return Role::Sensory;
    if (name == "inter") return Role::Inter;
    if (name == "command") return Role::Command;
    if (name == "motor") return Role::Motor;
    return std::nullopt;
}

int Circuit::neuronIndex(const std::string& label) const {
    for (size_t i = 0; i < neurons.size(); ++i)
        if (neurons[i].label == label) return static_cast<int>(i);
    return -1;
}

int Circuit::addNeuron(const std::string& label, const std::string& model, Role role, const LstmSpec& lstm) {
    Neuron n;
    n.label = label;
    n.model = model;
    n.role = role;
    n.lstm = lstm;
    n.params = initialParams(model, lstm, neurons.size());
    neurons.push_back(std::move(n));
    return static_cast<int>(neurons.size()) - 1;
}

namespace {
std::string synapseName(const Circuit& c, const Synapse& s) {
    return c.neurons[s.pre].label + "->" + c.neurons[s.post].label;
}
std::string gapName(const Circuit& c, const Gap& g) {
    return c.neurons[g.a].label + "--" + c.neurons[g.b].label;
}
}  // namespace

void Circuit::validate(const std::string& src) const {
    if (!(dt > 0.0) || !std::isfinite(dt)) throw InputError(src, 0, "dt", "time step must be a positive number of ms");
    if (neurons.empty()) throw InputError(src, 0, "neurons", "the circuit has no neuron");
    std::set<std::string> labels;
    for (size_t i = 0; i < neurons.size(); ++i) {
        const Neuron& n = neurons[i];
        const std::string where = "neurons[" + std::to_string(i) + "]";
        if (n.label.empty()) throw InputError(src, 0, where + ".label", "empty label");
        // Labels name CSV columns (V_<label>) and circuit parameters (<label>/C_m, A->B/G).
        if (n.label.find_first_of(",\"\r\n") != std::string::npos ||
            std::any_of(n.label.begin(), n.label.end(), [](char ch) { return (unsigned char)ch < 0x20; }))
            throw InputError(src, 0, where + ".label",
                             "label '" + printable(n.label) + "' contains a comma, quote or control character");
        if (!labels.insert(n.label).second) throw InputError(src, 0, where + ".label", "duplicate label '" + n.label + "'");
        const ModelSpec* spec = findModel(n.model);
        if (!spec) throw InputError(src, 0, where + ".model", "unknown model '" + n.model + "'");
        if (spec->networkWeights) {
            if (const std::string why = n.lstm.problem(); !why.empty()) throw InputError(src, 0, where + ".lstm", why);
            const int weights = LstmNetwork(n.lstm).weightCount();
            if (int(n.params.size()) != weights)
                throw InputError(src, 0, where + ".weights", "expected " + std::to_string(weights) + " weights");
        } else if (n.params.size() != spec->params.size()) {
            throw InputError(src, 0, where + ".params", "expected " + std::to_string(spec->params.size()) + " parameters");
        }
        for (size_t k = 0; k < n.params.size(); ++k) {
            if (!std::isfinite(n.params[k]))
                throw InputError(src, 0, n.label + (k < spec->params.size() ? "/" + spec->params[k].name : "/weights"),
                                 "parameter is not a finite number");
            if (k < spec->params.size())
                if (const std::string why = outsideDomain(spec->params[k].name, n.params[k]); !why.empty())
                    throw InputError(src, 0, n.label + "/" + spec->params[k].name,
                                     spec->params[k].name + " = " + readableNumber(n.params[k]) + " " + why);
        }
    }
    const int count = static_cast<int>(neurons.size());
    auto inRange = [count](int i) { return i >= 0 && i < count; };
    std::set<std::pair<int, int>> seenSyn, seenGap;
    for (size_t i = 0; i < synapses.size(); ++i) {
        const Synapse& s = synapses[i];
        const std::string where = "synapses[" + std::to_string(i) + "]";
        if (!inRange(s.pre) || !inRange(s.post)) throw InputError(src, 0, where, "refers to an unknown neuron");
        if (s.pre == s.post)
            throw InputError(src, 0, where, "chemical synapse from neuron '" + neurons[s.pre].label + "' onto itself");
        if (!seenSyn.insert({s.pre, s.post}).second)
            throw InputError(src, 0, where, "duplicate synapse " + synapseName(*this, s));
        const double v[] = {s.p.G, s.p.mdp, s.p.scale, s.p.E};
        for (double x : v)
            if (!std::isfinite(x)) throw InputError(src, 0, synapseName(*this, s), "parameter is not a finite number");
        if (s.p.scale == 0.0) throw InputError(src, 0, synapseName(*this, s) + "/scale", "scale must not be 0");
        if (!(s.p.G >= 0)) throw InputError(src, 0, synapseName(*this, s) + "/G", "G = " + readableNumber(s.p.G) + " must be >= 0");
    }
    for (size_t i = 0; i < gaps.size(); ++i) {
        const Gap& g = gaps[i];
        const std::string where = "gaps[" + std::to_string(i) + "]";
        if (!inRange(g.a) || !inRange(g.b)) throw InputError(src, 0, where, "refers to an unknown neuron");
        if (g.a == g.b) throw InputError(src, 0, where, "gap junction from neuron '" + neurons[g.a].label + "' to itself");
        if (!seenGap.insert({std::min(g.a, g.b), std::max(g.a, g.b)}).second)
            throw InputError(src, 0, where, "duplicate gap junction " + gapName(*this, g));
        if (!std::isfinite(g.G_gap)) throw InputError(src, 0, gapName(*this, g) + "/G_gap", "parameter is not a finite number");
        if (g.G_gap < 0)
            throw InputError(src, 0, gapName(*this, g) + "/G_gap", "G_gap = " + readableNumber(g.G_gap) + " must be >= 0");
    }
}

std::vector<double> initialParams(const std::string& model, const LstmSpec& lstm, std::uint64_t seed) {
    if (!modelSpec(model).networkWeights) return modelSpec(model).defaults();
    Rng rng(seed);
    return LstmNetwork(lstm).randomWeights(rng);
}

Circuit singleNeuronCircuit(const std::string& model, double dt, const std::vector<double>& params) {
    Circuit c;
    c.dt = dt;
    c.addNeuron(model == "celegans" ? "neuron" : model, model);
    if (!params.empty()) c.neurons[0].params = params;
    return c;
}

WiringGraph wiringGraph(const Circuit& c) {
    const int n = static_cast<int>(c.neurons.size());
    WiringGraph g(n);
    auto ok = [n](int i) { return i >= 0 && i < n; };
    for (size_t i = 0; i < c.synapses.size(); ++i)
        if (ok(c.synapses[i].pre) && ok(c.synapses[i].post))
            boost::add_edge(c.synapses[i].pre, c.synapses[i].post, WiringEdge{EdgeKind::Chemical, int(i)}, g);
    for (size_t i = 0; i < c.gaps.size(); ++i)
        if (ok(c.gaps[i].a) && ok(c.gaps[i].b))
            boost::add_edge(c.gaps[i].a, c.gaps[i].b, WiringEdge{EdgeKind::Gap, int(i)}, g);
    return g;
}

std::vector<int> neighbourhood(const Circuit& c, int start, int hops) {
    const WiringGraph g = wiringGraph(c);
    std::vector<int> dist(boost::num_vertices(g), -1);
    std::queue<int> todo;
    dist.at(start) = 0;
    todo.push(start);
    while (!todo.empty()) {
        const int v = todo.front();
        todo.pop();
        if (dist[v] == hops) continue;
        auto visit = [&](int w) {
            if (dist[w] < 0) { dist[w] = dist[v] + 1; todo.push(w); }
        };
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) visit(int(boost::target(*e, g)));
        for (auto [e, end] = boost::in_edges(v, g); e != end; ++e) visit(int(boost::source(*e, g)));
    }
    std::vector<int> out;
    for (size_t i = 0; i < dist.size(); ++i)
        if (dist[i] >= 0) out.push_back(int(i));
    return out;
}

}  // namespace odynn
