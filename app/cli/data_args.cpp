#include "data_args.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/datasets.hpp"
#include "odynn/errors.hpp"
#include "odynn/model_file.hpp"
#include "odynn/parameter_presets.hpp"
#include "odynn/parameter_domain.hpp"

namespace odynn::cli {

void CircuitArgs::addTo(CLI::App* sub, bool dataRequired) {
    auto* m = sub->add_option("--model", model, "Single neuron model (celegans, hhsimple, leaky, lstm) or model file (FILE.odm)");
    auto* c = sub->add_option("--circuit", circuit, "Circuit file (odynn-circuit JSON)");
    m->excludes(c);
    sub->add_option("--params", params, "Parameters (JSON {name: value}; circuit names like AVA/C_m, A->B/G)");
    auto* d = sub->add_option("--data", data, "Data CSV, one batch entry per file (repeatable)");
    if (dataRequired) d->required();
    sub->add_option("--weights", weights, "Loss weights wv,wca (default 1,0)");
    sub->add_option("--neuron-weights", neuronWeights, "Per-neuron loss weights of a circuit, e.g. AVA=2,AVB=0.5 (others 1)");
}

std::vector<std::string> splitNames(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::vector<double> parseNumbers(const std::string& text, const std::string& option, size_t expected) {
    std::vector<double> v;
    for (const auto& s : splitNames(text)) {
        char* end = nullptr;
        const double x = std::strtod(s.c_str(), &end);
        if (end == s.c_str() || *end != '\0' || !std::isfinite(x))
            throw InputError({}, 0, option, "'" + s + "' is not a number");
        v.push_back(x);
    }
    if (expected && v.size() != expected)
        throw InputError({}, 0, option, "expected " + std::to_string(expected) + " comma-separated numbers");
    return v;
}

std::vector<double> parameterSetsFromFile(const std::string& path, const Circuit& c, int& count) {
    // A preset name (default, default2) that is not a file: every neuron of the model takes it.
    if (!std::filesystem::exists(path) && (path == "default" || path == "default2")) {
        Circuit withPreset = c;
        bool any = false;
        for (Neuron& n : withPreset.neurons)
            if (const auto p = parameterPreset(n.model, path)) {
                n.params = *p;
                any = true;
            }
        if (!any) throw InputError({}, 0, "--params", "no neuron of this circuit has a parameter set '" + path + "'");
        count = 1;
        return ParameterLayout(withPreset).values(withPreset);
    }
    const auto doc = readJsonFile(path);
    const auto objects = doc.is_array() ? doc : nlohmann::json::array({doc});
    if (objects.empty()) throw InputError(path, 0, {}, "no parameter set in the file");
    const ParameterLayout layout(c);
    std::vector<double> out;
    for (const auto& o : objects) {
        if (!o.is_object()) throw InputError(path, 0, {}, "expected {name: value} objects");
        std::vector<double> v = layout.values(c);
        for (auto it = o.begin(); it != o.end(); ++it) {
            const int k = layout.find(it.key());
            if (k < 0) throw InputError(path, 0, it.key(), "unknown parameter '" + it.key() + "'");
            if (!it.value().is_number() || !std::isfinite(it.value().get<double>()))
                throw InputError(path, 0, it.key(), "parameter is not a finite number");
            v[k] = it.value().get<double>();
            const std::string& name = it.key();
            const std::string param = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
            if (const std::string why = outsideDomain(param, v[k]); !why.empty())
                throw InputError(path, 0, name, param + " = " + readableNumber(v[k]) + " " + why);
        }
        out.insert(out.end(), v.begin(), v.end());
    }
    count = int(objects.size());
    return out;
}

const ModelSpec& modelArgument(const std::string& argument) {
    if (isModelFilePath(argument)) return loadModelFile(argument);
    const ModelSpec* spec = findModel(argument);
    if (!spec) throw InputError({}, 0, "--model", "unknown model '" + argument + "'");
    return *spec;
}

Circuit CircuitArgs::load() const {
    if (model.empty() && circuit.empty()) throw InputError({}, 0, "--model", "give --model or --circuit");
    double dt = 0;
    if (!data.empty()) dt = uniformStep(readCsv(data.front()), "t");
    Circuit c;
    if (!circuit.empty()) {
        c = loadCircuit(circuit);
    } else {
        c = singleNeuronCircuit(modelArgument(model).name, 1.0);
    }
    if (dt > 0) c.dt = dt;
    if (!params.empty()) {
        int count = 0;
        const std::vector<double> v = parameterSetsFromFile(params, c, count);
        if (count != 1) throw InputError(params, 0, {}, "expected one parameter set {name: value}");
        ParameterLayout(c).apply(c, v.data());
    }
    return c;
}

FitDataset CircuitArgs::dataset(const Circuit& c, const std::vector<std::string>& files) const {
    std::vector<CsvTable> tables;
    for (const auto& f : files) {
        tables.push_back(readCsv(f));
        // A simulation's output is fitting data as it is: its other columns are only noted.
        const std::vector<std::string> extra = ignoredColumns(c, tables.back());
        if (extra.empty()) continue;
        std::string names;
        for (const auto& e : extra) {
            if (!names.empty()) names += ", ";
            names += e;
        }
        std::fprintf(stderr, "note: %s: columns not used for fitting, ignored: %s\n", f.c_str(), names.c_str());
    }
    return datasetFromTables(c, tables);
}

LossWeights CircuitArgs::lossWeights(const Circuit* circuit) const {
    LossWeights w;
    if (!neuronWeights.empty()) {
        if (!circuit) throw InputError({}, 0, "--neuron-weights", "per-neuron weights need a circuit");
        const Circuit& c = *circuit;
        w.perNeuron.assign(c.neurons.size(), 1.0);
        for (const auto& item : splitNames(neuronWeights)) {
            const auto eq = item.find('=');
            const int n = eq == std::string::npos ? -1 : c.neuronIndex(item.substr(0, eq));
            if (n < 0) throw InputError({}, 0, "--neuron-weights", "expected LABEL=weight with a known neuron: '" + item + "'");
            const double x = parseNumbers(item.substr(eq + 1), "--neuron-weights", 1)[0];
            if (x < 0) throw InputError({}, 0, "--neuron-weights", "weights must not be negative");
            w.perNeuron[n] = x;
        }
    }
    if (!weights.empty()) {
        const auto v = parseNumbers(weights, "--weights", 2);
        w.v = v[0];
        w.ca = v[1];
        if (w.v < 0 || w.ca < 0 || w.v + w.ca == 0)
            throw InputError({}, 0, "--weights", "weights must be non-negative and not both 0");
    }
    return w;
}

}  // namespace odynn::cli
