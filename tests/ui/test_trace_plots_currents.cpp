// The Currents panel of the trace plots: each shown neuron's ionic currents and, in a circuit,
// its synaptic and gap currents, equal to the core's post-hoc currents of the same rows. A run
// records V and Ca of every neuron and the gates of the neurons on screen only.
#include <QCheckBox>
#include <QSignalSpy>
#include <QTest>
#include <qcustomplot.h>

#include "odynn/circuit_io.hpp"
#include "odynn/currents.hpp"
#include "odynn/parameters.hpp"
#include "odynn/simulator.hpp"
#include "plots/trace_plots.hpp"

using namespace odynn;
using namespace odynn::ui;

class TestTracePlotsCurrents : public QObject {
    Q_OBJECT
private slots:
    void currentsPanel() {
        const Circuit c = loadCircuit(ODYNN_TEST_DATA_DIR "/golden/circuit_pair.json");
        Stimulus stim(400, 1, 2);
        for (int t = 100; t < 300; ++t) stim.at(t, 0, 0) = 20.0;
        SimulationOptions opt;
        opt.record = Record::AllStates;
        const SimulationResult r = simulate(c, ParameterLayout(c).values(c), 1, stim, opt);
        const SimulationOutput out = SimulationWorker::runNow(c, stim, {0, 1});
        QCOMPARE(out.trajectory.states, 2);  // V and Ca only
        QCOMPARE(out.detail.neurons, 2);
        for (int t : {0, 200, 399})
            for (int s = 0; s < 7; ++s) QCOMPARE(out.detail.at(t, s, 0, 1), r.sets[0].at(t, s, 0, 1));

        TracePlots plots;
        plots.resize(800, 900);
        plots.setOutput(out);
        plots.currentsBox()->setChecked(true);
        plots.redrawNow();
        QMap<QString, QCPGraph*> byName;
        for (int g = 0; g < plots.plot()->graphCount(); ++g) byName[plots.plot()->graph(g)->name()] = plots.plot()->graph(g);
        for (const char* name : {"A I_Ca", "A I_Kf", "A I_Ks", "A I_L", "A isyn", "A igap", "B I_Ca", "B isyn", "B igap"})
            QVERIFY2(byName.contains(QString::fromLatin1(name)), name);

        const Trajectory& tr = r.sets[0];
        std::vector<std::vector<double>> states(7, std::vector<double>(400)), volts(2, std::vector<double>(400));
        for (int t = 0; t < 400; ++t) {
            for (int s = 0; s < 7; ++s) states[size_t(s)][size_t(t)] = tr.at(t, s, 0, 1);
            for (int n = 0; n < 2; ++n) volts[size_t(n)][size_t(t)] = tr.at(t, 0, 0, n);
        }
        const auto ionic = ionicCurrents("celegans", c.neurons[1].params, states);
        const CircuitCurrents edges = circuitCurrents(c, volts);
        for (int t : {0, 150, 399}) {
            QCOMPARE(byName["B I_Ca"]->data()->at(t)->value, ionic[0][size_t(t)]);
            QCOMPARE(byName["B isyn"]->data()->at(t)->value, edges.synaptic[1][size_t(t)]);
            QCOMPARE(byName["A igap"]->data()->at(t)->value, edges.gap[0][size_t(t)]);
        }

        plots.currentsBox()->setChecked(false);
        plots.redrawNow();
        for (int g = 0; g < plots.plot()->graphCount(); ++g)
            QVERIFY(!plots.plot()->graph(g)->name().contains(QStringLiteral("isyn")));

        // Only A's gates recorded: B keeps its V curve, has no ionic currents, and the plots ask
        // for a run that records B.
        plots.setOutput(SimulationWorker::runNow(c, stim, {0}));
        plots.currentsBox()->setChecked(true);
        QSignalSpy missing(&plots, &TracePlots::statesNotRecorded);
        plots.redrawNow();
        byName.clear();
        for (int g = 0; g < plots.plot()->graphCount(); ++g) byName[plots.plot()->graph(g)->name()] = plots.plot()->graph(g);
        QVERIFY(byName.contains(QStringLiteral("A I_Ca")));
        QVERIFY(!byName.contains(QStringLiteral("B I_Ca")));
        QVERIFY(byName.contains(QStringLiteral("B")));
        QVERIFY(byName.contains(QStringLiteral("B isyn")));  // from every neuron's V
        QCOMPARE(missing.count(), 1);
        QCOMPARE(missing.first().first().toStringList(), QStringList{QStringLiteral("B")});
        QVERIFY(plots.readout().contains(QStringLiteral("not recorded")));
        // The next run records B: the notice goes.
        plots.setOutput(SimulationWorker::runNow(c, stim, {0, 1}));
        plots.redrawNow();
        QCOMPARE(missing.count(), 1);
        QVERIFY(!plots.readout().contains(QStringLiteral("not recorded")));
    }
};

QTEST_MAIN(TestTracePlotsCurrents)
#include "test_trace_plots_currents.moc"
