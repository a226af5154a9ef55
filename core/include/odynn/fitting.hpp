#pragma once
// Loss, exact gradient (reverse pass through time) and ODYNN's population optimizer
// (SPEC section 4): Adam in TensorFlow 1's form, staircase learning-rate decay, per-set
// global-norm clipping, bounds after every update, fixed parameters and shared groups.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/parameters.hpp"
#include "odynn/simulator.hpp"

namespace odynn {

// Inputs and targets. Targets are [time][batch][neuron]; NaN marks a missing value (a neuron
// that is not observed, or a missing V or Ca column). Either vector may be empty (no target).
struct FitDataset {
    Stimulus stimulus;
    std::vector<double> targetV;
    std::vector<double> targetCa;
};

struct LossWeights {
    double v = 1.0, ca = 0.0;
    std::vector<double> perNeuron;  // empty: 1 for every neuron
};

// Loss per set: mean over (time, batch, observed neuron) of w_v (V-V*)^2 + w_ca (Ca-Ca*)^2;
// the mean of each term is over the entries that have a target.
struct LossGradient {
    std::vector<double> loss;      // [setCount]
    std::vector<double> gradient;  // [setCount x layout.size()], d loss_s / d theta_s
};

// Memory of the reverse pass: the forward trajectory is stored whole when it fits in
// `historyBytes`; beyond that only every k-th state is stored (k = ceil(sqrt(steps))) and the
// reverse pass recomputes one segment at a time (one more forward pass; memory ~2 sqrt(steps)
// states). The gradient is the same bit for bit either way.
inline constexpr std::size_t defaultHistoryBytes = std::size_t(256) << 20;

LossGradient lossAndGradient(const Circuit& circuit, const std::vector<double>& population, int setCount,
                             const FitDataset& data, const LossWeights& weights, int threads = 0,
                             std::size_t historyBytes = defaultHistoryBytes);
std::vector<double> lossOnly(const Circuit& circuit, const std::vector<double>& population, int setCount,
                             const FitDataset& data, const LossWeights& weights, int threads = 0);

struct LearningRate {
    double initial = 0.1, decaySteps = 9, decayRate = 0.92;  // l0 * r^floor(epoch / k)
    double at(int epoch) const;
};
LearningRate defaultLearningRate(const Circuit& circuit);  // neuron (0.1,9,0.92), circuit (0.9,9,0.95)

struct FitOptions {
    int population = 100;
    int epochs = 700;
    std::uint64_t seed = 0;
    LossWeights weights;
    std::optional<LearningRate> learningRate;  // default from the circuit
    double clipNorm = 5.0;
    std::vector<std::string> fixed;              // parameter names kept constant
    std::vector<std::vector<std::string>> groups;  // neuron labels sharing one parameter set
    int testEvery = 30;
    int threads = 0;
    std::vector<double> initial;  // optional user-given initial sets, [k x layout.size()]

    std::string problem(const Circuit& circuit) const;  // empty when valid, else what is wrong
};

struct EpochSummary {
    int epoch = 0;                    // 0-based epoch just finished
    double learningRate = 0;
    std::vector<double> losses;       // loss of every set before this epoch's update
    std::vector<double> testLosses;   // empty unless computed this epoch
    int bestIndex = -1;
    double bestLoss = 0;
    double seconds = 0;               // wall time of this epoch
};

enum class FitControl { Continue, Stop };
using EpochCallback = std::function<FitControl(const EpochSummary&)>;

enum class Termination { Completed, Stopped, Failed };

struct FitResult {
    Termination termination = Termination::Completed;
    int epochsDone = 0;
    int bestIndex = -1;
    double bestLoss = 0;
    std::vector<double> bestParams;   // full layout vector
    double wallSeconds = 0;
    std::string message;
};

// A population fit. Keeps the whole optimizer state so it can be checkpointed and resumed
// bit for bit.
class FitRun {
public:
    FitRun(Circuit circuit, FitDataset train, std::optional<FitDataset> test, FitOptions options);

    // Runs until options.epochs are done or the callback says Stop (checked after each epoch);
    // then judges every set on the loss of its final parameters.
    FitResult run(const EpochCallback& callback = {});
    // Exactly one epoch: forward, loss, gradient, clipping, Adam update, bounds (and the test
    // loss when due). Writes history and checkpoint when a run folder is attached.
    EpochSummary step();

    // Run folder: settings, data, checkpoint, history.csv, best.json, summary.json.
    void attachRunDirectory(const std::string& dir);  // writes settings and data now
    static FitRun resume(const std::string& dir);      // throws InputError on a bad folder
    void setEpochs(int epochs) { options_.epochs = epochs; }

    const Circuit& circuit() const { return circuit_; }
    const ParameterLayout& layout() const { return layout_; }
    const FitOptions& options() const { return options_; }
    int epochsDone() const { return epoch_; }
    int setCount() const { return options_.population; }
    const std::vector<double>& population() const { return theta_; }  // [set x layout.size()]
    const std::vector<std::vector<double>>& lossHistory() const { return lossHistory_; }
    const std::vector<double>& lrHistory() const { return lrHistory_; }
    Circuit bestCircuit() const;  // the circuit with the best set applied

private:
    void expandFree(const double* freeValues, double* full) const;
    void initialise();
    void checkpoint() const;

    Circuit circuit_;
    ParameterLayout layout_;
    FitDataset train_;
    std::optional<FitDataset> test_;
    FitOptions options_;
    LearningRate lr_;
    std::vector<int> freeOf_;        // layout entry -> free variable index, -1 when fixed
    int freeCount_ = 0;
    std::vector<double> theta_;      // full sets [set x layout.size()]
    std::vector<double> m_, v_;      // Adam moments over free variables [set x freeCount]
    int epoch_ = 0;
    std::vector<std::vector<double>> lossHistory_;
    std::vector<double> lrHistory_;
    std::vector<double> lastLoss_;
    double wallSeconds_ = 0;
    std::string dir_;
};

}  // namespace odynn
