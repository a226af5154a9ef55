// Currents computed from recorded rows: ionic currents of each model, and a circuit's synaptic
// and gap currents against ODYNN's own (odynn_ref.py: Circuit.syn_currents); simulate
// --currents writes them, and its output is fitting data as it is.
#include <QProcess>
#include <QTemporaryDir>

#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/currents.hpp"
#include "test_support.hpp"

using namespace odynn;

class TestCurrents : public QObject {
    Q_OBJECT

private slots:
    void circuitCurrentsMatchOdynn() {
        const Circuit c = loadCircuit(test::dataPath("golden/circuit_pair.json"));
        const CsvTable ref = readCsv(test::dataPath("golden/odynn_circuit_isyn.csv"));
        const CircuitCurrents cur = circuitCurrents(c, {ref.column("V0"), ref.column("V1")});
        for (int n = 0; n < 2; ++n) {
            const auto& want = ref.column(n == 0 ? "isyn0" : "isyn1");
            for (int t = 0; t < ref.rows(); ++t) {
                const double got = cur.synaptic[size_t(n)][size_t(t)] + cur.gap[size_t(n)][size_t(t)];
                QString why;
                QVERIFY2(test::closeRel(got, want[size_t(t)], 1e-12, 0.02, &why), qPrintable(why));
            }
        }
        // The gap current is antisymmetric: G_gap (V_B - V_A) into A.
        QVERIFY(std::abs(cur.gap[0][5] + cur.gap[1][5]) < 1e-15);
        QVERIFY(std::abs(cur.gap[0][5] - 0.2 * (ref.column("V1")[5] - ref.column("V0")[5])) < 1e-15);
    }

    void ionicCurrentsOfEachModel() {
        QCOMPARE(ionicCurrentNames("celegans"), (std::vector<std::string>{"I_Ca", "I_Kf", "I_Ks", "I_L"}));
        QCOMPARE(ionicCurrentNames("hhsimple"), (std::vector<std::string>{"I_K", "I_L"}));
        QCOMPARE(ionicCurrentNames("leaky"), (std::vector<std::string>{"I_L"}));
        QVERIFY(ionicCurrentNames("lstm").empty());
        // One row of celegans states with the default parameters (SPEC 1.1).
        const std::vector<std::vector<double>> states = {{-20.0}, {0.3}, {0.6}, {0.2}, {0.5}, {0.9}, {1e-4}};
        const auto c = ionicCurrents("celegans", modelSpec("celegans").defaults(), states);
        const double h = 1 + (1 / (1 + std::exp((6.42 - 1e-4) / -1.0)) - 1) * 0.282;
        QVERIFY(std::abs(c[0][0] - 3.0 * 0.25 * 0.9 * h * (-20.0 - 20.0)) < 1e-12);
        QVERIFY(std::abs(c[1][0] - 0.07 * 0.0081 * 0.6 * (-20.0 + 60.0)) < 1e-12);
        QVERIFY(std::abs(c[2][0] - 10.0 * 0.2 * (-20.0 + 60.0)) < 1e-12);
        QVERIFY(std::abs(c[3][0] - 0.005 * (-20.0 + 60.0)) < 1e-12);
        const auto hh = ionicCurrents("hhsimple", modelSpec("hhsimple").defaults(), {{-50.0}, {0.5}, {0.4}});
        const auto& hs = modelSpec("hhsimple");
        const auto p = hs.defaults();
        const double gK = p[size_t(hs.paramIndex("g_K"))], eK = p[size_t(hs.paramIndex("E_K"))];
        QVERIFY(std::abs(hh[0][0] - gK * 0.125 * 0.4 * (-50.0 - eK)) < 1e-12);
    }

    void simulateWritesCurrentsAndItsOutputFits() {
        QTemporaryDir dir;
        const std::string golden = test::dataPath("golden/");
        const QString out = dir.filePath("pair.csv");
        QProcess sim;
        sim.start(ODYNN_CLI, {"simulate", "--circuit", QString::fromStdString(golden + "circuit_pair.json"), "--input",
                              QString::fromStdString(golden + "circuit_pair_input.csv"), "--currents", "--out", out});
        QVERIFY(sim.waitForFinished(120000));
        QVERIFY2(sim.exitCode() == 0, sim.readAllStandardError().constData());
        const CsvTable t = readCsv(out.toStdString());
        QCOMPARE(t.header, (std::vector<std::string>{"t", "i_A", "i_B", "V_A", "cac_A", "V_B", "cac_B", "isyn_A",
                                                     "isyn_B", "igap_A", "igap_B"}));
        const CsvTable in = readCsv(golden + "circuit_pair_input.csv");
        QCOMPARE(t.column("i_B"), in.column("i_B"));
        // isyn_B: the inhibitory A -> B synapse (G 0.5, mdp 0, scale 10, E -70) from the same row.
        const double va = t.column("V_A")[500], vb = t.column("V_B")[500];
        QVERIFY(std::abs(t.column("isyn_B")[500] - 0.5 / (1 + std::exp((0 - va) / 10)) * (-70 - vb)) < 1e-12);

        // The output is fitting data for the same circuit as it is; its extra columns are noted.
        QProcess fit;
        fit.start(ODYNN_CLI, {"fit", "--circuit", QString::fromStdString(golden + "circuit_pair.json"), "--data", out,
                              "--epochs", "1", "--population", "1", "--out", dir.filePath("run")});
        QVERIFY(fit.waitForFinished(300000));
        const QByteArray fitErr = fit.readAllStandardError();
        QVERIFY2(fit.exitCode() == 0, fitErr.constData());
        QVERIFY(fitErr.contains("ignored: isyn_A, isyn_B, igap_A, igap_B"));

        const QString one = dir.filePath("one.csv");
        QProcess neuron;
        neuron.start(ODYNN_CLI, {"simulate", "--model", "celegans", "--input",
                                 QString::fromStdString(golden + "celegans_default_input.csv"), "--currents", "--out", one});
        QVERIFY(neuron.waitForFinished(120000));
        QCOMPARE(neuron.exitCode(), 0);
        const CsvTable n = readCsv(one.toStdString());
        QCOMPARE(n.header.back(), std::string("I_L"));
        const int r = 3000;
        QVERIFY(std::abs(n.column("I_L")[r] - 0.005 * (n.column("V")[r] + 60)) < 1e-12);
        QVERIFY(std::abs(n.column("I_Ks")[r] - 10.0 * n.column("n")[r] * (n.column("V")[r] + 60)) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestCurrents)
#include "test_currents.moc"
