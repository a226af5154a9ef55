#pragma once
// What a run folder records for someone who looks at it (the desktop app's Open Fit Run):
// summary.json, the best sets and the parameter history. Reading changes no file; a missing
// file (a run that was interrupted, or one that records no parameters) reads as absent.
#include <optional>
#include <string>
#include <vector>

#include "odynn/fitting.hpp"

namespace odynn {

// summary.json, written when run() returns: ODYNN's choice and the best iterate.
struct RunSummary {
    int epochs = 0;
    int bestIndex = -1;
    double bestLoss = 0;
    double wallSeconds = 0;  // s, every epoch of the run (resumed parts included)
    std::string termination, method;
    std::optional<double> bestIterateLoss;
    int bestIterateEpoch = -1, bestIterateIndex = -1;
};
// Throws InputError naming the file and field when summary.json is there but damaged.
std::optional<RunSummary> readRunSummary(const std::string& dir);

// best.json (stem "best") or best_iterate.json of a circuit run, in the order of `names`;
// absent when the file is missing. Throws InputError when a name is missing or not a number.
std::optional<std::vector<double>> readBestSet(const std::string& dir, const std::vector<std::string>& names,
                                               const std::string& stem = "best");

// params.csv: for each epoch e, the parameters of set setOfEpoch[e] after that epoch's update
// (`size` values); an epoch without its row gives an empty vector.
std::vector<std::vector<double>> readParameterRows(const std::string& dir, const std::vector<int>& setOfEpoch,
                                                   int size);

}  // namespace odynn
