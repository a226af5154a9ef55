#include "run_folder.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "run_files.hpp"

namespace odynn {
using namespace detail;
using nlohmann::json;
namespace fs = std::filesystem;

void appendRunHistory(const std::string& dir, const EpochSummary& s, const ParameterLayout& layout,
                      const std::vector<double>& theta, int sets, bool withTest) {
    appendLine(fs::path(dir) / "history.csv", historyLine(s, sets, withTest));
    std::string rows;
    const int P = layout.size();
    for (int k = 0; k < sets; ++k) {
        rows += std::to_string(s.epoch) + "," + std::to_string(k);
        for (int p = 0; p < P; ++p) rows += "," + formatNumber(theta[size_t(k) * P + p]);
        if (k + 1 < sets) rows += "\n";
    }
    appendLine(fs::path(dir) / "params.csv", rows);
}

void writeRunResult(const std::string& dir, const FitResult& r, const ParameterLayout& layout, const Circuit& circuit,
                    double wallSeconds) {
    const fs::path d(dir);
    if (!r.bestParams.empty()) {
        json best = json::object();
        for (int p = 0; p < layout.size(); ++p) best[layout.entries()[p].name] = r.bestParams[p];
        writeFileAtomically((d / "best.json").string(), best.dump(1) + "\n");
        Circuit c = circuit;
        layout.apply(c, r.bestParams.data());
        saveCircuit(c, (d / "best_circuit.json").string());
    }
    writeSummary(dir, r, wallSeconds);
}

void FitRun::attachRunDirectory(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir, 0, {}, "cannot create the run folder: " + ec.message());
    dir_ = dir;
    json settings = {{"format", "odynn-fit-run"}, {"version", 1}, {"circuit", circuitToJson(circuit_)},
                     {"options", optionsToJson(options_, lr_)}};
    writeFileAtomically((fs::path(dir) / "settings.json").string(), settings.dump(1) + "\n");
    json data = {{"train", datasetToJson(train_)}};
    if (test_) data["test"] = datasetToJson(*test_);
    writeFileAtomically((fs::path(dir) / "data.json").string(), data.dump() + "\n");
    writeFileAtomically((fs::path(dir) / "history.csv").string(),
                        historyHeader(options_.population, test_.has_value()) + "\n");
    std::string pheader = "epoch,set";
    for (const auto& e : layout_.entries()) pheader += "," + e.name;
    writeFileAtomically((fs::path(dir) / "params.csv").string(), pheader + "\n");
    checkpoint();
}

void FitRun::checkpoint() const {
    json cp = {{"epoch", epoch_}, {"theta", numbersToJson(theta_)}, {"m", numbersToJson(m_)}, {"v", numbersToJson(v_)},
               {"last_loss", numbersToJson(lastLoss_)}, {"wall_seconds", wallSeconds_}};
    writeFileAtomically((fs::path(dir_) / "checkpoint.json").string(), cp.dump() + "\n");
}

FitRun FitRun::resume(const std::string& dir) {
    const fs::path d(dir);
    const std::string sp = (d / "settings.json").string(), dp = (d / "data.json").string(),
                      cp = (d / "checkpoint.json").string();
    try {
        const json settings = readJsonFile(sp);
        if (settings.value("format", "") != "odynn-fit-run")
            throw InputError(sp, 0, "format", "not a run folder's settings (expected \"odynn-fit-run\")");
        Circuit circuit = circuitFromJson(settings.at("circuit"), sp);
        FitOptions options = optionsFromJson(settings.at("options"), sp);
        const json data = readJsonFile(dp);
        FitDataset train = datasetFromJson(data.at("train"), dp);
        std::optional<FitDataset> test;
        if (data.contains("test")) test = datasetFromJson(data.at("test"), dp);
        FitRun run(std::move(circuit), std::move(train), std::move(test), std::move(options));
        const json c = readJsonFile(cp);
        run.epoch_ = c.at("epoch");
        run.theta_ = numbersFromJson(c.at("theta"), cp, "theta");
        run.m_ = numbersFromJson(c.at("m"), cp, "m");
        run.v_ = numbersFromJson(c.at("v"), cp, "v");
        run.lastLoss_ = numbersFromJson(c.at("last_loss"), cp, "last_loss");
        run.wallSeconds_ = c.at("wall_seconds");
        if (run.theta_.size() != size_t(run.options_.population) * run.layout_.size() ||
            run.m_.size() != size_t(run.options_.population) * run.freeCount_ || run.v_.size() != run.m_.size())
            throw InputError(cp, 0, "theta", "optimizer state does not match the settings");
        run.dir_ = dir;
        // Rows written after the checkpoint (an interrupted epoch) are dropped.
        const auto lines = keepLines(d / "history.csv", size_t(run.epoch_));
        keepLines(d / "params.csv", size_t(run.epoch_) * run.options_.population);
        for (size_t i = 1; i < lines.size(); ++i) {
            std::stringstream ss(lines[i]);
            std::string cell;
            std::vector<double> cells;
            while (std::getline(ss, cell, ',')) cells.push_back(cell.empty() ? NAN : std::strtod(cell.c_str(), nullptr));
            if (cells.size() < 2 + size_t(run.options_.population)) continue;
            run.lrHistory_.push_back(cells[1]);
            run.lossHistory_.emplace_back(cells.begin() + 2, cells.begin() + 2 + run.options_.population);
        }
        return run;
    } catch (const json::exception& e) {
        throw InputError(dir, 0, {}, std::string("damaged run folder: ") + e.what());
    }
}

}  // namespace odynn
