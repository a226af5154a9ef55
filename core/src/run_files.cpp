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

const json& member(const json& j, const char* key, const std::string& src, const std::string& field) {
    if (!j.is_object()) throw InputError(src, 0, field, "expected an object");
    if (!j.contains(key)) throw InputError(src, 0, field, "missing field");
    return j[key];
}

namespace {
std::string fieldName(const std::string& where, const char* key) { return where.empty() ? key : where + "." + key; }
std::string readable(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.6g", x);
    return b;
}
}  // namespace

long long integerField(const json& j, const char* key, long long lo, long long hi, const std::string& src,
                       const std::string& where) {
    const std::string field = fieldName(where, key);
    const json& v = member(j, key, src, field);
    if (!v.is_number_integer()) throw InputError(src, 0, field, "expected an integer");
    const long long x = v.is_number_unsigned() && v.get<unsigned long long>() > (unsigned long long)hi ? hi + 1 : v.get<long long>();
    if (x < lo || x > hi)
        throw InputError(src, 0, field, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return x;
}

double numberField(const json& j, const char* key, double lo, double hi, const std::string& src, const std::string& where) {
    const std::string field = fieldName(where, key);
    const json& v = member(j, key, src, field);
    if (!v.is_number()) throw InputError(src, 0, field, "expected a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi)
        throw InputError(src, 0, field, "expected a finite number from " + readable(lo) + " to " + readable(hi));
    return x;
}

std::vector<double> finiteNumbersFromJson(const json& a, const std::string& src, const std::string& field) {
    if (!a.is_array()) throw InputError(src, 0, field, "expected an array of numbers");
    std::vector<double> v;
    v.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_number() || !std::isfinite(a[i].get<double>()))
            throw InputError(src, 0, field + "[" + std::to_string(i) + "]", "expected a finite number");
        v.push_back(a[i].get<double>());
    }
    return v;
}

json checkpointToJson(const Checkpoint& c) {
    return {{"epoch", c.epoch}, {"theta", numbersToJson(c.theta)}, {"m", numbersToJson(c.m)}, {"v", numbersToJson(c.v)},
            {"last_loss", numbersToJson(c.lastLoss)}, {"wall_seconds", c.wallSeconds}};
}

Checkpoint checkpointFromJson(const json& j, const std::string& src, size_t thetaSize, size_t momentSize, int sets) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    Checkpoint c;
    // Epochs are counted in an int; a year of epochs at a microsecond each stays far below.
    c.epoch = int(integerField(j, "epoch", 0, 1'000'000'000, src));
    c.theta = finiteNumbersFromJson(member(j, "theta", src, "theta"), src, "theta");
    c.m = finiteNumbersFromJson(member(j, "m", src, "m"), src, "m");
    c.v = finiteNumbersFromJson(member(j, "v", src, "v"), src, "v");
    // A diverged set's loss is NaN, written as null.
    c.lastLoss = numbersFromJson(member(j, "last_loss", src, "last_loss"), src, "last_loss");
    c.wallSeconds = numberField(j, "wall_seconds", 0, inf, src);
    auto sized = [&](const std::vector<double>& x, size_t n, const char* field) {
        if (x.size() != n)
            throw InputError(src, 0, field, "expected " + std::to_string(n) + " values (as the settings say), found " +
                                                std::to_string(x.size()));
    };
    sized(c.theta, thetaSize, "theta");
    sized(c.m, momentSize, "m");
    sized(c.v, momentSize, "v");
    if (!c.lastLoss.empty()) sized(c.lastLoss, size_t(sets), "last_loss");
    for (size_t i = 0; i < c.v.size(); ++i)
        if (c.v[i] < 0) throw InputError(src, 0, "v[" + std::to_string(i) + "]", "a second moment cannot be negative");
    return c;
}

json bestIterateToJson(const BestIterate& b) {
    return {{"loss", b.loss}, {"epoch", b.epoch}, {"set", b.set}, {"params", numbersToJson(b.params)}};
}

BestIterate bestIterateFromJson(const json& j, const std::string& src, size_t paramsSize, int sets) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::string where = "best_iterate";
    if (!j.is_object()) throw InputError(src, 0, where, "expected an object");
    BestIterate b;
    b.loss = numberField(j, "loss", -inf, inf, src, where);
    b.epoch = int(integerField(j, "epoch", 0, 1'000'000'000, src, where));
    b.set = int(integerField(j, "set", 0, sets - 1, src, where));
    b.params = finiteNumbersFromJson(member(j, "params", src, where + ".params"), src, where + ".params");
    if (b.params.size() != paramsSize)
        throw InputError(src, 0, where + ".params", "expected " + std::to_string(paramsSize) + " values (as the settings say), found " +
                                                        std::to_string(b.params.size()));
    return b;
}

json datasetToJson(const FitDataset& d) {
    return {{"steps", d.stimulus.steps}, {"batch", d.stimulus.batch}, {"neurons", d.stimulus.neurons},
            {"current", numbersToJson(d.stimulus.current)}, {"target_v", numbersToJson(d.targetV)},
            {"target_ca", numbersToJson(d.targetCa)}};
}

FitDataset datasetFromJson(const json& j, const std::string& src) {
    FitDataset d;
    const int steps = int(integerField(j, "steps", 1, 1'000'000'000, src));
    const int batch = int(integerField(j, "batch", 1, 1'000'000, src));
    const int neurons = int(integerField(j, "neurons", 1, 1'000'000, src));
    const double cells = double(steps) * batch * neurons;
    if (cells > 1e10) throw InputError(src, 0, "steps", "steps x batch x neurons is too large");
    d.stimulus = Stimulus(steps, batch, neurons);
    d.stimulus.current = finiteNumbersFromJson(member(j, "current", src, "current"), src, "current");
    d.targetV = numbersFromJson(member(j, "target_v", src, "target_v"), src, "target_v");
    d.targetCa = numbersFromJson(member(j, "target_ca", src, "target_ca"), src, "target_ca");
    const size_t n = size_t(steps) * batch * neurons;
    if (d.stimulus.current.size() != n)
        throw InputError(src, 0, "current", "size does not match steps x batch x neurons");
    if (!d.targetV.empty() && d.targetV.size() != n)
        throw InputError(src, 0, "target_v", "size does not match steps x batch x neurons");
    if (!d.targetCa.empty() && d.targetCa.size() != n)
        throw InputError(src, 0, "target_ca", "size does not match steps x batch x neurons");
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
                        {"polish_rounds", r.polishRounds}, {"polish_sets", r.polishSets},
                        {"polish_iterations", r.polishIterations}, {"hop_rounds", r.hopRounds},
                        {"hop_candidates", r.hopCandidates}, {"hop_polished", r.hopPolished},
                        {"hop_polish_rounds", r.hopPolishRounds}, {"validation", r.validation}}}};
}

FitOptions optionsFromJson(const json& j, const std::string& src) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    FitOptions o;
    o.population = int(integerField(j, "population", 1, 10'000'000, src, "options"));
    o.epochs = int(integerField(j, "epochs", 0, 1'000'000'000, src, "options"));
    const json& seed = member(j, "seed", src, "options.seed");
    if (!seed.is_number_integer() || (!seed.is_number_unsigned() && seed.get<long long>() < 0))
        throw InputError(src, 0, "options.seed", "expected a non-negative integer");
    o.seed = seed.get<std::uint64_t>();
    const json& w = member(j, "weights", src, "options.weights");
    o.weights.v = numberField(w, "v", 0, inf, src, "options.weights");
    o.weights.ca = numberField(w, "ca", 0, inf, src, "options.weights");
    o.weights.perNeuron = finiteNumbersFromJson(member(w, "per_neuron", src, "options.weights.per_neuron"), src,
                                                "options.weights.per_neuron");
    for (double x : o.weights.perNeuron)
        if (x < 0) throw InputError(src, 0, "options.weights.per_neuron", "weights must not be negative");
    const json& lr = member(j, "learning_rate", src, "options.learning_rate");
    o.learningRate = LearningRate{numberField(lr, "initial", 0, inf, src, "options.learning_rate"),
                                  numberField(lr, "decay_steps", 1e-300, inf, src, "options.learning_rate"),
                                  numberField(lr, "decay_rate", 0, inf, src, "options.learning_rate")};
    o.clipNorm = numberField(j, "clip_norm", 1e-300, inf, src, "options");
    try {
        o.fixed = j.value("fixed", std::vector<std::string>{});
        o.groups = j.value("groups", std::vector<std::vector<std::string>>{});
    } catch (const json::exception&) {
        throw InputError(src, 0, "options.fixed", "expected lists of names");
    }
    o.testEvery = int(integerField(j, "test_every", 1, 1'000'000'000, src, "options"));
    o.initial = finiteNumbersFromJson(member(j, "initial", src, "options.initial"), src, "options.initial");
    // Folders written before methods and bounds existed are ODYNN runs without bounds.
    const auto method = methodFromName(j.value("method", "odynn"));
    if (!method) throw InputError(src, 0, "method", "expected \"odynn\" or \"robust\"");
    o.method = *method;
    // A named copy: items() refers to the object it iterates, which must outlive the loop.
    const json bounds = j.value("bounds", json::object());
    for (const auto& [name, b] : bounds.items())
        o.bounds.push_back({name, b.at(0).get<double>(), b.at(1).get<double>()});
    if (j.contains("robust")) {
        const json& r = j.at("robust");
        o.robust = {r.at("screen_sets"), r.at("adam_epochs"), r.at("learning_rate"), r.at("patience"),
                    r.at("polish_evaluations"), r.at("polish_rounds"), r.value("polish_sets", 0),
                    r.value("polish_iterations", RobustSettings{}.polishIterations),
                    // Folders written before basin hops existed have none.
                    r.value("hop_rounds", 0), r.value("hop_candidates", RobustSettings{}.hopCandidates),
                    r.value("hop_polished", RobustSettings{}.hopPolished),
                    r.value("hop_polish_rounds", RobustSettings{}.hopPolishRounds),
                    // Folders written before held-out validation existed fitted every step.
                    r.value("validation", 0.0)};
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
    if (std::isfinite(r.bestValidationLoss)) summary["best_validation_loss"] = r.bestValidationLoss;
    if (!r.message.empty()) summary["message"] = r.message;
    if (r.bestIterate.exists()) {
        summary["best_iterate_loss"] = r.bestIterate.loss;
        summary["best_iterate_epoch"] = r.bestIterate.epoch;
        summary["best_iterate_index"] = r.bestIterate.set;
    }
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
