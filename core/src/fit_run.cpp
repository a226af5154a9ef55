// ODYNN's population optimizer (SPEC 4): every set is fitted independently with Adam in
// TensorFlow 1's form, a staircase learning rate, global-norm clipping per set and bounds
// after every update. Fixed parameters are not free variables; neurons of a group share the
// free variables of their first member.
#include <chrono>
#include <cmath>
#include <limits>
#include <tuple>
#include <set>

#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"
#include "run_files.hpp"
#include "run_folder.hpp"

namespace odynn {

double LearningRate::at(int epoch) const { return initial * std::pow(decayRate, std::floor(epoch / decaySteps)); }

LearningRate defaultLearningRate(const Circuit& c) {
    if (c.neurons.size() == 1 && c.synapses.empty() && c.gaps.empty()) return {0.1, 9, 0.92};
    return {0.9, 9, 0.95};
}

namespace {

// Does layout entry `name` match a --fix name? Exact, or in a circuit a bare parameter name
// ("C_m", "G") matches that parameter of every neuron or connection.
bool matchesFixed(const std::string& entry, const std::string& fixed) {
    if (entry == fixed) return true;
    if (fixed.find('/') != std::string::npos) return false;
    const auto slash = entry.rfind('/');
    return slash != std::string::npos && entry.compare(slash + 1, std::string::npos, fixed) == 0;
}

}  // namespace

std::string FitOptions::problem(const Circuit& c) const {
    const ParameterLayout layout(c);
    if (population < 1) return "population must be at least 1";
    if (epochs < 0) return "epochs must not be negative";
    if (!(clipNorm > 0)) return "clip norm must be positive";
    if (testEvery < 1) return "test interval must be at least 1 epoch";
    if (!(weights.v >= 0) || !(weights.ca >= 0) || weights.v + weights.ca == 0)
        return "loss weights must be non-negative and not both 0";
    if (learningRate && (!(learningRate->initial > 0) || !(learningRate->decaySteps > 0) || !(learningRate->decayRate > 0)))
        return "learning rate (l0, k, r) must be positive";
    for (const auto& f : fixed) {
        bool any = false;
        for (const auto& e : layout.entries()) any |= matchesFixed(e.name, f);
        if (!any) return "unknown parameter to fix: '" + f + "'";
    }
    std::set<std::string> grouped;
    for (const auto& g : groups) {
        if (g.size() < 2) return "a group needs at least two neurons";
        std::string model;
        for (const auto& label : g) {
            const int i = c.neuronIndex(label);
            if (i < 0) return "unknown neuron in group: '" + label + "'";
            if (!grouped.insert(label).second) return "neuron '" + label + "' is in two groups";
            if (model.empty()) model = c.neurons[i].model;
            if (c.neurons[i].model != model) return "neurons of a group must share a model";
        }
    }
    if (!initial.empty() && initial.size() % layout.size() != 0)
        return "initial parameter sets have the wrong length";
    return {};
}

FitRun::FitRun(Circuit circuit, FitDataset train, std::optional<FitDataset> test, FitOptions options)
    : circuit_(std::move(circuit)), layout_(circuit_), train_(std::move(train)), test_(std::move(test)),
      options_(std::move(options)) {
    if (const std::string why = options_.problem(circuit_); !why.empty()) throw InputError({}, 0, "fit", why);
    lr_ = options_.learningRate.value_or(defaultLearningRate(circuit_));
    // Free variables: fixed entries have none; grouped neurons reuse the leader's.
    const int P = layout_.size();
    freeOf_.assign(P, -1);
    std::vector<int> leader(circuit_.neurons.size());
    for (size_t i = 0; i < leader.size(); ++i) leader[i] = int(i);
    for (const auto& g : options_.groups)
        for (const auto& label : g) leader[circuit_.neuronIndex(label)] = circuit_.neuronIndex(g.front());
    for (int p = 0; p < P; ++p) {
        const ParamEntry& e = layout_.entries()[p];
        bool fixedHere = false;
        for (const auto& f : options_.fixed) fixedHere |= matchesFixed(e.name, f);
        if (fixedHere) continue;
        if (e.owner == ParamOwner::Neuron && leader[e.index] != e.index) {
            for (int q = 0; q < p; ++q) {
                const ParamEntry& o = layout_.entries()[q];
                if (o.owner == ParamOwner::Neuron && o.index == leader[e.index] && o.slot == e.slot) freeOf_[p] = freeOf_[q];
            }
            continue;
        }
        freeOf_[p] = freeCount_++;
    }
    initialise();
}

void FitRun::initialise() {
    const int N = options_.population, P = layout_.size();
    Rng rng(options_.seed);
    const std::vector<double> base = layout_.values(circuit_);
    theta_.assign(size_t(N) * P, 0.0);
    const int given = int(options_.initial.size()) / std::max(1, P);
    for (int s = 0; s < N; ++s) {
        std::vector<double> v = s < given ? std::vector<double>(options_.initial.begin() + size_t(s) * P,
                                                               options_.initial.begin() + size_t(s + 1) * P)
                                          : layout_.random(circuit_, rng);
        // Fixed parameters keep the circuit's values; shared ones copy their leader's.
        for (int p = 0; p < P; ++p)
            if (freeOf_[p] < 0) v[p] = base[p];
        for (int p = 0; p < P; ++p)
            if (freeOf_[p] >= 0)
                for (int q = 0; q < p; ++q)
                    if (freeOf_[q] == freeOf_[p]) { v[p] = v[q]; break; }
        std::copy(v.begin(), v.end(), theta_.begin() + size_t(s) * P);
    }
    m_.assign(size_t(N) * freeCount_, 0.0);
    v_.assign(size_t(N) * freeCount_, 0.0);
    epoch_ = 0;
}

Circuit FitRun::bestCircuit() const {
    Circuit c = circuit_;
    const int best = std::max(0, detail::bestFinite(lastLoss_).first);
    layout_.apply(c, theta_.data() + size_t(best) * layout_.size());
    return c;
}

EpochSummary FitRun::step() {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const int N = options_.population, P = layout_.size(), F = freeCount_;
    const LossGradient lg = lossAndGradient(circuit_, theta_, N, train_, options_.weights, options_.threads);
    const double lr = lr_.at(epoch_);
    const double lrT = detail::AdamTf1::stepSize(lr, epoch_ + 1);  // Adam's steps count from 1
    std::vector<double> g(F), freeVal(F);
    for (int s = 0; s < N; ++s) {
        // Gradient of the free variables: shared entries add up (chain rule).
        std::fill(g.begin(), g.end(), 0.0);
        const double* grad = lg.gradient.data() + size_t(s) * P;
        double* th = theta_.data() + size_t(s) * P;
        for (int p = 0; p < P; ++p)
            if (freeOf_[p] >= 0) { g[freeOf_[p]] += grad[p]; freeVal[freeOf_[p]] = th[p]; }
        double norm2 = 0;
        for (double x : g) norm2 += x * x;
        // A diverged set (NaN loss or gradient) keeps its parameters; the others go on.
        if (!std::isfinite(lg.loss[s]) || !std::isfinite(norm2)) continue;
        detail::AdamTf1::update(freeVal.data(), m_.data() + size_t(s) * F, v_.data() + size_t(s) * F, g.data(), F, lrT,
                                detail::clipFactor(norm2, options_.clipNorm));
        for (int p = 0; p < P; ++p)
            if (freeOf_[p] >= 0) th[p] = freeVal[freeOf_[p]];
        layout_.clipToBounds(th);
    }
    EpochSummary sum;
    sum.epoch = epoch_;
    sum.learningRate = lr;
    sum.losses = lg.loss;
    if (test_ && epoch_ % options_.testEvery == 0)
        sum.testLosses = lossOnly(circuit_, theta_, N, *test_, options_.weights, options_.threads);
    std::tie(sum.bestIndex, sum.bestLoss) = detail::bestFinite(lg.loss);
    lossHistory_.push_back(lg.loss);
    lrHistory_.push_back(lr);
    lastLoss_ = lg.loss;
    ++epoch_;
    sum.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    wallSeconds_ += sum.seconds;
    if (!dir_.empty()) {
        appendRunHistory(dir_, sum, layout_, theta_, N, test_.has_value());
        checkpoint();
    }
    return sum;
}

FitResult FitRun::run(const EpochCallback& callback) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const int N = options_.population, P = layout_.size();
    FitResult result;
    while (epoch_ < options_.epochs) {
        const EpochSummary sum = step();
        if (callback && callback(sum) == FitControl::Stop) {
            result.termination = Termination::Stopped;
            break;
        }
    }
    // The best set is judged on the loss of its final parameters.
    lastLoss_ = lossOnly(circuit_, theta_, N, train_, options_.weights, options_.threads);
    result.epochsDone = epoch_;
    std::tie(result.bestIndex, result.bestLoss) = detail::bestFinite(lastLoss_);
    if (result.bestIndex < 0) {
        result.termination = Termination::Failed;
        result.message = "every parameter set diverged (NaN loss)";
    } else {
        result.bestParams.assign(theta_.begin() + size_t(result.bestIndex) * P,
                                 theta_.begin() + size_t(result.bestIndex + 1) * P);
    }
    result.wallSeconds = std::chrono::duration<double>(clock::now() - start).count();
    if (!dir_.empty()) writeRunResult(dir_, result, layout_, circuit_, wallSeconds_);
    return result;
}

}  // namespace odynn
