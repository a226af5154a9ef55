#pragma once
// Loss, exact gradient (reverse pass through time) and ODYNN's population optimizer
// (SPEC section 4): Adam in TensorFlow 1's form, staircase learning-rate decay, per-set
// global-norm clipping, bounds after every update, fixed parameters and shared groups.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
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
    std::vector<double> neuronLoss;  // [setCount x neurons]: each neuron's terms of the loss (they add up to it)
};

// Memory of the reverse pass: the forward trajectory is stored whole when it fits in
// `historyBytes`; beyond that only every k-th state is stored (k = ceil(sqrt(steps))) and the
// reverse pass recomputes one segment at a time (one more forward pass; memory ~2 sqrt(steps)
// states). The gradient is the same bit for bit either way.
inline constexpr std::size_t defaultHistoryBytes = std::size_t(256) << 20;

// Which voltages a circuit's synapses and gap junctions read. Simulated: the neurons' own (the
// model). Recorded: before each step, every neuron's recorded V (data.targetV) where there is
// one, its own elsewhere (teacher forcing of the connections): each recorded neuron is then
// driven by currents computed from the recordings alone, so the loss of each neuron depends
// only on its own parameters and those of its incoming connections, and the gradient treats the
// recorded voltages as data. Data made by the circuit itself give both the same loss at the
// parameters that made them.
enum class Coupling { Simulated, Recorded };

LossGradient lossAndGradient(const Circuit& circuit, const std::vector<double>& population, int setCount,
                             const FitDataset& data, const LossWeights& weights, int threads = 0,
                             std::size_t historyBytes = defaultHistoryBytes, Coupling coupling = Coupling::Simulated);
std::vector<double> lossOnly(const Circuit& circuit, const std::vector<double>& population, int setCount,
                             const FitDataset& data, const LossWeights& weights, int threads = 0,
                             Coupling coupling = Coupling::Simulated);
// Each neuron's terms of every set's loss, [setCount x neurons].
std::vector<double> lossPerNeuron(const Circuit& circuit, const std::vector<double>& population, int setCount,
                                  const FitDataset& data, const LossWeights& weights, int threads = 0,
                                  Coupling coupling = Coupling::Simulated);

// The loss as a sum of squares: per set, loss = sum of r^2 over its `perSet` residuals, one for
// each target entry with a nonzero weight (V and Ca entries), r = sqrt(w / count * w_neuron)
// (x - x*). Least-squares methods (the robust method's Gauss-Newton polish, parameter
// uncertainties) work on these. values is [sets x perSet].
struct Residuals {
    int perSet = 0;
    std::vector<double> values;
    std::vector<double> scale;            // [perSet] r / (x - x*) of each entry
    std::vector<unsigned char> calcium;   // [perSet] 1 for a Ca entry, 0 for a V entry
};
Residuals lossResiduals(const Circuit& circuit, const std::vector<double>& population, int setCount,
                        const FitDataset& data, const LossWeights& weights, int threads = 0,
                        Coupling coupling = Coupling::Simulated);

struct LearningRate {
    double initial = 0.1, decaySteps = 9, decayRate = 0.92;  // l0 * r^floor(epoch / k)
    double at(int epoch) const;
};
LearningRate defaultLearningRate(const Circuit& circuit);  // neuron (0.1,9,0.92), circuit (0.9,9,0.95)

// How the population is fitted. Odynn: ODYNN's Adam, exact (SPEC 4). Robust: screening of many
// random sets by forward simulation, Adam with reduce-on-plateau in transformed coordinates
// (log for positive scale parameters, logistic between finite bounds), then a Gauss-Newton
// (Levenberg-Marquardt) polish of the loss's residuals, or L-BFGS with the exact gradient for
// losses that are not sums of squares (robust_fit.cpp).
enum class FitMethod { Odynn, Robust };
const char* methodName(FitMethod method);
std::optional<FitMethod> methodFromName(const std::string& name);

// A user's bounds for the parameters `name` names (exact, or a bare name for every neuron or
// connection that has it); they must lie inside the model's own bounds.
struct ParameterBound {
    std::string name;
    double lower, upper;
};

// The largest held-out fraction: beyond half, the fit would see less than it is judged on.
inline constexpr double kMaxValidation = 0.5;

struct RobustSettings {
    int screenSets = 0;         // random sets judged by a forward simulation; 0: 50 per start
    int adamEpochs = 200;       // Adam epochs in transformed coordinates
    double learningRate = 0.05; // Adam's step in transformed units (log scale: ~5 %)
    int patience = 15;          // epochs without a 1e-4 relative improvement before halving it
    int polishEvaluations = 400; // loss-and-gradient evaluations per set in each L-BFGS round
    int polishRounds = 12;      // L-BFGS rounds (each restarts from the set's best point)
    int polishSets = 0;         // sets polished, the lowest losses after Adam; 0: a quarter of the population
    int polishIterations = 20;  // Levenberg-Marquardt iterations per set in each round (sum-of-squares losses)
    // Basin hops after the polish rounds: each draws one gate's parameters of the best set (every
    // other hop: its parameters stuck on a bound or at a cap, if any) afresh from their random
    // ranges (hopCandidates times), polishes the hopPolished lowest losses of those
    // (hopPolishRounds polish rounds each) and keeps the result when it beats the best set.
    int hopRounds = 12;
    int hopCandidates = 200;
    int hopPolished = 2;
    int hopPolishRounds = 3;
    // Held-out validation: the last `validation` fraction of every training window's time steps
    // is not fitted; the method judges the points it reaches on it and returns the one that
    // predicts it best (robust_validation.cpp). 0: fit every step and return the lowest loss.
    double validation = 0.1;  // 0 to kMaxValidation
    int totalEpochs() const { return 1 + adamEpochs + polishRounds + hopRounds; }
    std::string problem() const;
};

// The robust method's split of the training data for held-out validation
// (robust_validation.cpp): `fitted` has the first steps of every window (the stimulus cut
// there), `heldOut` every step of the stimulus with targets only in the last `fraction` of
// them. Nothing when either part would have no step or no target.
struct ValidationSplit {
    FitDataset fitted, heldOut;
};
std::optional<ValidationSplit> splitValidation(const FitDataset& train, double fraction);

struct FitOptions {
    int population = 100;
    int epochs = 700;
    std::uint64_t seed = 0;
    LossWeights weights;
    std::optional<LearningRate> learningRate;  // default from the circuit
    double clipNorm = 5.0;
    std::vector<std::string> fixed;              // parameter names kept constant ("all": every one)
    std::vector<std::vector<std::string>> groups;  // neuron labels sharing one parameter set
    int testEvery = 30;
    int threads = 0;
    std::vector<double> initial;  // optional user-given initial sets, [k x layout.size()]
    FitMethod method = FitMethod::Odynn;
    std::vector<ParameterBound> bounds;  // narrower bounds than the model's
    RobustSettings robust;               // used when method is Robust (epochs = robust.totalEpochs())

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
    std::string stage;                // robust method: "screen", "adam", "polish" or "hop"; empty for ODYNN's
};

enum class FitControl { Continue, Stop };
using EpochCallback = std::function<FitControl(const EpochSummary&)>;

enum class Termination { Completed, Stopped, Failed };

// The lowest loss any set had at any epoch. ODYNN's own choice (FitResult::bestIndex) judges
// only the final sets, which may have moved away from their best point.
struct BestIterate {
    double loss = std::numeric_limits<double>::infinity();
    int epoch = -1;  // ODYNN's method: the parameters after this many updates; robust: the epoch
                     // by whose end the set had reached them
    int set = -1;
    std::vector<double> params;  // full layout vector
    bool exists() const { return set >= 0; }
    // Takes the lowest finite loss of `losses` when strictly below the current one; `sets`
    // holds the parameters those losses belong to, [sets x size].
    void consider(const std::vector<double>& losses, const std::vector<double>& sets, int size, int atEpoch);
};

struct FitResult {
    Termination termination = Termination::Completed;
    int epochsDone = 0;
    int bestIndex = -1;
    double bestLoss = 0;
    std::vector<double> bestParams;   // full layout vector
    double bestTestLoss = std::numeric_limits<double>::quiet_NaN();  // with test data: the best set's test loss
    double wallSeconds = 0;
    std::string message;
    // Robust method with held-out validation: the returned set's loss on the held-out steps
    // (the choice among sets); bestLoss is then its loss on all the training data.
    double bestValidationLoss = std::numeric_limits<double>::quiet_NaN();
    BestIterate bestIterate;  // over every epoch and the final sets: <= bestLoss (held-out validation: fitted steps)
};

// How the sets of a population are shared out among processes (MPI ranks, see the CLI); the
// default keeps them all in one. Every process runs the same fit; each computes its own block
// of sets and `share` gives every process every block.
class SetPartition {
public:
    virtual ~SetPartition() = default;
    virtual int rank() const { return 0; }
    virtual int size() const { return 1; }
    // values is [sets x width]; this process filled rows [begin(sets), end(sets)).
    virtual void share(std::vector<double>& values, int sets, int width) const;
    int begin(int sets) const { return int(std::int64_t(sets) * rank() / size()); }
    int end(int sets) const { return int(std::int64_t(sets) * (rank() + 1) / size()); }
};

class FitObjective;
class CircuitObjective;
struct RobustState;

// A population fit over an objective (objective.hpp) with ODYNN's method or the robust one.
// Keeps the whole optimizer state so it can be checkpointed and resumed bit for bit.
class FitRun {
public:
    FitRun(Circuit circuit, FitDataset train, std::optional<FitDataset> test, FitOptions options);
    explicit FitRun(std::shared_ptr<FitObjective> objective);
    FitRun(const FitRun&);
    FitRun& operator=(const FitRun&);
    FitRun(FitRun&&) noexcept;
    FitRun& operator=(FitRun&&) noexcept;
    ~FitRun();

    // Runs until options.epochs are done or the callback says Stop (checked after each epoch);
    // then judges every set on the loss of its final parameters (the robust method: of the
    // best point each set reached).
    FitResult run(const EpochCallback& callback = {});
    // Exactly one epoch: forward, loss, gradient, clipping, Adam update, bounds (and the test
    // loss when due). Writes history and checkpoint when a run folder is attached.
    EpochSummary step();

    // Run folder: settings, data, checkpoint, history.csv, best.json, summary.json.
    void attachRunDirectory(const std::string& dir);  // writes settings and data now
    static FitRun resume(const std::string& dir);      // throws InputError on a bad folder
    void setEpochs(int epochs);
    // Splits the sets among processes; only rank 0 writes the run folder.
    void setPartition(std::shared_ptr<const SetPartition> partition);
    // Polled (from any thread) during long epochs (the robust method's polish rounds): when it
    // returns true, run() abandons the epoch, leaving the run as it was before it (the run
    // folder too), and ends Stopped; resuming repeats the epoch, so results stay bit for bit.
    // Not honoured when the sets are shared among processes (every process must finish).
    void setInterrupt(std::function<bool()> requested) { interrupt_ = std::move(requested); }

    const FitObjective& objective() const { return *objective_; }
    // Circuit objectives only (std::logic_error otherwise).
    const Circuit& circuit() const;
    const ParameterLayout& layout() const;
    const FitOptions& options() const;
    int epochsDone() const { return epoch_; }
    int setCount() const { return options().population; }
    const std::vector<double>& population() const { return theta_; }  // [set x size]
    const std::vector<std::vector<double>>& lossHistory() const { return lossHistory_; }
    const std::vector<double>& lrHistory() const { return lrHistory_; }
    // The lowest loss seen in the epochs done (the final sets' losses, which run() computes
    // after the last epoch, are in FitResult::bestIterate only); restored by resume.
    const BestIterate& bestIterate() const { return bestIterate_; }
    double wallSeconds() const { return wallSeconds_; }  // s of every epoch run, resumed runs included
    Circuit bestCircuit() const;  // the circuit with the best set applied

protected:
    static FitRun resumeFolder(const std::string& dir, const char* expectedFormat);

private:
    const CircuitObjective& circuitObjective() const;
    void initialise();
    void checkpoint() const;
    void writeHistory(const EpochSummary& sum) const;
    bool writes() const { return !dir_.empty() && partition_->rank() == 0; }
    LossGradient evaluate(const std::vector<double>& theta) const;      // every set, shared among processes
    // Training losses are those of the fitted data (fitObjective()), test losses the test data's.
    std::vector<double> evaluateLoss(const std::vector<double>& theta, int sets, bool test) const;
    std::vector<double> evaluateLoss(const FitObjective& obj, const std::vector<double>& theta, int sets,
                                     bool test) const;
    // What the optimizer fits: the objective, or with held-out validation its fitted part.
    const FitObjective& fitObjective() const {
        return recordedCoupling() ? *recorded_ : fitting_ ? *fitting_ : *objective_;
    }
    // Whether this epoch fits with the connections driven by the recorded voltages (robust
    // method, circuits: screen, Adam and polish; robust_fit.cpp).
    bool recordedCoupling() const { return recorded_ && epoch_ <= lastRecordedEpoch(); }
    int lastRecordedEpoch() const;
    void rejudgeBest();  // every set's best loss again, under this epoch's fitObjective()
    // With recorded coupling: `sets` [count x size] re-paired so that set k holds every neuron's
    // k-th best block (CircuitObjective::blockOwners) among them, by each neuron's loss; the first
    // `keep` sets stay as they are. False (nothing changed) where the objective has no blocks.
    bool pairByNeuron(std::vector<double>& sets, int count, int keep) const;
    void splitForValidation();
    int finalChoice() const;  // the returned set: index into the final sets, -1 when all diverged
    bool refitOnEveryStep();  // false when interrupted (the run then stands as before it)
    void robustValidate();  // each set's best point judged on the held-out data
    EpochSummary odynnStep();
    EpochSummary robustStep();
    void robustScreen(EpochSummary& sum);
    void robustAdam(EpochSummary& sum);
    void robustPolish(EpochSummary& sum);
    void robustHop(EpochSummary& sum);
    // Polishes each set of `sets` [k x size] from its loss in `losses` (updated in place) for
    // `rounds` rounds, shared among processes and threads; throws detail::EpochInterrupted
    // when interrupted. `vary`: the free variables a Levenberg-Marquardt polish moves (empty:
    // every one).
    void polishInParallel(std::vector<double>& sets, std::vector<double>& losses, int rounds,
                          const std::vector<int>& vary = {});
    // The loss below which a fit counts as nearly exact and its polish floors the trust
    // region's scaling (robust_fit.cpp); 0 before the screen.
    double nearExactLoss() const;

    std::shared_ptr<FitObjective> objective_;
    std::shared_ptr<const SetPartition> partition_;
    // Robust method with held-out validation (null otherwise): the objective on the fitted steps
    // and on the held-out ones.
    std::shared_ptr<FitObjective> fitting_, validation_;
    // Robust method on a circuit with recorded voltages: the fitted objective with the
    // connections driven by them (null otherwise).
    std::shared_ptr<FitObjective> recorded_;
    LearningRate lr_;
    std::vector<double> theta_;      // full sets [set x size]
    std::vector<double> m_, v_;      // Adam moments over free variables [set x freeCount]
    std::unique_ptr<RobustState> robust_;
    int epoch_ = 0;
    std::vector<std::vector<double>> lossHistory_;
    std::vector<double> lrHistory_;
    std::vector<double> lastLoss_;
    BestIterate bestIterate_;
    double wallSeconds_ = 0;
    std::string dir_;
    std::function<bool()> interrupt_;
};

}  // namespace odynn
