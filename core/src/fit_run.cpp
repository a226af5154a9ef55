// The population fit over an objective: ODYNN's optimizer (SPEC 4), where every set is fitted
// independently with Adam in TensorFlow 1's form, a staircase learning rate, global-norm
// clipping per set and bounds after every update; fixed parameters are not free variables and
// neurons of a group share the free variables of their first member. The robust method's
// stages are in robust_fit.cpp, the run folder in run_folder.cpp.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <tuple>

#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"
#include "odynn/objective.hpp"
#include "parameter_names.hpp"
#include "robust_fit.hpp"
#include "run_files.hpp"

namespace odynn {

double LearningRate::at(int epoch) const { return initial * std::pow(decayRate, std::floor(epoch / decaySteps)); }

LearningRate defaultLearningRate(const Circuit& c) {
    if (c.neurons.size() == 1 && c.synapses.empty() && c.gaps.empty()) return {0.1, 9, 0.92};
    return {0.9, 9, 0.95};
}

const char* methodName(FitMethod m) { return m == FitMethod::Robust ? "robust" : "odynn"; }

std::optional<FitMethod> methodFromName(const std::string& name) {
    if (name == "odynn") return FitMethod::Odynn;
    if (name == "robust") return FitMethod::Robust;
    return std::nullopt;
}

std::string RobustSettings::problem() const {
    if (screenSets < 0) return "screening sets must not be negative";
    if (adamEpochs < 0 || polishRounds < 0 || hopRounds < 0) return "robust stages must not have negative lengths";
    if (hopCandidates < 1 || hopPolished < 1 || hopPolished > hopCandidates || hopPolishRounds < 1)
        return "basin hops need at least one candidate, polished ones among them, and one polish round";
    if (!(learningRate > 0) || patience < 1) return "robust Adam needs a positive step and patience";
    if (polishEvaluations < 1 || polishIterations < 1) return "polish evaluations and iterations must be at least 1";
    if (polishSets < 0) return "polished sets must not be negative";
    if (!(validation >= 0 && validation <= kMaxValidation)) return "the held-out validation fraction must be between 0 and 0.5";
    return {};
}

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
    if (const std::string why = robust.problem(); !why.empty()) return why;
    for (const auto& f : fixed) {
        bool any = f == "all";
        for (const auto& e : layout.entries()) any |= detail::matchesParameter(e.name, f);
        if (!any) return "unknown parameter to fix: '" + f + "'";
    }
    for (const auto& b : bounds) {
        if (!(b.lower < b.upper)) return "bounds of '" + b.name + "': lower must be below upper";
        bool any = false;
        for (const auto& e : layout.entries()) {
            if (!detail::matchesParameter(e.name, b.name)) continue;
            any = true;
            if (b.lower < e.lowerBound || b.upper > e.upperBound)
                return "bounds of '" + b.name + "' [" + detail::formatValue(b.lower) + ", " +
                       detail::formatValue(b.upper) + "] leave the model's bounds [" + detail::formatValue(e.lowerBound) +
                       ", " + detail::formatValue(e.upperBound) + "] of " + e.name;
        }
        if (!any) return "unknown parameter in bounds: '" + b.name + "'";
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

void BestIterate::consider(const std::vector<double>& losses, const std::vector<double>& sets, int size, int atEpoch) {
    const auto [index, value] = detail::bestFinite(losses);
    if (index < 0 || !(value < loss)) return;
    loss = value;
    epoch = atEpoch;
    set = index;
    params.assign(sets.begin() + size_t(index) * size, sets.begin() + size_t(index + 1) * size);
}

void SetPartition::share(std::vector<double>&, int, int) const {}

FitRun::FitRun(Circuit circuit, FitDataset train, std::optional<FitDataset> test, FitOptions options)
    : FitRun(std::make_shared<CircuitObjective>(std::move(circuit), std::move(train), std::move(test),
                                                std::move(options))) {}

FitRun::FitRun(std::shared_ptr<FitObjective> objective)
    : objective_(std::move(objective)), partition_(std::make_shared<SetPartition>()) {
    FitOptions& o = objective_->options();
    if (o.method == FitMethod::Robust) o.epochs = o.robust.totalEpochs();
    lr_ = o.learningRate.value_or(objective_->defaultLearningRate());
    if (o.method == FitMethod::Robust) {
        splitForValidation();
        recorded_ = (fitting_ ? fitting_ : objective_)->withRecordedCoupling();
    }
    initialise();
}

FitRun::FitRun(const FitRun& o)
    : objective_(o.objective_), partition_(o.partition_), fitting_(o.fitting_), validation_(o.validation_), recorded_(o.recorded_), lr_(o.lr_), theta_(o.theta_), m_(o.m_), v_(o.v_),
      robust_(o.robust_ ? std::make_unique<RobustState>(*o.robust_) : nullptr), epoch_(o.epoch_),
      lossHistory_(o.lossHistory_), lrHistory_(o.lrHistory_), lastLoss_(o.lastLoss_), bestIterate_(o.bestIterate_),
      wallSeconds_(o.wallSeconds_),
      dir_(o.dir_) {}
FitRun& FitRun::operator=(const FitRun& o) {
    if (this != &o) *this = FitRun(o);
    return *this;
}
FitRun::FitRun(FitRun&&) noexcept = default;
FitRun& FitRun::operator=(FitRun&&) noexcept = default;
FitRun::~FitRun() = default;

const FitOptions& FitRun::options() const { return objective_->options(); }

void FitRun::setEpochs(int epochs) {
    if (options().method == FitMethod::Robust) {
        // Epochs after the Adam stage are polish rounds and then basin hops: a longer robust run
        // hops more (a shorter one polishes less); it always finishes screening and Adam.
        RobustSettings& r = objective_->options().robust;
        const int after = std::max(0, epochs - 1 - r.adamEpochs);
        r.hopRounds = std::max(0, after - r.polishRounds);
        r.polishRounds = std::min(r.polishRounds, after);
        epochs = r.totalEpochs();
    }
    objective_->options().epochs = epochs;
}

void FitRun::setPartition(std::shared_ptr<const SetPartition> partition) { partition_ = std::move(partition); }

const CircuitObjective& FitRun::circuitObjective() const {
    const auto* c = dynamic_cast<const CircuitObjective*>(objective_.get());
    if (!c) throw std::logic_error("this fit's objective is not a circuit");
    return *c;
}
const Circuit& FitRun::circuit() const { return circuitObjective().circuit(); }
const ParameterLayout& FitRun::layout() const { return circuitObjective().layout(); }

void FitRun::initialise() {
    const int N = options().population;
    Rng rng(options().seed);
    theta_.clear();
    if (options().method == FitMethod::Robust) {
        robust_ = std::make_unique<RobustState>();
        robust_->reset(N, objective_->size());
    } else {
        objective_->startingSets(0, N, rng, theta_);
    }
    m_.assign(size_t(N) * objective_->freeCount(), 0.0);
    v_.assign(size_t(N) * objective_->freeCount(), 0.0);
    epoch_ = 0;
}

Circuit FitRun::bestCircuit() const {
    Circuit c = circuit();
    const int best = std::max(0, finalChoice());
    layout().apply(c, theta_.data() + size_t(best) * layout().size());
    return c;
}

int FitRun::finalChoice() const {
    // With held-out validation, the set that predicted the held-out steps best (validated sets
    // with a finite loss over all the training data); otherwise the lowest loss.
    if (robust_ && robust_->validated() && !lastLoss_.empty()) {
        std::vector<double> judged = robust_->validationLoss;
        for (size_t s = 0; s < judged.size(); ++s)
            if (!std::isfinite(lastLoss_[s])) judged[s] = std::numeric_limits<double>::quiet_NaN();
        if (const int chosen = detail::bestFinite(judged).first; chosen >= 0) return chosen;
    }
    return detail::bestFinite(lastLoss_).first;
}

LossGradient FitRun::evaluate(const std::vector<double>& theta) const {
    const FitObjective& obj = fitObjective();
    const int N = options().population, P = obj.size();
    if (partition_->size() == 1) return obj.lossAndGradient(theta, N);
    const int b = partition_->begin(N), e = partition_->end(N);
    LossGradient all;
    all.loss.assign(N, std::numeric_limits<double>::quiet_NaN());
    all.gradient.assign(size_t(N) * P, 0.0);
    if (e > b) {
        const std::vector<double> mine(theta.begin() + size_t(b) * P, theta.begin() + size_t(e) * P);
        const LossGradient lg = obj.lossAndGradient(mine, e - b);
        std::copy(lg.loss.begin(), lg.loss.end(), all.loss.begin() + b);
        std::copy(lg.gradient.begin(), lg.gradient.end(), all.gradient.begin() + size_t(b) * P);
    }
    partition_->share(all.loss, N, 1);
    partition_->share(all.gradient, N, P);
    return all;
}

std::vector<double> FitRun::evaluateLoss(const std::vector<double>& theta, int sets, bool test) const {
    return evaluateLoss(test ? *objective_ : fitObjective(), theta, sets, test);
}

std::vector<double> FitRun::evaluateLoss(const FitObjective& obj, const std::vector<double>& theta, int sets,
                                         bool test) const {
    const int P = obj.size();
    if (partition_->size() == 1) return obj.loss(theta, sets, test);
    const int b = partition_->begin(sets), e = partition_->end(sets);
    std::vector<double> all(sets, std::numeric_limits<double>::quiet_NaN());
    if (e > b) {
        const std::vector<double> mine(theta.begin() + size_t(b) * P, theta.begin() + size_t(e) * P);
        const std::vector<double> l = obj.loss(mine, e - b, test);
        std::copy(l.begin(), l.end(), all.begin() + b);
    }
    partition_->share(all, sets, 1);
    return all;
}

EpochSummary FitRun::step() {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    // ODYNN's losses are those of the sets before this epoch's update.
    const std::vector<double> before = robust_ ? std::vector<double>{} : theta_;
    EpochSummary sum = options().method == FitMethod::Robust ? robustStep() : odynnStep();
    sum.epoch = epoch_;
    const int N = options().population;
    if (objective_->hasTest() && epoch_ % options().testEvery == 0) sum.testLosses = evaluateLoss(theta_, N, true);
    std::tie(sum.bestIndex, sum.bestLoss) = detail::bestFinite(sum.losses);
    lossHistory_.push_back(sum.losses);
    lrHistory_.push_back(sum.learningRate);
    lastLoss_ = sum.losses;
    // The robust method keeps every set's best point itself.
    if (robust_)
        bestIterate_.consider(robust_->bestLoss, robust_->bestTheta, objective_->size(), epoch_ + 1);
    else
        bestIterate_.consider(sum.losses, before, objective_->size(), epoch_);
    ++epoch_;
    sum.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    wallSeconds_ += sum.seconds;
    if (writes()) {
        writeHistory(sum);
        checkpoint();
    }
    return sum;
}

EpochSummary FitRun::odynnStep() {
    const int N = options().population, P = objective_->size(), F = objective_->freeCount();
    const std::vector<int>& freeOf = objective_->freeIndex();
    const LossGradient lg = evaluate(theta_);
    const double lr = lr_.at(epoch_);
    const double lrT = detail::AdamTf1::stepSize(lr, epoch_ + 1);  // Adam's steps count from 1
    std::vector<double> g(F), freeVal(F);
    for (int s = 0; s < N; ++s) {
        // Gradient of the free variables: shared entries add up (chain rule).
        std::fill(g.begin(), g.end(), 0.0);
        const double* grad = lg.gradient.data() + size_t(s) * P;
        double* th = theta_.data() + size_t(s) * P;
        for (int p = 0; p < P; ++p)
            if (freeOf[p] >= 0) { g[freeOf[p]] += grad[p]; freeVal[freeOf[p]] = th[p]; }
        double norm2 = 0;
        for (double x : g) norm2 += x * x;
        // A diverged set (NaN loss or gradient) keeps its parameters; the others go on.
        if (!std::isfinite(lg.loss[s]) || !std::isfinite(norm2)) continue;
        detail::AdamTf1::update(freeVal.data(), m_.data() + size_t(s) * F, v_.data() + size_t(s) * F, g.data(), F, lrT,
                                detail::clipFactor(norm2, options().clipNorm));
        for (int p = 0; p < P; ++p)
            if (freeOf[p] >= 0) th[p] = freeVal[freeOf[p]];
        objective_->clipToBounds(th);
    }
    EpochSummary sum;
    sum.learningRate = lr;
    sum.losses = lg.loss;
    return sum;
}

FitResult FitRun::run(const EpochCallback& callback) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const int N = options().population, P = objective_->size();
    FitResult result;
    while (epoch_ < options().epochs) {
        EpochSummary sum;
        try {
            sum = step();
        } catch (const detail::EpochInterrupted&) {
            // The epoch was abandoned before it changed anything: the run stands as before it.
            result.termination = Termination::Stopped;
            break;
        }
        if (callback && callback(sum) == FitControl::Stop) {
            result.termination = Termination::Stopped;
            break;
        }
    }
    const bool validated = robust_ && robust_->started() && robust_->validated();
    if (validated) {
        // Every set ends at the point that predicted the held-out steps best, its loss over all
        // the training data.
        theta_ = robust_->validatedTheta;
        lastLoss_ = evaluateLoss(*objective_, theta_, N, false);
    } else if (robust_) {
        // Every set ends at the best point it reached (its loss is known exactly).
        if (robust_->started()) {
            theta_ = robust_->bestTheta;
            lastLoss_ = robust_->bestLoss;
        }
    } else {
        // The best set is judged on the loss of its final parameters.
        lastLoss_ = evaluateLoss(theta_, N, false);
    }
    if (validated && result.termination == Termination::Completed && !refitOnEveryStep())
        result.termination = Termination::Stopped;
    result.epochsDone = epoch_;
    result.bestIndex = finalChoice();
    result.bestLoss = result.bestIndex >= 0 ? lastLoss_[result.bestIndex] : std::numeric_limits<double>::infinity();
    if (result.bestIndex >= 0 && validated) result.bestValidationLoss = robust_->validationLoss[result.bestIndex];
    if (result.bestIndex < 0) {
        result.termination = Termination::Failed;
        result.message = "every parameter set diverged (NaN loss)";
    } else {
        result.bestParams.assign(theta_.begin() + size_t(result.bestIndex) * P,
                                 theta_.begin() + size_t(result.bestIndex + 1) * P);
        if (objective_->hasTest()) result.bestTestLoss = objective_->loss(result.bestParams, 1, true)[0];
    }
    result.bestIterate = bestIterate_;
    // (With held-out validation the final losses are over other data than the fitted losses.)
    if (!validated) result.bestIterate.consider(lastLoss_, theta_, P, epoch_);
    result.wallSeconds = std::chrono::duration<double>(clock::now() - start).count();
    if (writes()) {
        if (!result.bestParams.empty()) objective_->writeBest(dir_, result.bestParams.data());
        if (result.bestIterate.exists())
            objective_->writeBest(dir_, result.bestIterate.params.data(), "best_iterate");
        detail::writeSummary(dir_, result, wallSeconds_, options().method);
    }
    return result;
}

}  // namespace odynn
