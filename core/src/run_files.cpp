#include "run_files.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"

namespace odynn::detail {
using nlohmann::json;

std::string formatNumber(double x) {
    if (!std::isfinite(x)) return "nan";
    char b[40];
    std::snprintf(b, sizeof b, "%.17g", x);
    return b;
}

json numbersToJson(const std::vector<double>& v) {
    json a = json::array();
    for (double x : v) a.push_back(std::isfinite(x) ? json(x) : json(nullptr));
    return a;
}

std::vector<double> numbersFromJson(const json& a, const std::string& src, const std::string& field) {
    if (!a.is_array()) throw InputError(src, 0, field, "expected an array of numbers");
    std::vector<double> v;
    v.reserve(a.size());
    for (const auto& x : a) v.push_back(x.is_number() ? x.get<double>() : std::numeric_limits<double>::quiet_NaN());
    return v;
}

json datasetToJson(const FitDataset& d) {
    return {{"steps", d.stimulus.steps}, {"batch", d.stimulus.batch}, {"neurons", d.stimulus.neurons},
            {"current", numbersToJson(d.stimulus.current)}, {"target_v", numbersToJson(d.targetV)},
            {"target_ca", numbersToJson(d.targetCa)}};
}

FitDataset datasetFromJson(const json& j, const std::string& src) {
    FitDataset d;
    d.stimulus = Stimulus(j.at("steps").get<int>(), j.at("batch").get<int>(), j.at("neurons").get<int>());
    d.stimulus.current = numbersFromJson(j.at("current"), src, "current");
    d.targetV = numbersFromJson(j.at("target_v"), src, "target_v");
    d.targetCa = numbersFromJson(j.at("target_ca"), src, "target_ca");
    if (d.stimulus.current.size() != size_t(d.stimulus.steps) * d.stimulus.batch * d.stimulus.neurons)
        throw InputError(src, 0, "current", "size does not match steps x batch x neurons");
    return d;
}

json optionsToJson(const FitOptions& o, const LearningRate& lr) {
    json bounds = json::object();
    for (const auto& b : o.bounds) bounds[b.name] = {b.lower, b.upper};
    const RobustSettings& r = o.robust;
    return {{"population", o.population}, {"epochs", o.epochs}, {"seed", o.seed},
            {"weights", {{"v", o.weights.v}, {"ca", o.weights.ca}, {"per_neuron", o.weights.perNeuron}}},
            {"learning_rate", {{"initial", lr.initial}, {"decay_steps", lr.decaySteps}, {"decay_rate", lr.decayRate}}},
            {"clip_norm", o.clipNorm}, {"fixed", o.fixed}, {"groups", o.groups}, {"test_every", o.testEvery},
            {"initial", numbersToJson(o.initial)}, {"method", methodName(o.method)}, {"bounds", bounds},
            {"robust", {{"screen_sets", r.screenSets}, {"adam_epochs", r.adamEpochs}, {"learning_rate", r.learningRate},
                        {"patience", r.patience}, {"polish_evaluations", r.polishEvaluations},
                        {"polish_rounds", r.polishRounds}, {"polish_sets", r.polishSets}}}};
}

FitOptions optionsFromJson(const json& j, const std::string& src) {
    FitOptions o;
    o.population = j.at("population");
    o.epochs = j.at("epochs");
    o.seed = j.at("seed");
    o.weights.v = j.at("weights").at("v");
    o.weights.ca = j.at("weights").at("ca");
    o.weights.perNeuron = j.at("weights").at("per_neuron").get<std::vector<double>>();
    const json& lr = j.at("learning_rate");
    o.learningRate = LearningRate{lr.at("initial"), lr.at("decay_steps"), lr.at("decay_rate")};
    o.clipNorm = j.at("clip_norm");
    o.fixed = j.value("fixed", std::vector<std::string>{});
    o.groups = j.value("groups", std::vector<std::vector<std::string>>{});
    o.testEvery = j.at("test_every");
    o.initial = numbersFromJson(j.at("initial"), src, "initial");
    // Folders written before methods and bounds existed are ODYNN runs without bounds.
    const auto method = methodFromName(j.value("method", "odynn"));
    if (!method) throw InputError(src, 0, "method", "expected \"odynn\" or \"robust\"");
    o.method = *method;
    for (const auto& [name, b] : j.value("bounds", json::object()).items())
        o.bounds.push_back({name, b.at(0).get<double>(), b.at(1).get<double>()});
    if (j.contains("robust")) {
        const json& r = j.at("robust");
        o.robust = {r.at("screen_sets"), r.at("adam_epochs"), r.at("learning_rate"), r.at("patience"),
                    r.at("polish_evaluations"), r.at("polish_rounds"), r.value("polish_sets", 0)};
    }
    return o;
}

std::string historyHeader(int sets, bool withTest, bool withStage) {
    std::string header = "epoch,lr";
    for (int k = 0; k < sets; ++k) header += ",loss_" + std::to_string(k);
    if (withTest)
        for (int k = 0; k < sets; ++k) header += ",test_" + std::to_string(k);
    if (withStage) header += ",stage";
    return header;
}

std::string historyLine(const EpochSummary& s, int sets, bool withTest, bool withStage) {
    std::string line = std::to_string(s.epoch) + "," + formatNumber(s.learningRate);
    for (double l : s.losses) line += "," + formatNumber(l);
    if (withTest)
        for (int k = 0; k < sets; ++k) line += "," + (s.testLosses.empty() ? std::string() : formatNumber(s.testLosses[k]));
    if (withStage) line += "," + s.stage;
    return line;
}

void appendLine(const std::filesystem::path& file, const std::string& line) {
    std::ofstream out(file, std::ios::app);
    out << line << '\n';
    if (!out) throw InputError(file.string(), 0, {}, "cannot append to the file");
}

std::vector<std::string> keepLines(const std::filesystem::path& file, size_t rows) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    std::string line;
    while (lines.size() < rows + 1 && std::getline(in, line)) lines.push_back(line);
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    writeFileAtomically(file.string(), text);
    return lines;
}

void writeSummary(const std::string& dir, const FitResult& r, double wallSeconds, FitMethod method) {
    const char* term = r.termination == Termination::Completed ? "completed"
                       : r.termination == Termination::Stopped ? "stopped" : "failed";
    json summary = {{"best_loss", std::isfinite(r.bestLoss) ? json(r.bestLoss) : json(nullptr)},
                    {"best_index", r.bestIndex}, {"epochs", r.epochsDone}, {"wall_seconds", wallSeconds},
                    {"termination", term}, {"method", methodName(method)}};
    if (std::isfinite(r.bestTestLoss)) summary["best_test_loss"] = r.bestTestLoss;
    if (!r.message.empty()) summary["message"] = r.message;
    writeFileAtomically((std::filesystem::path(dir) / "summary.json").string(), summary.dump(1) + "\n");
}

double AdamTf1::stepSize(double lr, int t) {
    return lr * std::sqrt(1 - std::pow(beta2, t)) / (1 - std::pow(beta1, t));
}

void AdamTf1::update(double* x, double* m, double* v, const double* g, int n, double lrT, double clip) {
    for (int i = 0; i < n; ++i) {
        const double gi = g[i] * clip;
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        x[i] -= lrT * m[i] / (std::sqrt(v[i]) + eps);
    }
}

std::pair<int, double> bestFinite(const std::vector<double>& losses) {
    std::pair<int, double> best{-1, std::numeric_limits<double>::infinity()};
    for (size_t s = 0; s < losses.size(); ++s)
        if (std::isfinite(losses[s]) && losses[s] < best.second) best = {int(s), losses[s]};
    return best;
}

double clipFactor(double norm2, double clipNorm) { return clipNorm / std::max(std::sqrt(norm2), clipNorm); }

}  // namespace odynn::detail
