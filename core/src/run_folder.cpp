// A fit's run folder, for every objective (run_files.hpp lists the files): written as the fit
// goes, read back to resume it bit for bit.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/objective.hpp"
#include "robust_fit.hpp"
#include "run_files.hpp"

namespace odynn {
using namespace detail;
using nlohmann::json;
namespace fs = std::filesystem;

void FitRun::attachRunDirectory(const std::string& dir) {
    dir_ = dir;
    if (!writes()) return;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir, 0, {}, "cannot create the run folder: " + ec.message());
    json settings = objective_->settings();
    settings["options"] = optionsToJson(options(), lr_);
    writeFileAtomically((fs::path(dir) / "settings.json").string(), settings.dump(1) + "\n");
    writeRunData(dir, objective_->train(), objective_->test());
    writeFileAtomically((fs::path(dir) / "history.csv").string(),
                        historyHeader(options().population, objective_->hasTest(), robust_ != nullptr) + "\n");
    if (objective_->recordsParameters()) {
        std::string pheader = "epoch,set";
        for (const auto& name : objective_->names()) pheader += "," + name;
        writeFileAtomically((fs::path(dir) / "params.csv").string(), pheader + "\n");
    }
    checkpoint();
}

void FitRun::writeHistory(const EpochSummary& s) const {
    const int N = options().population;
    appendLine(fs::path(dir_) / "history.csv", historyLine(s, N, objective_->hasTest(), robust_ != nullptr));
    if (!objective_->recordsParameters()) return;
    std::string rows;
    const int P = objective_->size();
    for (int k = 0; k < N; ++k) {
        rows += std::to_string(s.epoch) + "," + std::to_string(k);
        for (int p = 0; p < P; ++p) rows += "," + formatNumber(theta_[size_t(k) * P + p]);
        if (k + 1 < N) rows += "\n";
    }
    appendLine(fs::path(dir_) / "params.csv", rows);
}

void FitRun::checkpoint() const {
    json cp = checkpointToJson({epoch_, theta_, m_, v_, lastLoss_, wallSeconds_});
    if (robust_) cp["robust"] = robust_->toJson();
    if (bestIterate_.exists()) cp["best_iterate"] = bestIterateToJson(bestIterate_);
    writeFileAtomically((fs::path(dir_) / "checkpoint.json").string(), cp.dump() + "\n");
}

FitRun FitRun::resume(const std::string& dir) { return resumeFolder(dir, nullptr); }

FitRun FitRun::resumeFolder(const std::string& dir, const char* expectedFormat) {
    const fs::path d(dir);
    const std::string sp = (d / "settings.json").string(), cp = (d / "checkpoint.json").string();
    try {
        const json settings = readJsonFile(sp);
        if (!settings.is_object() || (expectedFormat && settings.value("format", "") != expectedFormat))
            throw InputError(sp, 0, "format", std::string("not a run folder's settings (expected \"") +
                                                  (expectedFormat ? expectedFormat : "odynn-fit-run") + "\")");
        FitOptions options = optionsFromJson(settings.at("options"), sp);
        RunData data = readRunData(dir);
        FitRun run(objectiveFromSettings(settings, sp, std::move(data.train), std::move(data.test), std::move(options)));
        const int N = run.options().population;
        const size_t sets = size_t(N);
        const json cj = readJsonFile(cp);
        // Before screening a robust run has no sets yet: its checkpoint holds an empty theta at epoch 0.
        const bool unscreened = run.robust_ && cj.is_object() && cj.contains("epoch") && cj["epoch"] == 0 &&
                                cj.contains("theta") && cj["theta"].is_array() && cj["theta"].empty();
        Checkpoint c = checkpointFromJson(cj, cp, unscreened ? 0 : sets * run.objective_->size(),
                                          sets * run.objective_->freeCount(), run.options().population);
        run.epoch_ = c.epoch;
        run.theta_ = std::move(c.theta);
        run.m_ = std::move(c.m);
        run.v_ = std::move(c.v);
        run.lastLoss_ = std::move(c.lastLoss);
        run.wallSeconds_ = c.wallSeconds;
        if (cj.contains("best_iterate"))
            run.bestIterate_ = bestIterateFromJson(cj.at("best_iterate"), cp, size_t(run.objective_->size()), N);
        if (run.robust_) {
            if (!cj.contains("robust")) throw InputError(cp, 0, "robust", "missing the robust method's state");
            run.robust_->fromJson(cj.at("robust"), cp, int(sets), run.objective_->size());
        }
        run.dir_ = dir;
        // Rows written after the checkpoint (an interrupted epoch) are dropped.
        const auto lines = keepLines(d / "history.csv", size_t(run.epoch_));
        if (run.objective_->recordsParameters()) keepLines(d / "params.csv", size_t(run.epoch_) * N);
        for (size_t i = 1; i < lines.size(); ++i) {
            std::stringstream ss(lines[i]);
            std::string cell;
            std::vector<double> cells;
            while (std::getline(ss, cell, ',')) cells.push_back(cell.empty() ? NAN : std::strtod(cell.c_str(), nullptr));
            if (cells.size() < 2 + size_t(N)) continue;
            run.lrHistory_.push_back(cells[1]);
            run.lossHistory_.emplace_back(cells.begin() + 2, cells.begin() + 2 + N);
        }
        return run;
    } catch (const json::exception& e) {
        throw InputError(dir, 0, {}, std::string("damaged run folder: ") + e.what());
    }
}

}  // namespace odynn
