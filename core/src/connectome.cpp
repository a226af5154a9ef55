#include "odynn/connectome.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "odynn/circuit_graph.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"

namespace odynn {

namespace {

// Body length of the c302 layout (um, y from -311.7 to 410.2) mapped onto 1000 scene units.
constexpr double kSceneScale = 1000.0 / 722.0;
constexpr double kHeadY = -311.7;
// Dorsal-ventral extent is small against the body length: exaggerate it, and shift left-side
// neurons up by half their left-right offset so left/right pairs do not coincide.
constexpr double kVerticalStretch = 3.0;

const char* const kCommandClasses[] = {"AVA", "AVB", "AVD", "AVE", "PVC"};

double number(const TextTable& t, size_t r, int c) {
    const std::string& cell = t.rows[r][size_t(c)];
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(cell.c_str(), &end);
    if (cell.empty() || end != cell.c_str() + cell.size() || !std::isfinite(v))
        throw InputError(t.source, t.lines[r], t.header[size_t(c)], "'" + cell + "' is not a number");
    return v;
}

bool isCommand(const std::string& name) {
    for (const char* cls : kCommandClasses) {
        const std::string c(cls);
        if (name.size() == c.size() + 1 && name.compare(0, c.size(), c) == 0 && (name.back() == 'L' || name.back() == 'R'))
            return true;
    }
    return false;
}

std::string join(const std::string& dir, const char* file) { return dir.empty() ? file : dir + "/" + file; }

// Sums chemical weights per ordered pair and keeps the larger weight of a gap pair listed twice.
struct EdgeAccumulator {
    std::map<std::pair<int, int>, double> chemical, gaps;
    void addChemical(int pre, int post, double w) {
        if (pre != post) chemical[{pre, post}] += w;
    }
    void addGap(int a, int b, double w) {
        if (a == b) return;
        auto& g = gaps[{std::min(a, b), std::max(a, b)}];
        g = std::max(g, w);
    }
    void into(Connectome& c) const {
        for (const auto& [k, w] : chemical) c.chemical.push_back({k.first, k.second, w});
        for (const auto& [k, w] : gaps) c.gaps.push_back({k.first, k.second, w});
    }
};

}  // namespace

ConnectomeSource connectomeSourceFromName(const std::string& name) {
    if (name == "cook2019") return ConnectomeSource::Cook2019;
    if (name == "varshney2011") return ConnectomeSource::Varshney2011;
    throw std::invalid_argument("unknown connectome source '" + name + "' (cook2019 or varshney2011)");
}

int Connectome::neuronIndex(const std::string& name) const {
    for (size_t i = 0; i < neurons.size(); ++i)
        if (neurons[i].name == name) return int(i);
    return -1;
}

std::vector<int> Connectome::indicesOf(const std::vector<std::string>& names, const std::string& field) const {
    std::vector<int> out;
    std::string unknown;
    for (const auto& n : names) {
        const int i = neuronIndex(n);
        if (i < 0) unknown += (unknown.empty() ? "" : ", ") + n;
        else if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
    }
    if (!unknown.empty()) throw InputError({}, 0, field, "unknown neuron name(s): " + unknown);
    return out;
}

Connectome loadConnectome(const std::string& dataDir, ConnectomeSource source) {
    Connectome c;
    c.source = source;
    std::map<std::string, int> byName, byCookName;

    const TextTable neurons = readTextCsv(join(dataDir, "neurons.csv"));
    {
        const int name = neurons.requireColumn("name"), cook = neurons.requireColumn("cook_name"),
                  cls = neurons.requireColumn("cook_class"), nt = neurons.requireColumn("neurotransmitters"),
                  x = neurons.requireColumn("x"), y = neurons.requireColumn("y"), z = neurons.requireColumn("z"),
                  inV = neurons.requireColumn("in_varshney2011");
        for (size_t r = 0; r < neurons.rows.size(); ++r) {
            const auto& row = neurons.rows[r];
            ConnectomeNeuron n;
            n.name = row[size_t(name)];
            if (n.name.empty()) throw InputError(neurons.source, neurons.lines[r], "name", "empty neuron name");
            if (byName.count(n.name))
                throw InputError(neurons.source, neurons.lines[r], "name", "duplicate neuron '" + n.name + "'");
            n.cookClass = row[size_t(cls)];
            n.neurotransmitters = row[size_t(nt)];
            n.x = number(neurons, r, x);
            n.y = number(neurons, r, y);
            n.z = number(neurons, r, z);
            n.inSource = source == ConnectomeSource::Cook2019 || number(neurons, r, inV) != 0;
            byName[n.name] = int(c.neurons.size());
            byCookName[row[size_t(cook)]] = int(c.neurons.size());
            c.neurons.push_back(std::move(n));
        }
    }

    EdgeAccumulator acc;
    if (source == ConnectomeSource::Cook2019) {
        // Cook spelling (zero-padded); cells that are not neurons (muscles, end organs) are skipped.
        auto cookIndex = [&](const std::string& cell) {
            const auto it = byCookName.find(cell);
            return it == byCookName.end() ? -1 : it->second;
        };
        const TextTable chem = readTextCsv(join(dataDir, "cook2019_herm_chemical.csv"));
        const int pre = chem.requireColumn("pre"), post = chem.requireColumn("post"), w = chem.requireColumn("weight");
        for (size_t r = 0; r < chem.rows.size(); ++r) {
            const int a = cookIndex(chem.rows[r][size_t(pre)]), b = cookIndex(chem.rows[r][size_t(post)]);
            const double weight = number(chem, r, w);
            if (a >= 0 && b >= 0) acc.addChemical(a, b, weight);
        }
        const TextTable gap = readTextCsv(join(dataDir, "cook2019_herm_gap.csv"));
        const int ca = gap.requireColumn("cell_a"), cb = gap.requireColumn("cell_b"), gw = gap.requireColumn("weight");
        for (size_t r = 0; r < gap.rows.size(); ++r) {
            const int a = cookIndex(gap.rows[r][size_t(ca)]), b = cookIndex(gap.rows[r][size_t(cb)]);
            const double weight = number(gap, r, gw);
            if (a >= 0 && b >= 0) acc.addGap(a, b, weight);
        }
    } else {
        // S and Sp rows are the chemical synapses (R and Rp repeat them from the receiving
        // side); EJ rows are gap junctions, listed in both directions; NMJ rows are skipped.
        const TextTable t = readTextCsv(join(dataDir, "varshney2011_neuron_connect.csv"));
        const int n1 = t.requireColumn("Neuron 1"), n2 = t.requireColumn("Neuron 2"), type = t.requireColumn("Type"),
                  nbr = t.requireColumn("Nbr");
        for (size_t r = 0; r < t.rows.size(); ++r) {
            const std::string& kind = t.rows[r][size_t(type)];
            if (kind != "S" && kind != "Sp" && kind != "EJ") continue;
            int ends[2];
            for (int e = 0; e < 2; ++e) {
                const int col = e ? n2 : n1;
                const auto it = byName.find(t.rows[r][size_t(col)]);
                if (it == byName.end())
                    throw InputError(t.source, t.lines[r], t.header[size_t(col)],
                                     "unknown neuron '" + t.rows[r][size_t(col)] + "'");
                ends[e] = it->second;
            }
            const double weight = number(t, r, nbr);
            if (kind == "EJ") acc.addGap(ends[0], ends[1], weight);
            else acc.addChemical(ends[0], ends[1], weight);
        }
    }
    acc.into(c);
    return c;
}

double connectomeConductance(double weight) { return std::clamp(0.05 * weight, 1e-7, 0.5); }

Circuit connectomeCircuit(const Connectome& con, const std::vector<int>& picked, double dt) {
    Circuit circuit;
    circuit.dt = dt;
    std::vector<int> where(con.neurons.size(), -1);
    for (const int i : picked) {
        const ConnectomeNeuron& n = con.neurons.at(size_t(i));
        if (where[size_t(i)] >= 0) continue;
        const Role role = isCommand(n.name)            ? Role::Command
                          : n.cookClass == "sensory" ? Role::Sensory
                          : n.cookClass == "motor"   ? Role::Motor
                                                     : Role::Inter;
        where[size_t(i)] = circuit.addNeuron(n.name, "celegans", role);
        circuit.neurons.back().position = std::array<double, 2>{
            (n.y - kHeadY) * kSceneScale, -(n.z + 0.5 * n.x) * kSceneScale * kVerticalStretch};
    }
    for (const ConnectomeEdge& e : con.chemical) {
        const int a = where[size_t(e.a)], b = where[size_t(e.b)];
        if (a < 0 || b < 0) continue;
        const bool gaba = con.neurons[size_t(e.a)].neurotransmitters.find("GABA") != std::string::npos;
        Synapse s{a, b, gaba ? presets::inhibitory1 : presets::excitatory1};
        s.p.G = connectomeConductance(e.weight);
        circuit.synapses.push_back(s);
    }
    for (const ConnectomeEdge& e : con.gaps) {
        const int a = where[size_t(e.a)], b = where[size_t(e.b)];
        if (a < 0 || b < 0) continue;
        circuit.gaps.push_back({a, b, connectomeConductance(e.weight)});
    }
    return circuit;
}

std::vector<int> allConnectomeNeurons(const Connectome& con) {
    std::vector<int> out;
    for (size_t i = 0; i < con.neurons.size(); ++i)
        if (con.neurons[i].inSource) out.push_back(int(i));
    return out;
}

std::vector<int> connectomeNeighbourhood(const Connectome& con, int center, int hops) {
    if (hops < 0) throw InputError({}, 0, "hops", "the number of hops must be >= 0");
    std::vector<int> all(con.neurons.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = int(i);
    const Circuit whole = connectomeCircuit(con, all);
    return neighbourhood(whole, center, hops);
}

}  // namespace odynn
