#pragma once
// Runs an odynn::FitRun off the GUI thread. Each finished epoch is sent to the GUI thread as
// a value; Stop sets an atomic flag that the epoch callback turns into FitControl::Stop, so
// the run ends cleanly after the current epoch with its best parameters kept.
#include <QFutureWatcher>
#include <QObject>
#include <atomic>
#include <memory>

#include "odynn/fitting.hpp"

namespace odynn::ui {

struct FitOutcome {
    FitResult result;
    Circuit best;       // the circuit with the best set applied
    QString error;      // non-empty when the run could not start or failed
};

class FitWorker : public QObject {
    Q_OBJECT
public:
    explicit FitWorker(QObject* parent = nullptr);
    ~FitWorker() override;  // stops and waits

    // Returns false (and emits failed) when the options are invalid.
    bool start(const Circuit& circuit, const FitDataset& data, const FitOptions& options);
    void stop();
    bool isRunning() const { return watcher_.isRunning(); }

signals:
    void epochFinished(const odynn::EpochSummary& summary);
    void finished(const odynn::ui::FitOutcome& outcome);
    void failed(const QString& message);

private:
    QFutureWatcher<FitOutcome> watcher_;
    std::shared_ptr<std::atomic<bool>> stopFlag_;
};

}  // namespace odynn::ui

Q_DECLARE_METATYPE(odynn::EpochSummary)
Q_DECLARE_METATYPE(odynn::ui::FitOutcome)
