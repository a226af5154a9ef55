// The background simulation: results arrive as values with the expected shape, progress is
// reported in 0..1, cancelling stops a long job, and bad input is an error, not a crash.
#include <QSignalSpy>
#include <QTest>

#include <cmath>

#include "window/simulation_worker.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
Circuit pair() {
    Circuit c;
    c.dt = 0.1;
    c.addNeuron("A");
    c.addNeuron("B");
    c.synapses.push_back({0, 1, presets::excitatory1});
    return c;
}
Stimulus stepInto(int neuron, int steps, int neurons, double amplitude) {
    Stimulus s(steps, 1, neurons);
    for (int t = steps / 10; t < steps; ++t) s.at(t, 0, neuron) = amplitude;
    return s;
}
}  // namespace

class TestSimulationWorker : public QObject {
    Q_OBJECT
private slots:
    void finishedDeliversTheTrajectoryAndProgress() {
        SimulationWorker worker;
        QSignalSpy finished(&worker, &SimulationWorker::finished);
        QSignalSpy progress(&worker, &SimulationWorker::progress);
        QSignalSpy failed(&worker, &SimulationWorker::failed);
        const Circuit c = pair();
        const quint64 serial = worker.start(c, stepInto(0, 5000, 2, 20.0));
        QVERIFY(finished.wait(60000));
        QCOMPARE(failed.count(), 0);
        const auto out = finished.at(0).at(0).value<SimulationOutput>();
        QCOMPARE(out.serial, serial);
        QCOMPARE(out.trajectory.steps, 5000);
        QCOMPARE(out.trajectory.neurons, 2);
        QCOMPARE(out.trajectory.batch, 1);
        QCOMPARE(out.stateNames.front(), std::string("V"));
        // Starts at rest and the driven neuron depolarises.
        QVERIFY(std::abs(out.trajectory.at(0, 0, 0, 0) + 60.0) < 1.0);
        QVERIFY(out.trajectory.at(4999, 0, 0, 0) > -55.0);
        QVERIFY(!progress.isEmpty());
        for (const auto& args : progress) {
            const double f = args.at(0).toDouble();
            QVERIFY(f >= 0.0 && f <= 1.0);
        }
        QCOMPARE(progress.last().at(0).toDouble(), 1.0);
        QVERIFY(!worker.isRunning());
    }

    // A parameter edit (a slider) reuses the kept Simulation and gives what a fresh one gives;
    // a new shape (another connection) sets up a new one.
    void parameterEditsReuseTheSimulation() {
        SimulationWorker worker;
        QSignalSpy finished(&worker, &SimulationWorker::finished);
        Circuit c = pair();
        const Stimulus s = stepInto(0, 2000, 2, 20.0);
        worker.start(c, s, {1});
        QVERIFY(finished.wait(60000));
        c.synapses[0].p.G = 0.3;
        worker.start(c, s, {1});
        QVERIFY(finished.wait(60000));
        QCOMPARE(worker.reusedSimulations(), 1);
        const auto reused = finished.last().at(0).value<SimulationOutput>();
        const SimulationOutput fresh = SimulationWorker::runNow(c, s, {1});
        QCOMPARE(reused.trajectory.values, fresh.trajectory.values);
        QCOMPARE(reused.detail.values, fresh.detail.values);
        QCOMPARE(reused.detailIndex(1), 0);
        QCOMPARE(reused.detailIndex(0), -1);
        c.gaps.push_back({0, 1, 0.1});
        worker.start(c, s, {1});
        QVERIFY(finished.wait(60000));
        QCOMPARE(worker.reusedSimulations(), 1);
    }

    void cancelStopsALongJob() {
        SimulationWorker worker;
        QSignalSpy cancelled(&worker, &SimulationWorker::cancelled);
        QSignalSpy finished(&worker, &SimulationWorker::finished);
        // The flag is set before the job can finish, whatever the machine's speed: the
        // simulator must notice it between blocks of steps.
        worker.start(pair(), Stimulus(400000, 1, 2));
        QVERIFY(worker.isRunning());
        worker.cancel();
        QVERIFY(cancelled.wait(60000));
        QCOMPARE(finished.count(), 0);
        QVERIFY(!worker.isRunning());
    }

    void newerRequestReplacesTheRunningOne() {
        SimulationWorker worker;
        QSignalSpy finished(&worker, &SimulationWorker::finished);
        const Circuit c = pair();
        worker.start(c, stepInto(0, 400000, 2, 5.0));
        const quint64 latest = worker.start(c, stepInto(0, 1000, 2, 5.0));
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).value<SimulationOutput>().serial, latest);
        QCOMPARE(finished.at(0).at(0).value<SimulationOutput>().trajectory.steps, 1000);
    }

    void badInputIsReportedNotThrown() {
        SimulationWorker worker;
        QSignalSpy failed(&worker, &SimulationWorker::failed);
        Circuit c = pair();
        c.dt = -1.0;
        worker.start(c, stepInto(0, 100, 2, 1.0));
        QVERIFY(failed.wait(30000));
        QVERIFY(!failed.at(0).at(0).toString().isEmpty());
        QCOMPARE(worker.lastError(), failed.at(0).at(0).toString());

        const SimulationOutput out = SimulationWorker::runNow(pair(), Stimulus(100, 1, 3));  // 3 != 2 neurons
        QVERIFY(!out.error.isEmpty());
    }

    void destroyingARunningWorkerIsSafe() {
        auto* worker = new SimulationWorker;
        Circuit c = pair();
        worker->start(c, Stimulus(300000, 2, 2));
        QTest::qWait(20);
        delete worker;  // cancels and waits; nothing may touch the worker afterwards
        QTest::qWait(50);
    }
};

QTEST_GUILESS_MAIN(TestSimulationWorker)
#include "test_simulation_worker.moc"
