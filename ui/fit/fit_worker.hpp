#pragma once
// Runs an odynn::FitRun off the GUI thread. Each finished epoch reaches the GUI thread as a
// value (coalesced: however fast epochs come, at most one queued call is pending). Stop and
// pause are atomic state the epoch callback reads, so they act after the current epoch
// without any queued signal having to get through; a stopped or finished run can be
// continued for more epochs, bit for bit as if it had never stopped.
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>
#include <vector>

#include "odynn/fitting.hpp"

namespace odynn::ui {

struct FitProgress {
    EpochSummary summary;
    std::vector<double> bestParams;        // the best set after this epoch's update [layout size]
    std::optional<Trajectory> bestTrace;   // its V and Ca on the training data; at most ~4 per second
    BestIterate bestIterate;               // the lowest loss seen so far (any set, any epoch)
    double totalSeconds = 0;               // s of every epoch of the run so far, continued parts included
};

struct FitOutcome {
    FitResult result;
    Circuit best;                      // the circuit with the best set applied
    std::vector<double> population;    // final sets, row-major [sets x parameters]
    QStringList parameterNames;        // layout names, one per column
    std::optional<Trajectory> bestTrain, bestTest;  // V and Ca of the best set
    QString error;                     // non-empty when the run could not start or failed
    std::shared_ptr<FitRun> run;       // the optimizer state, kept so the run can continue
    double totalSeconds = 0;           // s of every epoch of the run, continued parts included
};

class FitWorker : public QObject {
    Q_OBJECT
public:
    explicit FitWorker(QObject* parent = nullptr);
    ~FitWorker() override;  // stops and waits

    // Returns false (and emits failed) when the options are invalid. With a `runFolder` the run
    // writes the same run folder as `odynn-cli fit --out` (odynn-cli fit --resume continues it).
    bool start(const Circuit& circuit, const FitDataset& train, const std::optional<FitDataset>& test,
               const FitOptions& options, const std::string& runFolder = {});
    // A run read from its folder (FitRun::resume) becomes the one Continue goes on with.
    void adopt(std::shared_ptr<FitRun> run);
    // A stopped or finished run goes on for `moreEpochs`; false when there is none or one runs.
    bool continueRun(int moreEpochs);
    void stop();
    void setPaused(bool paused);
    bool isPaused() const;
    bool isRunning() const { return watcher_.isRunning(); }
    bool canContinue() const { return run_ && !isRunning(); }
    int epochsDone() const;

signals:
    void epochFinished(const odynn::ui::FitProgress& progress);
    void finished(const odynn::ui::FitOutcome& outcome);
    void failed(const QString& message);
    void pausedChanged(bool paused);

private:
    // The fit's threads run below the GUI thread's priority: on a busy machine one may wait long
    // for a CPU, so the GUI thread never blocks on a lock such a thread may hold. It reads the
    // flags without the lock (they are written under it, for the wait on `wake`) and takes the
    // pending epochs only when the lock is free at once.
    struct Control {
        std::mutex mutex;
        std::condition_variable wake;
        std::atomic<bool> paused = false, stop = false;
        std::vector<FitProgress> pending;  // epochs not yet handed to the GUI thread
    };
    // Runs `run`, or first builds it from `fresh` on the worker thread (building copies the
    // data and draws the population: tens of milliseconds the window should not wait).
    void launch(std::shared_ptr<FitRun> run, std::optional<std::tuple<Circuit, FitOptions>> fresh,
                const std::string& runFolder = {});
    // Hands the pending epochs to the GUI thread. `wait`: for the lock; else only when it is
    // free now, and again shortly when it is not.
    void drain(bool wait = true);

    QFutureWatcher<FitOutcome> watcher_;
    std::shared_ptr<Control> control_;
    std::shared_ptr<FitRun> run_;
    // The recordings, shared with the running fit rather than copied for it: copying megabytes
    // of fresh memory on the GUI thread took 8 ms of its time at every start.
    struct Recordings {
        FitDataset train;
        std::optional<FitDataset> test;
    };
    std::shared_ptr<const Recordings> data_;
};

}  // namespace odynn::ui

Q_DECLARE_METATYPE(odynn::ui::FitProgress)
Q_DECLARE_METATYPE(odynn::ui::FitOutcome)
