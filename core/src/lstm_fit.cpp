// Population fit of LSTM neurons with the semantics of FitRun (fit_run.cpp): Adam in
// TensorFlow 1's form, staircase learning rate, global-norm clipping per set, NaN sets left
// alone; and its run folder, in the formats of run_folder.cpp where the files coincide
// (data.json, history.csv, checkpoint.json, summary.json).
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <tuple>
#include <sstream>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"
#include "run_files.hpp"

namespace odynn {
using namespace detail;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* runFormat = "odynn-lstm-fit-run";

std::string problemOf(const FitOptions& o) {
    if (o.population < 1) return "population must be at least 1";
    if (o.epochs < 0) return "epochs must not be negative";
    if (!(o.clipNorm > 0)) return "clip norm must be positive";
    if (o.testEvery < 1) return "test interval must be at least 1 epoch";
    if (!(o.weights.v >= 0) || !(o.weights.ca >= 0) || o.weights.v + o.weights.ca == 0)
        return "loss weights must be non-negative and not both 0";
    if (o.learningRate && (!(o.learningRate->initial > 0) || !(o.learningRate->decaySteps > 0) ||
                           !(o.learningRate->decayRate > 0)))
        return "learning rate (l0, k, r) must be positive";
    if (!o.fixed.empty()) return "an LSTM neuron has no parameters to fix";
    if (!o.groups.empty()) return "an LSTM neuron has no neurons to group";
    return {};
}

}  // namespace

json lstmWeightsToJson(const LstmNetwork& net, const double* w) {
    json tensors = json::object();
    for (const LstmTensor& t : net.tensors())
        tensors[t.name] = std::vector<double>(w + t.offset, w + t.offset + t.size());
    const LstmSpec& s = net.spec();
    return {{"format", "odynn-lstm"}, {"version", 1}, {"units", s.units}, {"layers", s.layers},
            {"calcium_layers", s.calciumLayers}, {"tensors", tensors}};
}

std::vector<double> lstmWeightsFromJson(const json& doc, const std::string& src, LstmSpec& spec) {
    if (!doc.is_object() || doc.value("format", "") != "odynn-lstm")
        throw InputError(src, 0, "format", "not an LSTM weight file (expected \"format\": \"odynn-lstm\")");
    try {
        spec.units = doc.at("units").get<int>();
        spec.layers = doc.at("layers").get<int>();
        spec.calciumLayers = doc.at("calcium_layers").get<int>();
    } catch (const json::exception&) {
        throw InputError(src, 0, "units", "units, layers and calcium_layers must be integers");
    }
    if (const std::string why = spec.problem(); !why.empty()) throw InputError(src, 0, "units", why);
    const LstmNetwork net(spec);
    const json& tensors = doc.contains("tensors") ? doc.at("tensors") : json();
    if (!tensors.is_object()) throw InputError(src, 0, "tensors", "expected {name: [values]}");
    std::vector<double> w(net.weightCount());
    for (const LstmTensor& t : net.tensors()) {
        if (!tensors.contains(t.name)) throw InputError(src, 0, t.name, "missing tensor");
        const json& a = tensors.at(t.name);
        if (!a.is_array() || a.size() != t.size())
            throw InputError(src, 0, t.name, "expected " + std::to_string(t.size()) + " numbers");
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (!a[i].is_number() || !std::isfinite(a[i].get<double>()))
                throw InputError(src, 0, t.name, "value " + std::to_string(i) + " is not a finite number");
            w[t.offset + i] = a[i].get<double>();
        }
    }
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
        bool known = false;
        for (const LstmTensor& t : net.tensors()) known |= t.name == it.key();
        if (!known) throw InputError(src, 0, it.key(), "unknown tensor for this network shape");
    }
    return w;
}

LstmFitRun::LstmFitRun(const LstmSpec& spec, double dt, FitDataset train, std::optional<FitDataset> test,
                       FitOptions options)
    : net_(spec), dt_(dt), train_(std::move(train)), test_(std::move(test)), options_(std::move(options)) {
    if (const std::string why = problemOf(options_); !why.empty()) throw InputError({}, 0, "fit", why);
    if (!(dt > 0)) throw InputError({}, 0, "dt", "time step must be positive");
    const int N = options_.population, P = net_.weightCount();
    if (options_.initial.size() % P != 0)
        throw InputError({}, 0, "fit", "initial weight sets have the wrong length (" + std::to_string(P) + " per set)");
    lr_ = options_.learningRate.value_or(defaultLstmLearningRate());
    // Sets given in options.initial first, then seeded TensorFlow-style random networks.
    Rng rng(options_.seed);
    const int given = int(options_.initial.size()) / P;
    theta_.resize(std::size_t(N) * P);
    for (int s = 0; s < N; ++s) {
        const std::vector<double> w = s < given ? std::vector<double>(options_.initial.begin() + std::size_t(s) * P,
                                                                      options_.initial.begin() + std::size_t(s + 1) * P)
                                                : net_.randomWeights(rng);
        std::copy(w.begin(), w.end(), theta_.begin() + std::size_t(s) * P);
    }
    m_.assign(theta_.size(), 0.0);
    v_.assign(theta_.size(), 0.0);
}

EpochSummary LstmFitRun::step() {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const int N = options_.population, P = net_.weightCount();
    const LossGradient lg = lstmLossAndGradient(net_, theta_, N, train_, options_.weights, options_.threads);
    const double lr = lr_.at(epoch_);
    const double lrT = detail::AdamTf1::stepSize(lr, epoch_ + 1);  // Adam's steps count from 1
    for (int s = 0; s < N; ++s) {
        const double* g = lg.gradient.data() + std::size_t(s) * P;
        double norm2 = 0;
        for (int p = 0; p < P; ++p) norm2 += g[p] * g[p];
        // A diverged set (NaN loss or gradient) keeps its weights; the others go on.
        if (!std::isfinite(lg.loss[s]) || !std::isfinite(norm2)) continue;
        const std::size_t at = std::size_t(s) * P;
        detail::AdamTf1::update(theta_.data() + at, m_.data() + at, v_.data() + at, g, P, lrT,
                                detail::clipFactor(norm2, options_.clipNorm));
    }
    EpochSummary sum;
    sum.epoch = epoch_;
    sum.learningRate = lr;
    sum.losses = lg.loss;
    if (test_ && epoch_ % options_.testEvery == 0)
        sum.testLosses = lstmLossOnly(net_, theta_, N, *test_, options_.weights, options_.threads);
    std::tie(sum.bestIndex, sum.bestLoss) = bestFinite(lg.loss);
    lossHistory_.push_back(lg.loss);
    lrHistory_.push_back(lr);
    lastLoss_ = lg.loss;
    ++epoch_;
    sum.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    wallSeconds_ += sum.seconds;
    if (!dir_.empty()) {
        appendLine(fs::path(dir_) / "history.csv", historyLine(sum, N, test_.has_value()));
        checkpoint();
    }
    return sum;
}

FitResult LstmFitRun::run(const EpochCallback& callback) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const int N = options_.population, P = net_.weightCount();
    FitResult result;
    while (epoch_ < options_.epochs) {
        const EpochSummary sum = step();
        if (callback && callback(sum) == FitControl::Stop) {
            result.termination = Termination::Stopped;
            break;
        }
    }
    // The best set is judged on the loss of its final weights.
    lastLoss_ = lstmLossOnly(net_, theta_, N, train_, options_.weights, options_.threads);
    result.epochsDone = epoch_;
    std::tie(result.bestIndex, result.bestLoss) = bestFinite(lastLoss_);
    if (result.bestIndex < 0) {
        result.termination = Termination::Failed;
        result.message = "every weight set diverged (NaN loss)";
    } else {
        result.bestParams.assign(theta_.begin() + std::size_t(result.bestIndex) * P,
                                 theta_.begin() + std::size_t(result.bestIndex + 1) * P);
    }
    result.wallSeconds = std::chrono::duration<double>(clock::now() - start).count();
    if (!dir_.empty()) writeResult(result);
    return result;
}

void LstmFitRun::writeResult(const FitResult& r) const {
    const fs::path d(dir_);
    if (!r.bestParams.empty())
        writeFileAtomically((d / "best.json").string(), lstmWeightsToJson(net_, r.bestParams.data()).dump(1) + "\n");
    writeSummary(dir_, r, wallSeconds_);
}

void LstmFitRun::attachRunDirectory(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir, 0, {}, "cannot create the run folder: " + ec.message());
    dir_ = dir;
    const LstmSpec& s = net_.spec();
    const FitOptions& o = options_;
    const json options = optionsToJson(o, lr_);
    const json settings = {{"format", runFormat}, {"version", 1},
                           {"network", {{"units", s.units}, {"layers", s.layers}, {"calcium_layers", s.calciumLayers}}},
                           {"dt", dt_}, {"options", options}};
    writeFileAtomically((fs::path(dir) / "settings.json").string(), settings.dump(1) + "\n");
    json data = {{"train", datasetToJson(train_)}};
    if (test_) data["test"] = datasetToJson(*test_);
    writeFileAtomically((fs::path(dir) / "data.json").string(), data.dump() + "\n");
    writeFileAtomically((fs::path(dir) / "history.csv").string(), historyHeader(o.population, test_.has_value()) + "\n");
    checkpoint();
}

void LstmFitRun::checkpoint() const {
    const json cp = {{"epoch", epoch_}, {"theta", numbersToJson(theta_)}, {"m", numbersToJson(m_)}, {"v", numbersToJson(v_)},
                     {"last_loss", numbersToJson(lastLoss_)}, {"wall_seconds", wallSeconds_}};
    writeFileAtomically((fs::path(dir_) / "checkpoint.json").string(), cp.dump() + "\n");
}

bool LstmFitRun::isRunFolder(const std::string& dir) {
    const fs::path sp = fs::path(dir) / "settings.json";
    std::error_code ec;
    if (!fs::exists(sp, ec)) return false;
    try {
        return readJsonFile(sp.string()).value("format", "") == runFormat;
    } catch (const std::exception&) {
        return false;
    }
}

LstmFitRun LstmFitRun::resume(const std::string& dir) {
    const fs::path d(dir);
    const std::string sp = (d / "settings.json").string(), dp = (d / "data.json").string(),
                      cp = (d / "checkpoint.json").string();
    try {
        const json settings = readJsonFile(sp);
        if (settings.value("format", "") != runFormat)
            throw InputError(sp, 0, "format", std::string("not an LSTM run folder (expected \"") + runFormat + "\")");
        const json& n = settings.at("network");
        const LstmSpec spec{n.at("units").get<int>(), n.at("layers").get<int>(), n.at("calcium_layers").get<int>()};
        FitOptions o = optionsFromJson(settings.at("options"), sp);
        const json data = readJsonFile(dp);
        FitDataset train = datasetFromJson(data.at("train"), dp);
        std::optional<FitDataset> test;
        if (data.contains("test")) test = datasetFromJson(data.at("test"), dp);
        LstmFitRun run(spec, settings.at("dt").get<double>(), std::move(train), std::move(test), std::move(o));
        const json c = readJsonFile(cp);
        run.epoch_ = c.at("epoch");
        run.theta_ = numbersFromJson(c.at("theta"), cp, "theta");
        run.m_ = numbersFromJson(c.at("m"), cp, "m");
        run.v_ = numbersFromJson(c.at("v"), cp, "v");
        run.lastLoss_ = numbersFromJson(c.at("last_loss"), cp, "last_loss");
        run.wallSeconds_ = c.at("wall_seconds");
        const std::size_t size = std::size_t(run.options_.population) * run.net_.weightCount();
        if (run.theta_.size() != size || run.m_.size() != size || run.v_.size() != size)
            throw InputError(cp, 0, "theta", "optimizer state does not match the settings");
        run.dir_ = dir;
        // Rows written after the checkpoint (an interrupted epoch) are dropped.
        const fs::path hp = d / "history.csv";
        std::ifstream in(hp);
        std::string line, text;
        for (std::size_t row = 0; row < std::size_t(run.epoch_) + 1 && std::getline(in, line); ++row) {
            text += line + "\n";
            if (row == 0) continue;
            std::stringstream ss(line);
            std::string cell;
            std::vector<double> cells;
            while (std::getline(ss, cell, ','))
                cells.push_back(cell.empty() ? std::numeric_limits<double>::quiet_NaN()
                                             : std::strtod(cell.c_str(), nullptr));
            if (cells.size() < 2 + std::size_t(run.options_.population)) continue;
            run.lrHistory_.push_back(cells[1]);
            run.lossHistory_.emplace_back(cells.begin() + 2, cells.begin() + 2 + run.options_.population);
        }
        in.close();
        writeFileAtomically(hp.string(), text);
        return run;
    } catch (const json::exception& e) {
        throw InputError(dir, 0, {}, std::string("damaged run folder: ") + e.what());
    }
}

}  // namespace odynn
