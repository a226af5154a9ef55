#pragma once
// A project's fit setup, saved in the project file's "fit" object beside the fixed parameters:
// the targets (whole, since they may come from imports no single file holds), what the fit is
// compared with, the observed neurons, which parameters are free, and the optimizer's settings.
// The CPU thread count is the machine's, not the project's, and is not saved. Qt-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fit/free_parameters.hpp"
#include "odynn/fitting.hpp"
#include "odynn/target_store.hpp"

namespace odynn::ui {

struct FitSetup {
    bool loadedTargets = false;                        // compared with the loaded targets (else: the last simulation)
    std::vector<RecordedTarget> targets;               // the loaded targets, one batch entry each
    std::optional<std::vector<std::string>> observed;  // labels of the neurons in the loss; absent: the default
    FreeScope scope = FreeScope::ObservedNeurons;
    bool testSplit = false;  // the last batch entry is held out as a test set
    FitMethod method = FitMethod::Odynn;
    int population = 20, epochs = 100;
    int hops = RobustSettings{}.hopRounds;  // the robust method's basin hop rounds
    double validation = RobustSettings{}.validation;  // the robust method's held-out fraction of the steps
    std::optional<LearningRate> learningRate;  // absent: the circuit's default
    double weightV = 1.0, weightCa = 0.0;
    std::uint64_t seed = 0;
};

// Writes the setup's keys into `fit` (an object that may hold other keys already).
void fitSetupToJson(const FitSetup& setup, nlohmann::json& fit);
// Missing keys keep their defaults (projects saved before the setup was kept); a present but
// wrong one throws InputError naming `source` and "fit.<key>".
FitSetup fitSetupFromJson(const nlohmann::json& fit, const std::string& source);

}  // namespace odynn::ui
