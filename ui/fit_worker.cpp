#include "fit_worker.hpp"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>

namespace odynn::ui {

FitWorker::FitWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<EpochSummary>();
    qRegisterMetaType<FitOutcome>();
    connect(&watcher_, &QFutureWatcher<FitOutcome>::finished, this, [this] {
        const FitOutcome outcome = watcher_.result();
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

bool FitWorker::start(const Circuit& circuit, const FitDataset& data, const FitOptions& options) {
    if (isRunning()) return false;
    if (const std::string problem = options.problem(circuit); !problem.empty()) {
        emit failed(QString::fromStdString(problem));
        return false;
    }
    stopFlag_ = std::make_shared<std::atomic<bool>>(false);
    auto flag = stopFlag_;
    watcher_.setFuture(QtConcurrent::run([this, circuit, data, options, flag]() {
        FitOutcome outcome;
        try {
            FitRun run(circuit, data, std::nullopt, options);
            outcome.result = run.run([this, flag](const EpochSummary& summary) {
                QMetaObject::invokeMethod(this, [this, summary] { emit epochFinished(summary); },
                                          Qt::QueuedConnection);
                return flag->load() ? FitControl::Stop : FitControl::Continue;
            });
            if (outcome.result.termination == Termination::Failed)
                outcome.error = QString::fromStdString(outcome.result.message);
            else
                outcome.best = run.bestCircuit();
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        } catch (...) {
            outcome.error = QStringLiteral("unknown error in the optimizer");
        }
        return outcome;
    }));
    return true;
}

void FitWorker::stop() {
    if (stopFlag_) stopFlag_->store(true);
}

}  // namespace odynn::ui
