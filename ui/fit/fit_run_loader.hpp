#pragma once
// A run folder opened in the app (File > Open Fit Run), from the app or from `odynn-cli fit`:
// the run itself, resumed as `odynn-cli fit --resume` resumes it (so Continue goes on from its
// checkpoint), and what the live and after-fit views show of it. Reading changes no file
// except what resuming tidies (rows written after the checkpoint, temporary files).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fit/fit_worker.hpp"
#include "odynn/run_records.hpp"

namespace odynn::ui {

struct OpenedRun {
    std::shared_ptr<FitRun> run;
    std::vector<FitProgress> epochs;    // one per epoch done (history.csv, params.csv); the last has the best trace
    std::optional<FitOutcome> outcome;  // when the run ended (summary.json): ODYNN's choice and its figures
    std::optional<RunSummary> summary;
};

// Throws InputError naming the file and field of a damaged folder, or one that holds an LSTM
// network's run (the app shows circuits).
OpenedRun openRunFolder(const std::string& dir);

}  // namespace odynn::ui
