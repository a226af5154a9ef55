#pragma once
// Runs odynn::simulate off the GUI thread. Cancelling sets an atomic flag the simulator polls
// (no queued signal has to get through), progress arrives as 0..1, and the result comes back
// to the GUI thread as a value. A new request while one runs cancels the running job and
// starts the newest request when it ends, so dragging a slider never queues stale work.
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <optional>

#include "odynn/simulator.hpp"

namespace odynn::ui {

struct SimulationOutput {
    quint64 serial = 0;              // which request this answers
    Circuit circuit;                 // as simulated
    Stimulus stimulus;
    Trajectory trajectory;           // the circuit's own parameter set, Record::AllStates
    std::vector<std::string> stateNames;
    double seconds = 0;              // wall time of the simulation
    bool cancelled = false;
    QString error;                   // non-empty when the job failed
    QStringList batchNames;          // names of the stimulus entries, for plot menus

    double timeAt(int step) const { return (step + 1) * circuit.dt; }  // ms, end of step
};

class SimulationWorker : public QObject {
    Q_OBJECT
public:
    explicit SimulationWorker(QObject* parent = nullptr);
    ~SimulationWorker() override;  // cancels and waits, so no job outlives the worker

    // Returns the request's serial number.
    quint64 start(const Circuit& circuit, const Stimulus& stimulus);
    void cancel();
    bool isRunning() const;
    QString lastError() const { return lastError_; }

    // The same job on the calling thread; errors are reported in `error`, never thrown.
    static SimulationOutput runNow(const Circuit& circuit, const Stimulus& stimulus,
                                   const std::atomic<bool>* cancel = nullptr,
                                   std::function<void(double)> progress = {});

signals:
    void started(quint64 serial);
    void progress(double fraction);
    void finished(const odynn::ui::SimulationOutput& output);
    void failed(const QString& message);
    void cancelled();

private:
    struct Request {
        Circuit circuit;
        Stimulus stimulus;
        quint64 serial;
    };
    void launch(Request request);
    void onJobFinished();

    QFutureWatcher<SimulationOutput> watcher_;
    std::shared_ptr<std::atomic<bool>> cancelFlag_;
    std::optional<Request> pending_;
    quint64 nextSerial_ = 1;
    QString lastError_;
};

}  // namespace odynn::ui

Q_DECLARE_METATYPE(odynn::ui::SimulationOutput)
