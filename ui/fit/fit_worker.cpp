#include "fit/fit_worker.hpp"

#include "odynn/objective.hpp"
#include "odynn/simulation.hpp"
#include "window/background_work.hpp"

#include <QMetaObject>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <exception>

namespace odynn::ui {

namespace {
constexpr double traceInterval = 0.25;  // s between simulations of the best set while fitting

// The trace of one set on the stimulus; `sim` is reused between calls (its buffers too).
Trajectory simulateSet(std::unique_ptr<Simulation>& sim, const Circuit& circuit, const std::vector<double>& params,
                       const Stimulus& stimulus, int threads) {
    if (!sim) {
        SimulationOptions o;
        o.record = Record::VoltageCalcium;
        o.threads = threads;
        sim = std::make_unique<Simulation>(circuit, 1, o);
    }
    sim->setParameters(params);
    return sim->run(stimulus).sets.front();
}
}  // namespace

FitWorker::FitWorker(QObject* parent) : QObject(parent), control_(std::make_shared<Control>()) {
    qRegisterMetaType<FitProgress>();
    qRegisterMetaType<FitOutcome>();
    connect(&watcher_, &QFutureWatcher<FitOutcome>::finished, this, [this] {
        drain();  // epochs that arrived just before the end come first
        const FitOutcome outcome = watcher_.result();
        if (outcome.run) run_ = outcome.run;
        if (!outcome.error.isEmpty())
            emit failed(outcome.error);
        else
            emit finished(outcome);
    });
}

FitWorker::~FitWorker() {
    stop();
    watcher_.waitForFinished();
}

bool FitWorker::start(const Circuit& circuit, const FitDataset& train, const std::optional<FitDataset>& test,
                      const FitOptions& options, const std::string& runFolder) {
    if (isRunning()) return false;
    if (const std::string problem = options.problem(circuit); !problem.empty()) {
        emit failed(QString::fromStdString(problem));
        return false;
    }
    run_.reset();
    data_ = std::make_shared<const Recordings>(Recordings{train, test});
    launch(nullptr, std::make_tuple(circuit, options), runFolder);
    return true;
}

void FitWorker::adopt(std::shared_ptr<FitRun> run) {
    if (isRunning()) return;
    run_ = std::move(run);
    data_ = std::make_shared<const Recordings>(Recordings{run_->objective().train(), run_->objective().test()});
}

bool FitWorker::continueRun(int moreEpochs) {
    if (!canContinue() || moreEpochs <= 0) return false;
    run_->setEpochs(run_->epochsDone() + moreEpochs);
    launch(run_, std::nullopt);
    return true;
}

int FitWorker::epochsDone() const { return run_ && !isRunning() ? run_->epochsDone() : -1; }

void FitWorker::launch(std::shared_ptr<FitRun> given, std::optional<std::tuple<Circuit, FitOptions>> fresh,
                       const std::string& runFolder) {
    {
        std::lock_guard lock(control_->mutex);
        control_->stop = false;
        control_->paused = false;
        control_->pending.clear();
    }
    emit pausedChanged(false);
    auto control = control_;
    auto data = data_;
    watcher_.setFuture(QtConcurrent::run([this, control, given, fresh = std::move(fresh), data, runFolder]() {
        lowerCurrentThreadPriority();  // the fit's threads, started from here, inherit it
        const FitDataset& train = data->train;
        const std::optional<FitDataset>& test = data->test;
        FitOutcome outcome;
        try {
            std::shared_ptr<FitRun> run =
                given ? given : std::make_shared<FitRun>(std::get<0>(*fresh), train, test, std::get<1>(*fresh));
            if (!given && !runFolder.empty()) run->attachRunDirectory(runFolder);  // writes settings and data
            outcome.run = run;
            const int threads = run->options().threads;
            std::unique_ptr<Simulation> traceSim;
            auto lastTrace = std::chrono::steady_clock::now() - std::chrono::seconds(10);
            const int P = run->layout().size();
            // Stop also cuts a long polish round short (the round is repeated on Continue).
            run->setInterrupt([control] { return control->stop.load(); });
            outcome.result = run->run([&](const EpochSummary& summary) {
                FitProgress p;
                p.summary = summary;
                p.bestIterate = run->bestIterate();
                p.totalSeconds = run->wallSeconds();
                const int best = std::max(0, summary.bestIndex);
                p.bestParams.assign(run->population().begin() + static_cast<std::ptrdiff_t>(best) * P,
                                    run->population().begin() + static_cast<std::ptrdiff_t>(best + 1) * P);
                const auto now = std::chrono::steady_clock::now();
                const bool last = summary.epoch + 1 >= run->options().epochs;
                if (last || std::chrono::duration<double>(now - lastTrace).count() >= traceInterval) {
                    lastTrace = now;
                    p.bestTrace = simulateSet(traceSim, run->circuit(), p.bestParams, train.stimulus, threads);
                }
                std::unique_lock lock(control->mutex);
                const bool post = control->pending.empty();
                control->pending.push_back(std::move(p));
                lock.unlock();
                // Posted without the lock: the GUI thread this wakes takes this thread's CPU and
                // must find the lock free.
                if (post) QMetaObject::invokeMethod(this, [this] { drain(false); }, Qt::QueuedConnection);
                // Paused: wait here, between two epochs, until resumed or stopped.
                lock.lock();
                control->wake.wait(lock, [&] { return !control->paused || control->stop; });
                return control->stop ? FitControl::Stop : FitControl::Continue;
            });
            if (outcome.result.termination == Termination::Failed) {
                outcome.error = QString::fromStdString(outcome.result.message);
                return outcome;
            }
            outcome.totalSeconds = run->wallSeconds();
            outcome.best = run->bestCircuit();
            outcome.population = run->population();
            for (const ParamEntry& e : run->layout().entries()) outcome.parameterNames << QString::fromStdString(e.name);
            const std::vector<double>& bestParams = outcome.result.bestParams;
            outcome.bestTrain = simulateSet(traceSim, run->circuit(), bestParams, train.stimulus, threads);
            if (test) outcome.bestTest = simulateSet(traceSim, run->circuit(), bestParams, test->stimulus, threads);
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        } catch (...) {
            outcome.error = QStringLiteral("unknown error in the optimizer");
        }
        return outcome;
    }));
}

void FitWorker::drain(bool wait) {
    std::vector<FitProgress> batch;
    {
        std::unique_lock lock(control_->mutex, std::defer_lock);
        if (wait) {
            lock.lock();
        } else if (!lock.try_lock()) {
            constexpr int retryMs = 2;
            QTimer::singleShot(retryMs, this, [this] { drain(false); });
            return;
        }
        batch.swap(control_->pending);
    }
    for (const FitProgress& p : batch) emit epochFinished(p);
}

void FitWorker::stop() {
    {
        std::lock_guard lock(control_->mutex);
        control_->stop = true;
    }
    control_->wake.notify_all();
}

void FitWorker::setPaused(bool paused) {
    {
        std::lock_guard lock(control_->mutex);
        if (control_->paused == paused) return;
        control_->paused = paused;
    }
    control_->wake.notify_all();
    emit pausedChanged(paused);
}

bool FitWorker::isPaused() const { return control_->paused; }

}  // namespace odynn::ui
