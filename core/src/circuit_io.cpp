#include "odynn/circuit_io.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"
#include "odynn/model_file.hpp"

namespace odynn {
using nlohmann::json;

namespace {

double number(const json& v, const std::string& src, const std::string& field) {
    if (!v.is_number()) throw InputError(src, 0, field, "expected a number");
    const double x = v.get<double>();
    if (!std::isfinite(x)) throw InputError(src, 0, field, "value is not finite");
    return x;
}

// An optional integer field (a count such as an LSTM's units), `fallback` when absent.
int integer(const json& obj, const char* key, int fallback, const std::string& src, const std::string& where) {
    if (!obj.contains(key)) return fallback;
    const json& v = obj[key];
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 1'000'000)
        throw InputError(src, 0, where + "." + key, "expected a whole number from 0 to 1000000");
    return int(v.get<long long>());
}

std::string text(const json& obj, const char* key, const std::string& src, const std::string& where) {
    if (!obj.contains(key)) throw InputError(src, 0, where + "." + key, "missing field");
    if (!obj[key].is_string()) throw InputError(src, 0, where + "." + key, "expected a string");
    return obj[key].get<std::string>();
}

void checkKeys(const json& obj, const std::set<std::string>& allowed, const std::string& src, const std::string& where) {
    if (!obj.is_object()) throw InputError(src, 0, where.empty() ? "circuit" : where, "expected an object");
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (!allowed.count(it.key()))
            throw InputError(src, 0, where.empty() ? it.key() : where + "." + it.key(),
                             "unknown key '" + printable(it.key()) + "'");
}

int neuronRef(const Circuit& c, const json& obj, const char* key, const std::string& src, const std::string& where) {
    const std::string label = text(obj, key, src, where);
    const int i = c.neuronIndex(label);
    if (i < 0) throw InputError(src, 0, where + "." + key, "unknown neuron '" + label + "'");
    return i;
}

// Registers the models a circuit carries: "models": [{"source": "<model file text>"} or
// {"file": "path relative to the circuit file"}], so that its neurons can name them.
void registerCircuitModels(const json& doc, const std::string& src) {
    if (!doc.contains("models")) return;
    const json& models = doc["models"];
    if (!models.is_array()) throw InputError(src, 0, "models", "expected an array of {\"source\"} or {\"file\"}");
    for (size_t i = 0; i < models.size(); ++i) {
        const std::string where = "models[" + std::to_string(i) + "]";
        const json& m = models[i];
        checkKeys(m, {"source", "file"}, src, where);
        if (m.contains("source") == m.contains("file"))
            throw InputError(src, 0, where, "give either \"source\" or \"file\"");
        if (m.contains("source")) {
            registerModelSource(text(m, "source", src, where), (src.empty() ? "<input>" : src) + " " + where);
        } else {
            namespace fs = std::filesystem;
            const fs::path file = fs::path(text(m, "file", src, where));
            loadModelFile((file.is_absolute() ? file : fs::path(src).parent_path() / file).string());
        }
    }
}

}  // namespace

std::vector<double> paramsFromJson(const ModelSpec& spec, const json& obj, const std::string& src) {
    std::vector<double> p = spec.defaults();
    if (obj.is_null()) return p;
    if (!obj.is_object()) throw InputError(src, 0, "params", "expected an object of name: value");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        const int k = spec.paramIndex(it.key());
        if (k < 0) throw InputError(src, 0, it.key(), "unknown parameter '" + it.key() + "' of model " + spec.name);
        p[k] = number(it.value(), src, it.key());
    }
    return p;
}

json paramsToJson(const ModelSpec& spec, const std::vector<double>& params) {
    json o = json::object();
    for (size_t k = 0; k < spec.params.size() && k < params.size(); ++k) o[spec.params[k].name] = params[k];
    return o;
}

Circuit circuitFromJson(const json& doc, const std::string& src) {
    if (!doc.is_object()) throw InputError(src, 0, {}, "expected a JSON object");
    // The circuit's own keys (with the model files it carries) and those the app adds to a project
    // file (stimuli, fit settings); a misspelt key ("synapse") must not silently drop a part of it.
    checkKeys(doc, {"format", "version", "dt", "models", "neurons", "synapses", "gaps", "stimuli", "fit"}, src, {});
    if (doc.contains("format") && doc["format"] != "odynn-circuit")
        throw InputError(src, 0, "format", "expected \"odynn-circuit\"");
    if (doc.contains("version") && doc["version"] != 1) throw InputError(src, 0, "version", "unsupported version");
    Circuit c;
    if (doc.contains("dt")) c.dt = number(doc["dt"], src, "dt");
    if (!(c.dt > 0)) throw InputError(src, 0, "dt", "time step must be positive (ms)");
    if (!doc.contains("neurons") || !doc["neurons"].is_array())
        throw InputError(src, 0, "neurons", "missing array of neurons");
    registerCircuitModels(doc, src);
    const auto& ns = doc["neurons"];
    for (size_t i = 0; i < ns.size(); ++i) {
        const std::string where = "neurons[" + std::to_string(i) + "]";
        const json& o = ns[i];
        checkKeys(o, {"label", "model", "role", "params", "position", "fixed", "lstm", "weights"}, src, where);
        Neuron n;
        n.label = text(o, "label", src, where);
        if (c.neuronIndex(n.label) >= 0) throw InputError(src, 0, where + ".label", "duplicate label '" + n.label + "'");
        n.model = o.contains("model") ? text(o, "model", src, where) : "celegans";
        const ModelSpec* spec = findModel(n.model);
        if (!spec) throw InputError(src, 0, where + ".model", "unknown model '" + n.model + "'");
        if (o.contains("role")) {
            const auto role = roleFromName(text(o, "role", src, where));
            if (!role) throw InputError(src, 0, where + ".role", "expected sensory, inter, command or motor");
            n.role = *role;
        }
        if (spec->networkWeights) {
            // {"lstm": {"units", "layers", "calcium_layers"}, "weights": <weight file>}; without
            // weights, TensorFlow's initialisation seeded by the neuron's index.
            if (o.contains("params")) throw InputError(src, 0, where + ".params", "an lstm neuron has weights, not params");
            if (o.contains("weights")) {
                n.params = lstmWeightsFromJson(o["weights"], src, n.lstm);
            } else {
                const json& l = o.value("lstm", json::object());
                if (!l.is_object()) throw InputError(src, 0, where + ".lstm", "expected {units, layers, calcium_layers}");
                checkKeys(l, {"units", "layers", "calcium_layers"}, src, where + ".lstm");
                n.lstm.units = integer(l, "units", 50, src, where + ".lstm");
                n.lstm.layers = integer(l, "layers", 1, src, where + ".lstm");
                n.lstm.calciumLayers = integer(l, "calcium_layers", 0, src, where + ".lstm");
                if (const std::string why = n.lstm.problem(); !why.empty()) throw InputError(src, 0, where + ".lstm", why);
                Rng rng(i);
                n.params = LstmNetwork(n.lstm).randomWeights(rng);
            }
        } else {
            n.params = paramsFromJson(*spec, o.value("params", json()), src);
        }
        if (o.contains("position")) {
            const json& p = o["position"];
            if (!p.is_array() || p.size() != 2) throw InputError(src, 0, where + ".position", "expected [x, y]");
            n.position = std::array<double, 2>{number(p[0], src, where + ".position"), number(p[1], src, where + ".position")};
        }
        c.neurons.push_back(std::move(n));
    }
    if (doc.contains("synapses")) {
        const auto& ss = doc["synapses"];
        if (!ss.is_array()) throw InputError(src, 0, "synapses", "expected an array");
        for (size_t i = 0; i < ss.size(); ++i) {
            const std::string where = "synapses[" + std::to_string(i) + "]";
            checkKeys(ss[i], {"pre", "post", "G", "mdp", "scale", "E", "fixed"}, src, where);
            Synapse s;
            s.pre = neuronRef(c, ss[i], "pre", src, where);
            s.post = neuronRef(c, ss[i], "post", src, where);
            if (ss[i].contains("G")) s.p.G = number(ss[i]["G"], src, where + ".G");
            if (ss[i].contains("mdp")) s.p.mdp = number(ss[i]["mdp"], src, where + ".mdp");
            if (ss[i].contains("scale")) s.p.scale = number(ss[i]["scale"], src, where + ".scale");
            if (ss[i].contains("E")) s.p.E = number(ss[i]["E"], src, where + ".E");
            c.synapses.push_back(s);
        }
    }
    if (doc.contains("gaps")) {
        const auto& gs = doc["gaps"];
        if (!gs.is_array()) throw InputError(src, 0, "gaps", "expected an array");
        for (size_t i = 0; i < gs.size(); ++i) {
            const std::string where = "gaps[" + std::to_string(i) + "]";
            checkKeys(gs[i], {"a", "b", "G_gap", "fixed"}, src, where);
            Gap g;
            g.a = neuronRef(c, gs[i], "a", src, where);
            g.b = neuronRef(c, gs[i], "b", src, where);
            if (gs[i].contains("G_gap")) g.G_gap = number(gs[i]["G_gap"], src, where + ".G_gap");
            c.gaps.push_back(g);
        }
    }
    c.validate(src);
    return c;
}

json circuitToJson(const Circuit& c) {
    json doc;
    doc["format"] = "odynn-circuit";
    doc["version"] = 1;
    doc["dt"] = c.dt;
    json ns = json::array();
    for (const auto& n : c.neurons) {
        json o;
        o["label"] = n.label;
        o["model"] = n.model;
        o["role"] = roleName(n.role);
        if (modelSpec(n.model).networkWeights)
            o["weights"] = lstmWeightsToJson(LstmNetwork(n.lstm), n.params.data());
        else
            o["params"] = paramsToJson(modelSpec(n.model), n.params);
        if (n.position) o["position"] = {(*n.position)[0], (*n.position)[1]};
        ns.push_back(o);
    }
    doc["neurons"] = ns;
    // Model files the neurons use travel with the circuit, so that it simulates the same elsewhere.
    json models = json::array();
    std::set<std::string> embedded;
    for (const auto& n : c.neurons) {
        const ModelSpec& spec = modelSpec(n.model);
        if (!spec.source.empty() && embedded.insert(spec.name).second) models.push_back({{"source", spec.source}});
    }
    if (!models.empty()) doc["models"] = models;
    json ss = json::array();
    for (const auto& s : c.synapses)
        ss.push_back({{"pre", c.neurons[s.pre].label}, {"post", c.neurons[s.post].label}, {"G", s.p.G},
                      {"mdp", s.p.mdp}, {"scale", s.p.scale}, {"E", s.p.E}});
    doc["synapses"] = ss;
    json gs = json::array();
    for (const auto& g : c.gaps)
        gs.push_back({{"a", c.neurons[g.a].label}, {"b", c.neurons[g.b].label}, {"G_gap", g.G_gap}});
    doc["gaps"] = gs;
    return doc;
}

json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, {}, "cannot open the file for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parseJsonText(ss.str(), path);
}

json parseJsonText(const std::string& text, const std::string& path) {
    try {
        return json::parse(text);
    } catch (const json::out_of_range& e) {
        // A number beyond the range of double (e.g. 1e999); nlohmann gives no position.
        std::string what = e.what();
        const auto bracket = what.find("] ");
        throw InputError(path, 0, {}, "malformed JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)));
    } catch (const json::parse_error& e) {
        // Turn the byte offset into a line number for the message.
        long line = 1;
        for (size_t i = 0; i < std::min(text.size(), size_t(e.byte)); ++i) line += text[i] == '\n';
        std::string what = e.what();
        const auto colon = what.find("error:");
        throw InputError(path, line, {}, "malformed JSON: " + (colon == std::string::npos ? what : what.substr(colon + 7)));
    }
}

Circuit loadCircuit(const std::string& path) { return circuitFromJson(readJsonFile(path), path); }

void saveCircuit(const Circuit& c, const std::string& path) { writeFileAtomically(path, circuitToJson(c).dump(1) + "\n"); }

}  // namespace odynn
