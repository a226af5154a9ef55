#include "window/simulation_worker.hpp"

#include "window/background_work.hpp"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <exception>

namespace odynn::ui {

SimulationWorker::SimulationWorker(QObject* parent) : QObject(parent) {
    pool_.setMaxThreadCount(1);  // one job at a time; a newer request waits for the running one to stop
    qRegisterMetaType<SimulationOutput>();
    connect(&watcher_, &QFutureWatcher<SimulationOutput>::finished, this, &SimulationWorker::onJobFinished);
}

SimulationWorker::~SimulationWorker() {
    pending_.reset();
    cancel();
    watcher_.waitForFinished();
}

int SimulationOutput::detailIndex(int neuron) const {
    for (size_t k = 0; k < detailNeurons.size(); ++k)
        if (detailNeurons[k] == neuron) return static_cast<int>(k);
    return -1;
}

SimulationOutput SimulationWorker::runNow(const Circuit& circuit, const Stimulus& stimulus,
                                          const std::vector<int>& detailNeurons, const std::atomic<bool>* cancel,
                                          std::function<void(double)> progress, SimulationCache* cache,
                                          const FitDataset* recorded) {
    SimulationOutput out;
    out.circuit = circuit;
    out.stimulus = stimulus;
    out.detailNeurons = detailNeurons;
    const auto begin = std::chrono::steady_clock::now();
    try {
        SimulationCache fresh;
        SimulationCache& kept = cache ? *cache : fresh;
        const std::lock_guard<std::mutex> lock(kept.mutex);
        if (kept.simulation && kept.simulation->hasShapeOf(circuit)) {
            kept.simulation->setParameters(circuit);  // a parameter edit: the buffers are reused
            ++kept.reuses;
        } else {
            kept.simulation.reset();  // its buffers go before the new circuit's are made
            kept.simulation.emplace(circuit);
        }
        SimulationOptions& options = kept.simulation->options();
        options.record = Record::VoltageCalcium;
        options.detailNeurons = detailNeurons;
        options.threads = backgroundThreads();
        options.cancel = cancel;
        options.progress = std::move(progress);
        kept.simulation->run(stimulus);
        SimulationResult result = kept.simulation->takeResult();
        options.progress = {};
        if (recorded && !result.cancelled) {
            kept.simulation->run(recorded->stimulus);
            SimulationResult taken = kept.simulation->takeResult();
            result.cancelled = taken.cancelled;
            out.recorded = *recorded;
            if (!taken.sets.empty()) out.recordedTrajectory = std::move(taken.sets.front());
            if (!taken.detail.empty()) out.recordedDetail = std::move(taken.detail.front());
        }
        options.cancel = nullptr;  // the flag belongs to this call
        out.cancelled = result.cancelled;
        if (!result.sets.empty()) out.trajectory = std::move(result.sets.front());
        if (!result.detail.empty()) out.detail = std::move(result.detail.front());
        out.stateNames = recordedStateNames(circuit, Record::AllStates);
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    } catch (...) {
        out.error = QStringLiteral("unknown error in the simulator");
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    return out;
}

int SimulationWorker::reusedSimulations() const {
    const std::lock_guard<std::mutex> lock(cache_->mutex);
    return cache_->reuses;
}

quint64 SimulationWorker::start(const Circuit& circuit, const Stimulus& stimulus, const std::vector<int>& detailNeurons,
                                std::optional<FitDataset> recorded) {
    Request request{circuit, stimulus, detailNeurons, std::move(recorded), nextSerial_++};
    const quint64 serial = request.serial;
    if (isRunning()) {
        pending_ = std::move(request);
        cancelFlag_->store(true);
    } else {
        launch(std::move(request));
    }
    return serial;
}

void SimulationWorker::launch(Request request) {
    cancelFlag_ = std::make_shared<std::atomic<bool>>(false);
    auto flag = cancelFlag_;
    // Progress is posted to the GUI thread at most once per percent.
    auto lastPosted = std::make_shared<std::atomic<int>>(-1);
    auto report = [this, lastPosted](double fraction) {
        const int percent = static_cast<int>(fraction * 100.0);
        if (percent <= lastPosted->load()) return;
        lastPosted->store(percent);
        QMetaObject::invokeMethod(this, [this, fraction] { emit progress(fraction); }, Qt::QueuedConnection);
    };
    emit started(request.serial);
    const quint64 serial = request.serial;
    watcher_.setFuture(QtConcurrent::run(&pool_, [request = std::move(request), flag, report, serial, cache = cache_]() {
        SimulationOutput out = runNow(request.circuit, request.stimulus, request.detailNeurons, flag.get(), report,
                                      cache.get(), request.recorded ? &*request.recorded : nullptr);
        out.serial = serial;
        return out;
    }));
}

void SimulationWorker::cancel() {
    pending_.reset();
    if (cancelFlag_) cancelFlag_->store(true);
}

bool SimulationWorker::isRunning() const { return watcher_.isRunning(); }

void SimulationWorker::onJobFinished() {
    SimulationOutput out = watcher_.result();
    if (pending_) {
        // A newer request arrived while this one ran: its answer is the one that matters.
        Request next = std::move(*pending_);
        pending_.reset();
        launch(std::move(next));
        return;
    }
    if (!out.error.isEmpty()) {
        lastError_ = out.error;
        emit failed(out.error);
    } else if (out.cancelled) {
        emit cancelled();
    } else {
        lastError_.clear();
        emit progress(1.0);
        emit finished(out);
    }
}

}  // namespace odynn::ui
