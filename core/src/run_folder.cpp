#include "run_folder.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"

namespace odynn {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string fmt(double x) {
    if (!std::isfinite(x)) return "nan";
    char b[40];
    std::snprintf(b, sizeof b, "%.17g", x);
    return b;
}

// NaN travels as null in JSON.
json numbers(const std::vector<double>& v) {
    json a = json::array();
    for (double x : v) a.push_back(std::isfinite(x) ? json(x) : json(nullptr));
    return a;
}
std::vector<double> numbersFrom(const json& a, const std::string& src, const std::string& field) {
    if (!a.is_array()) throw InputError(src, 0, field, "expected an array of numbers");
    std::vector<double> v;
    v.reserve(a.size());
    for (const auto& x : a) v.push_back(x.is_number() ? x.get<double>() : std::numeric_limits<double>::quiet_NaN());
    return v;
}

json datasetToJson(const FitDataset& d) {
    return {{"steps", d.stimulus.steps}, {"batch", d.stimulus.batch}, {"neurons", d.stimulus.neurons},
            {"current", numbers(d.stimulus.current)}, {"target_v", numbers(d.targetV)},
            {"target_ca", numbers(d.targetCa)}};
}
FitDataset datasetFromJson(const json& j, const std::string& src) {
    FitDataset d;
    d.stimulus = Stimulus(j.at("steps").get<int>(), j.at("batch").get<int>(), j.at("neurons").get<int>());
    d.stimulus.current = numbersFrom(j.at("current"), src, "current");
    d.targetV = numbersFrom(j.at("target_v"), src, "target_v");
    d.targetCa = numbersFrom(j.at("target_ca"), src, "target_ca");
    if (d.stimulus.current.size() != size_t(d.stimulus.steps) * d.stimulus.batch * d.stimulus.neurons)
        throw InputError(src, 0, "current", "size does not match steps x batch x neurons");
    return d;
}

json optionsToJson(const FitOptions& o, const LearningRate& lr) {
    return {{"population", o.population}, {"epochs", o.epochs}, {"seed", o.seed},
            {"weights", {{"v", o.weights.v}, {"ca", o.weights.ca}, {"per_neuron", o.weights.perNeuron}}},
            {"learning_rate", {{"initial", lr.initial}, {"decay_steps", lr.decaySteps}, {"decay_rate", lr.decayRate}}},
            {"clip_norm", o.clipNorm}, {"fixed", o.fixed}, {"groups", o.groups}, {"test_every", o.testEvery},
            {"initial", o.initial}};
}
FitOptions optionsFromJson(const json& j) {
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
    o.fixed = j.at("fixed").get<std::vector<std::string>>();
    o.groups = j.at("groups").get<std::vector<std::vector<std::string>>>();
    o.testEvery = j.at("test_every");
    o.initial = j.at("initial").get<std::vector<double>>();
    return o;
}

void appendLine(const fs::path& file, const std::string& line) {
    std::ofstream out(file, std::ios::app);
    out << line << '\n';
    if (!out) throw InputError(file.string(), 0, {}, "cannot append to the file");
}

// Keeps the header and the first `rows` data lines (drops rows written after the checkpoint).
std::vector<std::string> keepLines(const fs::path& file, size_t rows) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    std::string line;
    while (lines.size() < rows + 1 && std::getline(in, line)) lines.push_back(line);
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    writeFileAtomically(file.string(), text);
    return lines;
}

}  // namespace

void appendRunHistory(const std::string& dir, const EpochSummary& s, const ParameterLayout& layout,
                      const std::vector<double>& theta, int sets, bool withTest) {
    std::string line = std::to_string(s.epoch) + "," + fmt(s.learningRate);
    for (double l : s.losses) line += "," + fmt(l);
    if (withTest)
        for (int k = 0; k < sets; ++k) line += "," + (s.testLosses.empty() ? std::string() : fmt(s.testLosses[k]));
    appendLine(fs::path(dir) / "history.csv", line);
    std::string rows;
    const int P = layout.size();
    for (int k = 0; k < sets; ++k) {
        rows += std::to_string(s.epoch) + "," + std::to_string(k);
        for (int p = 0; p < P; ++p) rows += "," + fmt(theta[size_t(k) * P + p]);
        if (k + 1 < sets) rows += "\n";
    }
    appendLine(fs::path(dir) / "params.csv", rows);
}

void writeRunResult(const std::string& dir, const FitResult& r, const ParameterLayout& layout, const Circuit& circuit,
                    double wallSeconds) {
    const fs::path d(dir);
    if (!r.bestParams.empty()) {
        json best = json::object();
        for (int p = 0; p < layout.size(); ++p) best[layout.entries()[p].name] = r.bestParams[p];
        writeFileAtomically((d / "best.json").string(), best.dump(1) + "\n");
        Circuit c = circuit;
        layout.apply(c, r.bestParams.data());
        saveCircuit(c, (d / "best_circuit.json").string());
    }
    const char* term = r.termination == Termination::Completed ? "completed"
                       : r.termination == Termination::Stopped ? "stopped" : "failed";
    json summary = {{"best_loss", std::isfinite(r.bestLoss) ? json(r.bestLoss) : json(nullptr)},
                    {"best_index", r.bestIndex}, {"epochs", r.epochsDone}, {"wall_seconds", wallSeconds},
                    {"termination", term}};
    if (!r.message.empty()) summary["message"] = r.message;
    writeFileAtomically((d / "summary.json").string(), summary.dump(1) + "\n");
}

void FitRun::attachRunDirectory(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir, 0, {}, "cannot create the run folder: " + ec.message());
    dir_ = dir;
    json settings = {{"format", "odynn-fit-run"}, {"version", 1}, {"circuit", circuitToJson(circuit_)},
                     {"options", optionsToJson(options_, lr_)}};
    writeFileAtomically((fs::path(dir) / "settings.json").string(), settings.dump(1) + "\n");
    json data = {{"train", datasetToJson(train_)}};
    if (test_) data["test"] = datasetToJson(*test_);
    writeFileAtomically((fs::path(dir) / "data.json").string(), data.dump() + "\n");
    std::string header = "epoch,lr";
    for (int k = 0; k < options_.population; ++k) header += ",loss_" + std::to_string(k);
    if (test_)
        for (int k = 0; k < options_.population; ++k) header += ",test_" + std::to_string(k);
    writeFileAtomically((fs::path(dir) / "history.csv").string(), header + "\n");
    std::string pheader = "epoch,set";
    for (const auto& e : layout_.entries()) pheader += "," + e.name;
    writeFileAtomically((fs::path(dir) / "params.csv").string(), pheader + "\n");
    checkpoint();
}

void FitRun::checkpoint() const {
    json cp = {{"epoch", epoch_}, {"theta", numbers(theta_)}, {"m", numbers(m_)}, {"v", numbers(v_)},
               {"last_loss", numbers(lastLoss_)}, {"wall_seconds", wallSeconds_}};
    writeFileAtomically((fs::path(dir_) / "checkpoint.json").string(), cp.dump() + "\n");
}

FitRun FitRun::resume(const std::string& dir) {
    const fs::path d(dir);
    const std::string sp = (d / "settings.json").string(), dp = (d / "data.json").string(),
                      cp = (d / "checkpoint.json").string();
    try {
        const json settings = readJsonFile(sp);
        if (settings.value("format", "") != "odynn-fit-run")
            throw InputError(sp, 0, "format", "not a run folder's settings (expected \"odynn-fit-run\")");
        Circuit circuit = circuitFromJson(settings.at("circuit"), sp);
        FitOptions options = optionsFromJson(settings.at("options"));
        const json data = readJsonFile(dp);
        FitDataset train = datasetFromJson(data.at("train"), dp);
        std::optional<FitDataset> test;
        if (data.contains("test")) test = datasetFromJson(data.at("test"), dp);
        FitRun run(std::move(circuit), std::move(train), std::move(test), std::move(options));
        const json c = readJsonFile(cp);
        run.epoch_ = c.at("epoch");
        run.theta_ = numbersFrom(c.at("theta"), cp, "theta");
        run.m_ = numbersFrom(c.at("m"), cp, "m");
        run.v_ = numbersFrom(c.at("v"), cp, "v");
        run.lastLoss_ = numbersFrom(c.at("last_loss"), cp, "last_loss");
        run.wallSeconds_ = c.at("wall_seconds");
        if (run.theta_.size() != size_t(run.options_.population) * run.layout_.size() ||
            run.m_.size() != size_t(run.options_.population) * run.freeCount_ || run.v_.size() != run.m_.size())
            throw InputError(cp, 0, "theta", "optimizer state does not match the settings");
        run.dir_ = dir;
        // Rows written after the checkpoint (an interrupted epoch) are dropped.
        const auto lines = keepLines(d / "history.csv", size_t(run.epoch_));
        keepLines(d / "params.csv", size_t(run.epoch_) * run.options_.population);
        for (size_t i = 1; i < lines.size(); ++i) {
            std::stringstream ss(lines[i]);
            std::string cell;
            std::vector<double> cells;
            while (std::getline(ss, cell, ',')) cells.push_back(cell.empty() ? NAN : std::strtod(cell.c_str(), nullptr));
            if (cells.size() < 2 + size_t(run.options_.population)) continue;
            run.lrHistory_.push_back(cells[1]);
            run.lossHistory_.emplace_back(cells.begin() + 2, cells.begin() + 2 + run.options_.population);
        }
        return run;
    } catch (const json::exception& e) {
        throw InputError(dir, 0, {}, std::string("damaged run folder: ") + e.what());
    }
}

}  // namespace odynn
