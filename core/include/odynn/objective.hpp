#pragma once
// What a fit minimises, apart from how (Ceres' Problem against Solver::Options): an objective
// holds the data, gives the loss of many parameter sets at once and its exact gradient, the
// bounds, which entries are free, the starting sets, and its description as JSON for the run
// folder. FitRun (fitting.hpp) runs ODYNN's Adam or the robust method over any objective.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odynn/circuit.hpp"
#include "odynn/fitting.hpp"
#include "odynn/lstm.hpp"
#include "odynn/parameters.hpp"

namespace odynn {

class FitObjective {
public:
    FitObjective(FitDataset train, std::optional<FitDataset> test, FitOptions options);
    virtual ~FitObjective() = default;

    // Parameters of one set (a population is [sets x size()]) and their names (params.csv).
    virtual int size() const = 0;
    virtual std::vector<std::string> names() const = 0;
    // Entry -> free variable, -1 for a fixed entry; entries sharing a free variable always hold
    // the same value (grouped neurons). Free variables are numbered in order of first use.
    const std::vector<int>& freeIndex() const { return freeOf_; }
    int freeCount() const { return freeCount_; }
    // Bounds per entry (+-inf where none); the optimizers keep every set inside them.
    const std::vector<double>& lower() const { return lower_; }
    const std::vector<double>& upper() const { return upper_; }
    void clipToBounds(double* set) const;
    // Random range per entry (the screening draws of the robust method and unknown scales).
    const std::vector<double>& randomLow() const { return randomLow_; }
    const std::vector<double>& randomHigh() const { return randomHigh_; }

    // Starting sets: options.initial first (each keeps its own values, fixed entries included),
    // then random draws from `rng`; fixed entries of random sets keep the model's values and
    // grouped entries copy their leader's. Appends `count` sets to `out`.
    void startingSets(int first, int count, Rng& rng, std::vector<double>& out) const;

    // Loss of every set (train, or test when `test` is set) and, for training, its gradient
    // with respect to every entry.
    virtual LossGradient lossAndGradient(const std::vector<double>& population, int sets) const = 0;
    virtual std::vector<double> loss(const std::vector<double>& population, int sets, bool test) const = 0;
    bool hasTest() const { return test_.has_value(); }
    // The training loss as a sum of squares (fitting.hpp), for least-squares methods; objectives
    // whose loss is not one return nothing.
    virtual std::optional<Residuals> residuals(const std::vector<double>&, int) const { return std::nullopt; }

    virtual LearningRate defaultLearningRate() const = 0;
    // settings.json: "format" and the problem's own keys ("circuit", or "network" and "dt").
    virtual nlohmann::json settings() const = 0;
    // params.csv is written only for objectives with few enough parameters.
    virtual bool recordsParameters() const = 0;
    // <stem>.json (and <stem>_circuit.json) of the set `values`: best.json for the final
    // choice, best_iterate.json for the lowest loss seen at any epoch.
    virtual void writeBest(const std::string& dir, const double* values, const std::string& stem = "best") const = 0;

    // A copy whose evaluations use `threads` threads (the polish runs one set per thread).
    std::shared_ptr<FitObjective> withThreads(int threads) const;
    // A copy that fits `train` instead (the robust method's split into fitted and held-out data).
    std::shared_ptr<FitObjective> withTrain(FitDataset train) const;
    // A copy whose training losses, gradients and residuals drive the connections with the
    // recorded voltages (Coupling::Recorded, fitting.hpp); null where that changes nothing (no
    // connections, no recorded voltage) or the objective is not a circuit's. Test losses stay
    // those of the model as simulated.
    virtual std::shared_ptr<FitObjective> withRecordedCoupling() const { return nullptr; }

    const FitDataset& train() const { return train_; }
    const std::optional<FitDataset>& test() const { return test_; }
    const FitOptions& options() const { return options_; }
    FitOptions& options() { return options_; }

protected:
    virtual std::shared_ptr<FitObjective> clone() const = 0;
    virtual std::vector<double> randomSet(Rng& rng) const = 0;
    virtual std::vector<double> modelValues() const = 0;  // values fixed entries of random sets keep
    // Call once the derived constructor has filled size(), bounds and free indices.
    void checkStartingSets(const std::string& what) const;

    FitDataset train_;
    std::optional<FitDataset> test_;
    FitOptions options_;
    std::vector<int> freeOf_;
    int freeCount_ = 0;
    std::vector<double> lower_, upper_, randomLow_, randomHigh_;
};

// A circuit (a lone neuron included): ODYNN's fixed parameters, groups and model bounds, and
// the user's bounds of options.bounds.
class CircuitObjective : public FitObjective {
public:
    CircuitObjective(Circuit circuit, FitDataset train, std::optional<FitDataset> test, FitOptions options);
    int size() const override { return layout_.size(); }
    std::vector<std::string> names() const override;
    LossGradient lossAndGradient(const std::vector<double>& population, int sets) const override;
    std::vector<double> loss(const std::vector<double>& population, int sets, bool test) const override;
    std::optional<Residuals> residuals(const std::vector<double>& population, int sets) const override;
    LearningRate defaultLearningRate() const override;
    nlohmann::json settings() const override;
    bool recordsParameters() const override { return true; }
    void writeBest(const std::string& dir, const double* values, const std::string& stem = "best") const override;

    std::shared_ptr<FitObjective> withRecordedCoupling() const override;

    const Circuit& circuit() const { return circuit_; }
    const ParameterLayout& layout() const { return layout_; }
    Coupling coupling() const { return coupling_; }
    // Each neuron's terms of every set's training loss, [sets x neurons].
    std::vector<double> neuronLosses(const std::vector<double>& population, int sets) const;
    // The neuron whose block of parameters each entry belongs to when the population is paired
    // by neuron (robust_fit.cpp): its own neuron's, a synapse's postsynaptic neuron's, a gap
    // junction's first neuron's.
    std::vector<int> blockOwners() const;

protected:
    std::shared_ptr<FitObjective> clone() const override { return std::make_shared<CircuitObjective>(*this); }
    std::vector<double> randomSet(Rng& rng) const override;
    std::vector<double> modelValues() const override { return layout_.values(circuit_); }

private:
    Circuit circuit_;
    ParameterLayout layout_;
    Coupling coupling_ = Coupling::Simulated;  // of the training data
};

// An LSTM neuron: every weight free, no bounds.
class LstmObjective : public FitObjective {
public:
    LstmObjective(const LstmSpec& spec, double dt, FitDataset train, std::optional<FitDataset> test,
                  FitOptions options);
    int size() const override { return net_.weightCount(); }
    std::vector<std::string> names() const override;
    LossGradient lossAndGradient(const std::vector<double>& population, int sets) const override;
    std::vector<double> loss(const std::vector<double>& population, int sets, bool test) const override;
    LearningRate defaultLearningRate() const override { return defaultLstmLearningRate(); }
    nlohmann::json settings() const override;
    bool recordsParameters() const override { return false; }
    void writeBest(const std::string& dir, const double* values, const std::string& stem = "best") const override;

    const LstmNetwork& network() const { return net_; }
    double dt() const { return dt_; }

protected:
    std::shared_ptr<FitObjective> clone() const override { return std::make_shared<LstmObjective>(*this); }
    std::vector<double> randomSet(Rng& rng) const override { return net_.randomWeights(rng); }
    std::vector<double> modelValues() const override { return std::vector<double>(size(), 0.0); }

private:
    LstmNetwork net_;
    double dt_;
};
// Rebuilds an objective from settings.json (its "format" says which); throws InputError.
std::shared_ptr<FitObjective> objectiveFromSettings(const nlohmann::json& settings, const std::string& source,
                                                    FitDataset train, std::optional<FitDataset> test,
                                                    FitOptions options);

}  // namespace odynn
