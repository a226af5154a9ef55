#include "fit/fit_run_loader.hpp"

#include <QStringList>
#include <cmath>
#include <limits>
#include <utility>

#include "fit/fit_data.hpp"
#include "odynn/errors.hpp"
#include "odynn/objective.hpp"
#include "odynn/run_lock.hpp"

namespace odynn::ui {

namespace {
// The set with the lowest finite loss (-1 when none) and that loss.
std::pair<int, double> lowestLoss(const std::vector<double>& losses) {
    std::pair<int, double> best{-1, std::numeric_limits<double>::infinity()};
    for (size_t s = 0; s < losses.size(); ++s)
        if (std::isfinite(losses[s]) && losses[s] < best.second) best = {int(s), losses[s]};
    return best;
}
}  // namespace

OpenedRun openRunFolder(const std::string& dir) {
    tidyRunFolder(dir);
    OpenedRun opened;
    opened.run = std::make_shared<FitRun>(FitRun::resume(dir));
    const FitRun& run = *opened.run;
    if (!dynamic_cast<const CircuitObjective*>(&run.objective()))
        throw InputError(dir, 0, {}, "an LSTM network's run: continue it with odynn-cli fit --resume");
    const Circuit& circuit = run.circuit();
    const ParameterLayout& layout = run.layout();
    const FitDataset& train = run.objective().train();
    const int threads = run.options().threads;

    // The live view: each epoch's losses and its best set (params.csv: after that epoch's update).
    const auto& losses = run.lossHistory();
    std::vector<int> bestOfEpoch;
    for (const auto& l : losses) bestOfEpoch.push_back(std::max(0, lowestLoss(l).first));
    const auto rows = readParameterRows(dir, bestOfEpoch, layout.size());
    for (size_t e = 0; e < losses.size(); ++e) {
        FitProgress p;
        p.summary.epoch = int(e);
        p.summary.learningRate = run.lrHistory()[e];
        p.summary.losses = losses[e];
        std::tie(p.summary.bestIndex, p.summary.bestLoss) = lowestLoss(losses[e]);
        p.bestParams = rows[e];
        p.totalSeconds = run.wallSeconds();
        opened.epochs.push_back(std::move(p));
    }
    if (!opened.epochs.empty()) {
        FitProgress& last = opened.epochs.back();
        last.bestIterate = run.bestIterate();
        // The checkpoint's sets are those after the last update: the best of them is drawn.
        const int best = std::max(0, lowestLoss(losses.back()).first);
        const std::vector<double> set(run.population().begin() + std::ptrdiff_t(best) * layout.size(),
                                      run.population().begin() + std::ptrdiff_t(best + 1) * layout.size());
        if (last.bestParams.empty()) last.bestParams = set;
        last.bestTrace = traceOfSet(circuit, last.bestParams, train.stimulus, threads);
    }

    opened.summary = readRunSummary(dir);
    std::vector<std::string> names;
    for (const ParamEntry& e : layout.entries()) names.push_back(e.name);
    const auto bestSet = readBestSet(dir, names);
    if (opened.summary && bestSet && opened.summary->bestIndex >= 0) {
        FitOutcome o;
        o.run = opened.run;
        o.result.termination = opened.summary->termination == "stopped" ? Termination::Stopped : Termination::Completed;
        o.result.epochsDone = opened.summary->epochs;
        o.result.bestIndex = opened.summary->bestIndex;
        o.result.bestLoss = opened.summary->bestLoss;
        o.result.bestParams = *bestSet;
        o.result.wallSeconds = opened.summary->wallSeconds;
        o.result.bestIterate = run.bestIterate();
        if (opened.summary->bestIterateLoss) {
            if (auto iterate = readBestSet(dir, names, "best_iterate")) {
                o.result.bestIterate.loss = *opened.summary->bestIterateLoss;
                o.result.bestIterate.epoch = opened.summary->bestIterateEpoch;
                o.result.bestIterate.set = opened.summary->bestIterateIndex;
                o.result.bestIterate.params = std::move(*iterate);
            }
        }
        o.totalSeconds = opened.summary->wallSeconds;
        o.best = circuit;
        layout.apply(o.best, o.result.bestParams.data());
        o.population = run.population();
        for (const std::string& n : names) o.parameterNames << QString::fromStdString(n);
        o.bestTrain = traceOfSet(circuit, o.result.bestParams, train.stimulus, threads);
        if (run.objective().test())
            o.bestTest = traceOfSet(circuit, o.result.bestParams, run.objective().test()->stimulus, threads);
        opened.outcome = std::move(o);
    }
    return opened;
}

}  // namespace odynn::ui
