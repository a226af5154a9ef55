#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "validators.hpp"
#include "data_args.hpp"
#include "fit_bounds.hpp"
#include "lstm_cli.hpp"
#include "process_partition.hpp"
#include "odynn/circuit_fixed.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/run_lock.hpp"
#include "progress_bar.hpp"

namespace odynn::cli {

namespace {

struct FitArgs {
    CircuitArgs circuit;
    std::vector<std::string> test;
    int population = 100, epochs = 700, threads = 0;
    std::uint64_t seed = 0;
    std::string lr, fix, init, out, resume, method = "odynn";
    std::vector<std::string> groups, bounds;
    int screen = 0;
    int hops = -1;  // robust: basin hop rounds; -1 = the method's default
    double validation = RobustSettings{}.validation;
    bool overwrite = false;
};

// Ctrl-C stops after the current epoch (a long polish round is abandoned at once and repeated
// on resume); the checkpoint keeps everything already computed.
volatile std::sig_atomic_t interrupted = 0;
void onInterrupt(int) { interrupted = 1; }

// A new run's folder is owned by the reporting process (rank 0 under mpirun): it locks the
// folder, refuses or clears an earlier run in it, and writes it; the other ranks only compute.
template <class Run>
std::unique_ptr<RunFolderLock> claimNewRunFolder(Run& run, const std::string& dir, bool overwrite) {
    if (!isReportingProcess()) return nullptr;
    auto lock = std::make_unique<RunFolderLock>(dir);
    prepareNewRunFolder(dir, overwrite);
    run.attachRunDirectory(dir);
    return lock;
}

template <class Run>
int runFit(Run& run) {
    run.setPartition(processPartition());
    run.setInterrupt([] { return interrupted != 0; });
    ProgressBar bar(isReportingProcess() ? run.options().epochs : 0);
    std::signal(SIGINT, onInterrupt);
    const FitResult r = run.run([&](const EpochSummary& s) {
        char info[96];
        std::snprintf(info, sizeof info, "best %.4g  lr %.3g%s%s", s.bestLoss, s.learningRate, s.stage.empty() ? "" : "  ",
                      s.stage.c_str());
        bar.update(s.epoch + 1, info);
        return interrupted ? FitControl::Stop : FitControl::Continue;
    });
    bar.finish();
    std::signal(SIGINT, SIG_DFL);
    if (r.termination == Termination::Failed) {
        std::fprintf(stderr, "error: %s\n", r.message.c_str());
        return 1;
    }
    if (!isReportingProcess()) return 0;
    std::printf("%s after %d epochs: best loss %.6g (set %d), %.2f s\n",
                r.termination == Termination::Stopped ? "stopped" : "finished", r.epochsDone, r.bestLoss, r.bestIndex,
                r.wallSeconds);
    if (std::isfinite(r.bestValidationLoss))
        std::printf("held-out validation loss %.6g: the set chosen by it (the lowest loss on the fitted steps, %.6g, "
                    "is in best_iterate.json)\n",
                    r.bestValidationLoss, r.bestIterate.loss);
    else if (r.bestIterate.exists() && r.bestIterate.loss < r.bestLoss)
        std::printf("lowest loss seen: %.6g (set %d after %d updates; best_iterate.json)\n", r.bestIterate.loss,
                    r.bestIterate.set, r.bestIterate.epoch);
    // Interrupted by Ctrl-C: the checkpoint is saved, and the shell learns it was interrupted
    // (128 + SIGINT), so scripts do not take the run for finished.
    return interrupted ? 128 + SIGINT : 0;
}

}  // namespace

Command addFitCommand(CLI::App& app) {
    auto* sub = app.add_subcommand("fit", "Fit parameters to data from many initial sets at once (ODYNN's Adam, or the robust method)");
    auto a = std::make_shared<FitArgs>();
    a->circuit.addTo(sub, false);
    auto lstm = addLstmOptions(sub);
    sub->add_option("--test", a->test, "Test data CSV (repeatable); test loss every 30 epochs");
    auto* pop = sub->add_option("--population", a->population, "Number of parameter sets fitted at once")->check(positive);
    auto* ep = sub->add_option("--epochs", a->epochs, "Epochs in total (default 700)")->check(nonNegative);
    sub->add_option("--seed", a->seed, "Seed of the random initial sets");
    sub->add_option("--lr", a->lr, "Learning rate l0,k,r: l0 * r^floor(epoch/k) (neuron 0.1,9,0.92; circuit 0.9,9,0.95; lstm 0.01,9,0.95)");
    sub->add_option("--method", a->method,
                    "odynn: ODYNN's Adam, exact (default); robust: screening, Adam in log/logistic coordinates with "
                    "reduce-on-plateau, a Levenberg-Marquardt polish (L-BFGS for LSTM neurons), then basin hops over gates")
        ->check(CLI::IsMember({"odynn", "robust"}));
    sub->add_option("--screen", a->screen, "robust: random sets screened by a forward simulation (default 50 per start)")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--hops", a->hops,
                    "robust: basin hop rounds after the polish (default 12; 0: none, e.g. for noisy recordings where "
                    "a lower training loss need not carry over to held-out data)")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--validation", a->validation,
                    "robust: fraction of every training window's last steps held out to choose the returned set "
                    "by how well it predicts them (default 0.1; 0: fit every step, return the lowest loss)")
        ->check(CLI::Range(0.0, kMaxValidation));
    sub->add_option("--bounds", a->bounds, "Bounds NAME=LO:HI (inside the model's; repeatable) or a JSON file {NAME: [LO, HI]}");
    sub->add_option("--fix", a->fix, "Parameters kept constant, comma-separated (a bare name fixes it everywhere; all: every one)");
    sub->add_option("--group", a->groups, "Neurons sharing one parameter set, comma-separated labels (repeatable)");
    sub->add_option("--init", a->init, "Initial parameter sets: JSON {name: value} or a list of them");
    sub->add_option("--threads", a->threads, "Threads (default: all cores)");
    sub->add_option("--out", a->out, "Run folder (settings, checkpoints, history.csv, best.json, summary.json)");
    sub->add_option("--resume", a->resume, "Continue the run in this folder where it stopped");
    sub->add_flag("--overwrite", a->overwrite, "Replace the fit already in the --out folder");
    return {sub, [a, ep, pop, lstm] {
        if (!a->resume.empty()) {
            if (!std::filesystem::is_directory(a->resume))
                throw InputError(a->resume, 0, "--resume", "no such run folder");
            // Only the reporting process (rank 0 under mpirun) owns the folder: it locks and tidies it.
            std::optional<RunFolderLock> lock;
            if (isReportingProcess()) {
                lock.emplace(a->resume);
                tidyRunFolder(a->resume);
            }
            if (LstmFitRun::isRunFolder(a->resume)) {
                LstmFitRun run = LstmFitRun::resume(a->resume);
                if (ep->count() > 0) {
                    run.setEpochs(a->epochs);
                    if (isReportingProcess()) recordRunEpochs(a->resume, a->epochs);
                }
                return runFit(run);
            }
            FitRun run = FitRun::resume(a->resume);
            if (ep->count() > 0) {
                run.setEpochs(a->epochs);
                if (isReportingProcess()) recordRunEpochs(a->resume, a->epochs);
            }
            return runFit(run);
        }
        if (a->out.empty()) throw InputError({}, 0, "--out", "give a run folder with --out (or --resume)");
        if (a->circuit.data.empty()) throw InputError({}, 0, "--data", "at least one --data file is needed");
        FitOptions o;
        o.population = a->population;
        o.epochs = a->epochs;
        o.seed = a->seed;
        o.threads = a->threads;
        if (!a->lr.empty()) {
            const auto v = parseNumbers(a->lr, "--lr", 3);
            o.learningRate = LearningRate{v[0], v[1], v[2]};
        }
        o.fixed = splitNames(a->fix);
        o.method = *methodFromName(a->method);
        o.bounds = parseBounds(a->bounds);
        o.robust.screenSets = a->screen;
        if (a->hops >= 0) o.robust.hopRounds = a->hops;
        o.robust.validation = a->validation;
        if (o.method == FitMethod::Robust && ep->count() > 0) o.robust.adamEpochs = a->epochs;
        for (const auto& g : a->groups) o.groups.push_back(splitNames(g));
        if (const ModelSpec* spec = findModel(a->circuit.model); spec && spec->networkWeights) {
            o.weights = a->circuit.lossWeights(nullptr);
            LstmFitRun run = newLstmFit(*lstm, a->circuit, a->test, o, a->init, pop->count() > 0);
            const auto lock = claimNewRunFolder(run, a->out, a->overwrite);
            return runFit(run);
        }
        const Circuit c = a->circuit.load();
        o.weights = a->circuit.lossWeights(&c);
        // "fixed" keys of the circuit file add to --fix.
        if (!a->circuit.circuit.empty())
            for (auto& name : fixedParameterNames(readJsonFile(a->circuit.circuit), c, a->circuit.circuit))
                o.fixed.push_back(std::move(name));
        if (!a->init.empty()) {
            int count = 0;
            o.initial = parameterSetsFromFile(a->init, c, count);
        }
        if (const std::string why = o.problem(c); !why.empty()) throw InputError({}, 0, "fit", why);
        std::optional<FitDataset> test;
        if (!a->test.empty()) test = a->circuit.dataset(c, a->test);
        FitRun run(c, a->circuit.dataset(c, a->circuit.data), std::move(test), o);
        const auto lock = claimNewRunFolder(run, a->out, a->overwrite);
        return runFit(run);
    }};
}

}  // namespace odynn::cli
