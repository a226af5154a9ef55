#pragma once
// Runs a circuit's simulation off the GUI thread. Only what the window shows is recorded: V and
// Ca of every neuron, and every state (gates) of the neurons on screen. One odynn::Simulation is
// kept and reused while the circuit keeps its shape (a slider moving a parameter), so repeated
// runs reuse its buffers. Cancelling sets an atomic flag the simulator polls (no queued signal
// has to get through), progress arrives as 0..1, and the result comes back to the GUI thread as
// a value. A new request while one runs cancels the running job and starts the newest request
// when it ends, so dragging a slider never queues stale work.
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QThreadPool>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "odynn/fitting.hpp"
#include "odynn/simulation.hpp"

namespace odynn::ui {

struct SimulationOutput {
    quint64 serial = 0;              // which request this answers
    Circuit circuit;                 // as simulated
    Stimulus stimulus;
    Trajectory trajectory;           // V (row 0) and Ca (row 1) of every neuron, the circuit's own parameters
    Trajectory detail;               // every state of detailNeurons (NaN where a model has fewer)
    std::vector<int> detailNeurons;  // circuit indices of detail's neurons
    std::vector<std::string> stateNames;  // of detail's rows
    double seconds = 0;              // wall time of the simulation
    bool cancelled = false;
    QString error;                   // non-empty when the job failed
    QStringList batchNames;          // names of the stimulus entries, for plot menus
    // The loaded targets' fitting data (odynn::stackBatch of their data sets), simulated beside
    // the stimulus: entry k is target k driven by the current it was recorded with.
    std::optional<FitDataset> recorded;
    Trajectory recordedTrajectory, recordedDetail;  // as trajectory and detail
    QStringList recordedNames;       // a name per recorded entry, for plot menus

    double timeAt(int step) const { return (step + 1) * circuit.dt; }  // ms, end of step
    int detailIndex(int neuron) const;  // neuron's index in detail; -1 when its states were not recorded
};

// The Simulation of the latest circuit shape, shared by the jobs one after another.
struct SimulationCache {
    std::mutex mutex;
    std::optional<Simulation> simulation;
    int reuses = 0;  // runs that found the simulation already set up (for tests)
};

class SimulationWorker : public QObject {
    Q_OBJECT
public:
    explicit SimulationWorker(QObject* parent = nullptr);
    ~SimulationWorker() override;  // cancels and waits, so no job outlives the worker

    // Returns the request's serial number. `detailNeurons`: circuit indices of the neurons whose
    // every state is recorded (the others record V and Ca).
    // `recorded`: the targets' data, simulated after the stimulus (SimulationOutput::recorded).
    quint64 start(const Circuit& circuit, const Stimulus& stimulus, const std::vector<int>& detailNeurons = {},
                  std::optional<FitDataset> recorded = std::nullopt);
    void cancel();
    bool isRunning() const;
    QString lastError() const { return lastError_; }

    // The same job on the calling thread; errors are reported in `error`, never thrown.
    // `cache` (optional) keeps the Simulation for the next call with the same circuit shape.
    static SimulationOutput runNow(const Circuit& circuit, const Stimulus& stimulus,
                                   const std::vector<int>& detailNeurons = {},
                                   const std::atomic<bool>* cancel = nullptr,
                                   std::function<void(double)> progress = {}, SimulationCache* cache = nullptr,
                                   const FitDataset* recorded = nullptr);
    int reusedSimulations() const;  // background runs that reused the kept Simulation

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
        std::vector<int> detailNeurons;
        std::optional<FitDataset> recorded;
        quint64 serial;
    };
    void launch(Request request);
    void onJobFinished();

    // Its own thread: threads of the global pool may have been lowered in priority by a fit,
    // and a thread cannot raise its priority again.
    QThreadPool pool_;
    QFutureWatcher<SimulationOutput> watcher_;
    std::shared_ptr<std::atomic<bool>> cancelFlag_;
    std::shared_ptr<SimulationCache> cache_ = std::make_shared<SimulationCache>();
    std::optional<Request> pending_;
    quint64 nextSerial_ = 1;
    QString lastError_;
};

}  // namespace odynn::ui

Q_DECLARE_METATYPE(odynn::ui::SimulationOutput)
