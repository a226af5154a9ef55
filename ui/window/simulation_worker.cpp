#include "window/simulation_worker.hpp"

#include "window/background_work.hpp"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <exception>

namespace odynn::ui {

SimulationWorker::SimulationWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<SimulationOutput>();
    connect(&watcher_, &QFutureWatcher<SimulationOutput>::finished, this, &SimulationWorker::onJobFinished);
}

SimulationWorker::~SimulationWorker() {
    pending_.reset();
    cancel();
    watcher_.waitForFinished();
}

SimulationOutput SimulationWorker::runNow(const Circuit& circuit, const Stimulus& stimulus,
                                          const std::atomic<bool>* cancel,
                                          std::function<void(double)> progress) {
    SimulationOutput out;
    out.circuit = circuit;
    out.stimulus = stimulus;
    const auto begin = std::chrono::steady_clock::now();
    try {
        circuit.validate();
        SimulationOptions options;
        options.record = Record::AllStates;
        options.threads = backgroundThreads();
        options.cancel = cancel;
        options.progress = std::move(progress);
        SimulationResult result = simulate(circuit, stimulus, options);
        out.cancelled = result.cancelled;
        if (!result.sets.empty()) out.trajectory = std::move(result.sets.front());
        out.stateNames = recordedStateNames(circuit, Record::AllStates);
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    } catch (...) {
        out.error = QStringLiteral("unknown error in the simulator");
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    return out;
}

quint64 SimulationWorker::start(const Circuit& circuit, const Stimulus& stimulus) {
    Request request{circuit, stimulus, nextSerial_++};
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
    watcher_.setFuture(QtConcurrent::run([request = std::move(request), flag, report, serial]() {
        lowerCurrentThreadPriority();
        SimulationOutput out = runNow(request.circuit, request.stimulus, flag.get(), report);
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
