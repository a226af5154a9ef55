// The objectives a fit minimises (objective.hpp): their free variables, bounds and starting
// sets, and the circuit objective with ODYNN's fixed parameters and groups and the user's bounds.
#include "odynn/objective.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"
#include "parameter_names.hpp"
#include "run_files.hpp"

namespace odynn {
using nlohmann::json;

FitObjective::FitObjective(FitDataset train, std::optional<FitDataset> test, FitOptions options)
    : train_(std::move(train)), test_(std::move(test)), options_(std::move(options)) {}

std::shared_ptr<FitObjective> FitObjective::withThreads(int threads) const {
    std::shared_ptr<FitObjective> copy = clone();
    copy->options_.threads = threads;
    return copy;
}

std::shared_ptr<FitObjective> FitObjective::withTrain(FitDataset train) const {
    std::shared_ptr<FitObjective> copy = clone();
    copy->train_ = std::move(train);
    return copy;
}

void FitObjective::clipToBounds(double* set) const {
    for (size_t p = 0; p < lower_.size(); ++p) set[p] = std::clamp(set[p], lower_[p], upper_[p]);
}

void FitObjective::startingSets(int first, int count, Rng& rng, std::vector<double>& out) const {
    const int P = size();
    const int given = int(options_.initial.size()) / std::max(1, P);
    const std::vector<double> base = modelValues();
    for (int s = first; s < first + count; ++s) {
        const bool user = s < given;
        std::vector<double> v = user ? std::vector<double>(options_.initial.begin() + size_t(s) * P,
                                                           options_.initial.begin() + size_t(s + 1) * P)
                                     : randomSet(rng);
        // A user's set keeps its own values of fixed parameters; a random set keeps the model's.
        if (!user)
            for (int p = 0; p < P; ++p)
                if (freeOf_[p] < 0) v[p] = base[p];
        // Shared entries copy the first entry of their free variable (the group's leader).
        for (int p = 0; p < P; ++p)
            if (freeOf_[p] >= 0)
                for (int q = 0; q < p; ++q)
                    if (freeOf_[q] == freeOf_[p]) { v[p] = v[q]; break; }
        out.insert(out.end(), v.begin(), v.end());
    }
}

void FitObjective::checkStartingSets(const std::string& what) const {
    const int P = size();
    if (!options_.initial.empty() && options_.initial.size() % size_t(P) != 0)
        throw InputError({}, 0, "fit",
                         "initial " + what + " sets have the wrong length (" + std::to_string(P) + " per set)");
}

// ---- circuit ----------------------------------------------------------------------------

CircuitObjective::CircuitObjective(Circuit circuit, FitDataset train, std::optional<FitDataset> test,
                                   FitOptions options)
    : FitObjective(std::move(train), std::move(test), std::move(options)), circuit_(std::move(circuit)),
      layout_(circuit_) {
    if (const std::string why = options_.problem(circuit_); !why.empty()) throw InputError({}, 0, "fit", why);
    const int P = layout_.size();
    const auto& entries = layout_.entries();
    for (const ParamEntry& e : entries) {
        lower_.push_back(e.lowerBound);
        upper_.push_back(e.upperBound);
        randomLow_.push_back(e.randomLow);
        randomHigh_.push_back(e.randomHigh);
    }
    // The user's bounds narrow the model's; random draws come from the random range inside them
    // (or the bounds themselves when the two do not overlap).
    for (const ParameterBound& b : options_.bounds)
        for (int p = 0; p < P; ++p) {
            if (!detail::matchesParameter(entries[p].name, b.name)) continue;
            lower_[p] = b.lower;
            upper_[p] = b.upper;
            double lo = std::max(entries[p].randomLow, b.lower), hi = std::min(entries[p].randomHigh, b.upper);
            if (!(lo < hi)) {
                const double width = entries[p].randomHigh - entries[p].randomLow;
                lo = std::isfinite(b.lower) ? b.lower : b.upper - width;
                hi = std::isfinite(b.upper) ? b.upper : b.lower + width;
            }
            randomLow_[p] = lo;
            randomHigh_[p] = hi;
        }
    // Free variables: fixed entries have none; grouped neurons reuse the leader's.
    freeOf_.assign(P, -1);
    std::vector<int> leader(circuit_.neurons.size());
    for (size_t i = 0; i < leader.size(); ++i) leader[i] = int(i);
    for (const auto& g : options_.groups)
        for (const auto& label : g) leader[circuit_.neuronIndex(label)] = circuit_.neuronIndex(g.front());
    for (int p = 0; p < P; ++p) {
        const ParamEntry& e = entries[p];
        bool fixedHere = false;
        for (const auto& f : options_.fixed) fixedHere |= f == "all" || detail::matchesParameter(e.name, f);
        if (fixedHere) continue;
        if (e.owner == ParamOwner::Neuron && leader[e.index] != e.index) {
            for (int q = 0; q < p; ++q) {
                const ParamEntry& o = entries[q];
                if (o.owner == ParamOwner::Neuron && o.index == leader[e.index] && o.slot == e.slot) freeOf_[p] = freeOf_[q];
            }
            continue;
        }
        freeOf_[p] = freeCount_++;
    }
    checkStartingSets("parameter");
    // A fixed value must lie in the model's domain; a user's starting set inside the user's bounds.
    const std::vector<double> base = layout_.values(circuit_);
    const int given = int(options_.initial.size()) / P;
    for (int p = 0; p < P; ++p) {
        const ParamEntry& e = entries[p];
        auto outside = [&](double x) { return !(x >= e.lowerBound && x <= e.upperBound); };
        if (freeOf_[p] < 0 && outside(base[p]) && given < options_.population)
            throw InputError({}, 0, e.name, "fixed value " + detail::formatValue(base[p]) + " is outside the model's bounds");
        for (int s = 0; s < given; ++s) {
            const double x = options_.initial[size_t(s) * P + p];
            if (freeOf_[p] < 0 && outside(x))
                throw InputError({}, 0, e.name, "fixed value " + detail::formatValue(x) + " of starting set " +
                                                    std::to_string(s) + " is outside the model's bounds");
            const bool userBound = lower_[p] != e.lowerBound || upper_[p] != e.upperBound;
            if (userBound && freeOf_[p] >= 0 && !(x >= lower_[p] && x <= upper_[p]))
                throw InputError({}, 0, e.name, "starting set " + std::to_string(s) + " has " +
                                                    detail::formatValue(x) + ", outside its bounds [" +
                                                    detail::formatValue(lower_[p]) + ", " +
                                                    detail::formatValue(upper_[p]) + "]");
        }
    }
}

std::vector<std::string> CircuitObjective::names() const {
    std::vector<std::string> n;
    for (const auto& e : layout_.entries()) n.push_back(e.name);
    return n;
}

std::vector<double> CircuitObjective::randomSet(Rng& rng) const {
    std::vector<double> v = layout_.random(circuit_, rng);
    // Entries with user bounds: the same uniform draw, moved into the narrowed range.
    const auto& entries = layout_.entries();
    for (size_t p = 0; p < v.size(); ++p) {
        const ParamEntry& e = entries[p];
        if (randomLow_[p] == e.randomLow && randomHigh_[p] == e.randomHigh) continue;
        const double u = (v[p] - e.randomLow) / (e.randomHigh - e.randomLow);
        v[p] = std::clamp(randomLow_[p] + u * (randomHigh_[p] - randomLow_[p]), lower_[p], upper_[p]);
    }
    return v;
}

LossGradient CircuitObjective::lossAndGradient(const std::vector<double>& population, int sets) const {
    return odynn::lossAndGradient(circuit_, population, sets, train_, options_.weights, options_.threads,
                                  defaultHistoryBytes, coupling_);
}

std::vector<double> CircuitObjective::loss(const std::vector<double>& population, int sets, bool test) const {
    return lossOnly(circuit_, population, sets, test ? *test_ : train_, options_.weights, options_.threads,
                    test ? Coupling::Simulated : coupling_);
}

std::optional<Residuals> CircuitObjective::residuals(const std::vector<double>& population, int sets) const {
    return lossResiduals(circuit_, population, sets, train_, options_.weights, options_.threads, coupling_);
}

std::vector<double> CircuitObjective::neuronLosses(const std::vector<double>& population, int sets) const {
    return lossPerNeuron(circuit_, population, sets, train_, options_.weights, options_.threads, coupling_);
}

std::vector<int> CircuitObjective::blockOwners() const {
    std::vector<int> owner;
    for (const ParamEntry& e : layout_.entries())
        owner.push_back(e.owner == ParamOwner::Neuron    ? e.index
                        : e.owner == ParamOwner::Synapse ? circuit_.synapses[size_t(e.index)].post
                                                         : circuit_.gaps[size_t(e.index)].a);
    return owner;
}

std::shared_ptr<FitObjective> CircuitObjective::withRecordedCoupling() const {
    const bool connected = !circuit_.synapses.empty() || !circuit_.gaps.empty();
    const bool recorded = std::any_of(train_.targetV.begin(), train_.targetV.end(), [](double v) { return std::isfinite(v); });
    if (!connected || !recorded) return nullptr;
    auto copy = std::make_shared<CircuitObjective>(*this);
    copy->coupling_ = Coupling::Recorded;
    return copy;
}

LearningRate CircuitObjective::defaultLearningRate() const { return odynn::defaultLearningRate(circuit_); }

json CircuitObjective::settings() const {
    return {{"format", "odynn-fit-run"}, {"version", 1}, {"circuit", circuitToJson(circuit_)}};
}

void CircuitObjective::writeBest(const std::string& dir, const double* values, const std::string& stem) const {
    const std::filesystem::path d(dir);
    json best = json::object();
    for (int p = 0; p < layout_.size(); ++p) best[layout_.entries()[p].name] = values[p];
    writeFileAtomically((d / (stem + ".json")).string(), best.dump(1) + "\n");
    Circuit c = circuit_;
    layout_.apply(c, values);
    saveCircuit(c, (d / (stem + "_circuit.json")).string());
}

// ---- LSTM -------------------------------------------------------------------------------

LstmObjective::LstmObjective(const LstmSpec& spec, double dt, FitDataset train, std::optional<FitDataset> test,
                             FitOptions options)
    : FitObjective(std::move(train), std::move(test), std::move(options)), net_(spec), dt_(dt) {
    const FitOptions& o = options_;
    auto fail = [](const std::string& why) { throw InputError({}, 0, "fit", why); };
    if (o.population < 1) fail("population must be at least 1");
    if (o.epochs < 0) fail("epochs must not be negative");
    if (!(o.clipNorm > 0)) fail("clip norm must be positive");
    if (o.testEvery < 1) fail("test interval must be at least 1 epoch");
    if (!(o.weights.v >= 0) || !(o.weights.ca >= 0) || o.weights.v + o.weights.ca == 0)
        fail("loss weights must be non-negative and not both 0");
    if (o.learningRate && (!(o.learningRate->initial > 0) || !(o.learningRate->decaySteps > 0) ||
                           !(o.learningRate->decayRate > 0)))
        fail("learning rate (l0, k, r) must be positive");
    if (!o.fixed.empty()) fail("an LSTM neuron has no parameters to fix");
    if (!o.groups.empty()) fail("an LSTM neuron has no neurons to group");
    if (!o.bounds.empty()) fail("an LSTM neuron's weights have no bounds");
    if (const std::string why = o.robust.problem(); !why.empty()) fail(why);
    if (!(dt > 0)) throw InputError({}, 0, "dt", "time step must be positive");
    const int P = net_.weightCount();
    checkStartingSets("weight");
    freeOf_.resize(P);
    for (int p = 0; p < P; ++p) freeOf_[p] = p;
    freeCount_ = P;
    lower_.assign(P, -INFINITY);
    upper_.assign(P, INFINITY);
    randomLow_.assign(P, -1.0);
    randomHigh_.assign(P, 1.0);
}

std::vector<std::string> LstmObjective::names() const {
    std::vector<std::string> n;
    for (const LstmTensor& t : net_.tensors())
        for (size_t i = 0; i < t.size(); ++i) n.push_back(t.name + "[" + std::to_string(i) + "]");
    return n;
}

LossGradient LstmObjective::lossAndGradient(const std::vector<double>& population, int sets) const {
    return lstmLossAndGradient(net_, population, sets, train_, options_.weights, options_.threads);
}

std::vector<double> LstmObjective::loss(const std::vector<double>& population, int sets, bool test) const {
    return lstmLossOnly(net_, population, sets, test ? *test_ : train_, options_.weights, options_.threads);
}

json LstmObjective::settings() const {
    const LstmSpec& s = net_.spec();
    return {{"format", "odynn-lstm-fit-run"}, {"version", 1},
            {"network", {{"units", s.units}, {"layers", s.layers}, {"calcium_layers", s.calciumLayers}}},
            {"dt", dt_}};
}

void LstmObjective::writeBest(const std::string& dir, const double* values, const std::string& stem) const {
    writeFileAtomically((std::filesystem::path(dir) / (stem + ".json")).string(), lstmWeightsToJson(net_, values).dump(1) + "\n");
}

// ---- from a run folder ------------------------------------------------------------------

std::shared_ptr<FitObjective> objectiveFromSettings(const json& settings, const std::string& src, FitDataset train,
                                                    std::optional<FitDataset> test, FitOptions options) {
    const std::string format = settings.value("format", "");
    if (format == "odynn-fit-run")
        return std::make_shared<CircuitObjective>(circuitFromJson(settings.at("circuit"), src), std::move(train),
                                                  std::move(test), std::move(options));
    if (format == "odynn-lstm-fit-run") {
        const json& n = settings.at("network");
        const LstmSpec spec{int(detail::integerField(n, "units", 1, 100'000, src, "network")),
                            int(detail::integerField(n, "layers", 0, 1'000, src, "network")),
                            int(detail::integerField(n, "calcium_layers", 0, 1'000, src, "network"))};
        if (const std::string why = spec.problem(); !why.empty()) throw InputError(src, 0, "network", why);
        return std::make_shared<LstmObjective>(spec,
                                               detail::numberField(settings, "dt", 1e-300, std::numeric_limits<double>::infinity(), src),
                                               std::move(train), std::move(test), std::move(options));
    }
    throw InputError(src, 0, "format", "not a run folder's settings (expected \"odynn-fit-run\")");
}

}  // namespace odynn
