// Conformance: the engine reproduces every golden reference trace to 1e-9 x max|column|.
#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/datasets.hpp"
#include "test_support.hpp"

using namespace odynn;

class TestGolden : public QObject {
    Q_OBJECT

    // Compares every column of `expected` with the simulated trajectory.
    static void compare(const CsvTable& expected, const std::vector<std::string>& columns,
                        const std::function<double(int row, int col)>& value) {
        for (size_t c = 0; c < columns.size(); ++c) {
            const auto& col = expected.column(columns[c]);
            double maxAbs = 0, maxDiff = 0;
            for (double x : col) maxAbs = std::max(maxAbs, std::abs(x));
            for (int r = 0; r < expected.rows(); ++r) {
                const double v = value(r, int(c));
                QVERIFY2(std::isfinite(v), qPrintable(QString::fromStdString(columns[c]) + " is not finite"));
                maxDiff = std::max(maxDiff, std::abs(v - col[r]));
            }
            QVERIFY2(maxDiff <= 1e-9 * maxAbs,
                     qPrintable(QString("%1: max |diff| %2 > 1e-9 x %3").arg(QString::fromStdString(columns[c]))
                                    .arg(maxDiff).arg(maxAbs)));
        }
    }

private slots:
    void singleNeuron_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("model");
        QTest::newRow("celegans_default") << "celegans_default" << "celegans";
        QTest::newRow("celegans_random1") << "celegans_random1" << "celegans";
        QTest::newRow("hhsimple_default") << "hhsimple_default" << "hhsimple";
        QTest::newRow("leaky_default") << "leaky_default" << "leaky";
    }
    void singleNeuron() {
        QFETCH(QString, name);
        QFETCH(QString, model);
        const std::string base = test::dataPath("golden/" + name.toStdString());
        const CsvTable in = readCsv(base + "_input.csv");
        const CsvTable expected = readCsv(base + "_expected.csv");
        const ModelSpec& spec = modelSpec(model.toStdString());
        const auto params = paramsFromJson(spec, readJsonFile(base + "_params.json"));
        const Circuit c = singleNeuronCircuit(spec.name, uniformStep(in), params);
        const SimulationResult r = simulate(c, stimulusFromTable(c, in));
        QCOMPARE(r.sets[0].steps, expected.rows());
        compare(expected, spec.stateNames, [&](int row, int col) { return r.sets[0].at(row, col, 0, 0); });
    }
    void circuitPair() {
        const std::string base = test::dataPath("golden/circuit_pair");
        const Circuit c = loadCircuit(base + ".json");
        const CsvTable in = readCsv(base + "_input.csv");
        const CsvTable expected = readCsv(base + "_expected.csv");
        SimulationOptions opt;
        opt.record = Record::VoltageCalcium;
        const SimulationResult r = simulate(c, stimulusFromTable(c, in), opt);
        compare(expected, {"V_A", "cac_A", "V_B", "cac_B"},
                [&](int row, int col) { return r.sets[0].at(row, col % 2, 0, col / 2); });
    }
};

QTEST_APPLESS_MAIN(TestGolden)
#include "test_golden.moc"
