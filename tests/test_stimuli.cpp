// ODYNN's standard protocols: give_train (with its optional noise) and all 5 give_test currents,
// against numpy / scipy (tests/make_stimulus_fixtures.py); the named DEFAULT_2 neuron.
#include <QProcess>
#include <QTemporaryDir>

#include "odynn/csv.hpp"
#include "odynn/model.hpp"
#include "odynn/parameter_presets.hpp"
#include "odynn/stimuli.hpp"
#include "test_support.hpp"

using namespace odynn;

class TestStimuli : public QObject {
    Q_OBJECT
private slots:
    void protocolsMatchOdynn() {
        for (const bool train : {true, false}) {
            const CsvTable want = readCsv(test::dataPath(train ? "stimuli/give_train_dt1.csv" : "stimuli/give_test_dt1.csv"));
            const auto got = train ? trainingCurrents(1.0) : testCurrents(1.0);
            QCOMPARE(got.size(), size_t(5));
            for (int c = 0; c < 5; ++c) {
                const auto& col = want.column("i" + std::to_string(c));
                QCOMPARE(int(got[size_t(c)].size()), want.rows());
                for (int k = 0; k < want.rows(); ++k)
                    QVERIFY2(std::abs(got[size_t(c)][size_t(k)] - col[size_t(k)]) <= 1e-12 * std::max(1.0, std::abs(col[size_t(k)])),
                             qPrintable(QString("%1 column %2 row %3: %4 vs %5").arg(train ? "train" : "test").arg(c).arg(k)
                                            .arg(got[size_t(c)][size_t(k)], 0, 'g', 17).arg(col[size_t(k)], 0, 'g', 17)));
            }
        }
    }

    void trainingNoiseIsSeededAndSmall() {
        const auto clean = trainingCurrents(1.0);
        const auto a = trainingCurrents(1.0, 1200.0, 7), b = trainingCurrents(1.0, 1200.0, 7), c = trainingCurrents(1.0, 1200.0, 8);
        QCOMPARE(a, b);
        QVERIFY(a != c);
        double lo = 1, hi = -1, sum = 0;
        for (size_t col = 0; col < 5; ++col)
            for (size_t k = 0; k < clean[col].size(); ++k) {
                const double d = a[col][k] - clean[col][k];
                lo = std::min(lo, d);
                hi = std::max(hi, d);
                sum += d;
            }
        QVERIFY(lo >= -0.05 && hi < 0.05);  // 0.1 (u - 0.5)
        QVERIFY(hi - lo > 0.09);
        QVERIFY(std::abs(sum / (5 * 1200)) < 0.005);
    }

    void default2() {
        QCOMPARE(parameterPresetNames("celegans"), (std::vector<std::string>{"default", "default2"}));
        QCOMPARE(parameterPresetNames("leaky"), (std::vector<std::string>{"default"}));
        const ModelSpec& spec = modelSpec("celegans");
        const auto d2 = *parameterPreset("celegans", "default2");
        const auto d1 = spec.defaults();
        auto at = [&](const std::vector<double>& p, const char* name) { return p[size_t(spec.paramIndex(name))]; };
        QCOMPARE(at(d2, "q__tau"), 100.0);
        QCOMPARE(at(d2, "n__tau"), 1050.0);
        QCOMPARE(at(d2, "f__scale"), -20.03);
        QCOMPARE(at(d2, "e__mdp"), -6.0);
        QCOMPARE(at(d2, "h__mdp"), 302.0);
        QCOMPARE(at(d2, "g_Ks"), 6.0);
        QCOMPARE(at(d2, "C_m"), at(d1, "C_m"));
        int changed = 0;
        for (size_t k = 0; k < d1.size(); ++k) changed += d1[k] != d2[k];
        QCOMPARE(changed, 12);
        QVERIFY(!parameterPreset("hhsimple", "default2"));
        QVERIFY(!parameterPreset("celegans", "default3"));

        // simulate --params default2: the named set, not a file.
        QTemporaryDir dir;
        const std::string in = test::dataPath("golden/celegans_default_input.csv");
        auto run = [&](const QString& model, const QString& params, const QString& out) {
            QProcess p;
            p.start(ODYNN_CLI, {"simulate", "--model", model, "--params", params, "--input", QString::fromStdString(in),
                                "--out", dir.filePath(out)});
            p.waitForFinished(120000);
            return p.exitCode();
        };
        QCOMPARE(run("celegans", "default2", "d2.csv"), 0);
        QCOMPARE(run("celegans", "default", "d1.csv"), 0);
        const CsvTable a = readCsv(dir.filePath("d1.csv").toStdString()), b = readCsv(dir.filePath("d2.csv").toStdString());
        const CsvTable golden = readCsv(test::dataPath("golden/celegans_default_expected.csv"));
        const auto &va = a.column("V"), &vg = golden.column("V");
        QCOMPARE(va.size(), vg.size());
        for (size_t k = 0; k < va.size(); ++k) QVERIFY(std::abs(va[k] - vg[k]) <= 1e-9 * 60);  // the default neuron
        QVERIFY(a.column("n")[5000] != b.column("n")[5000]);
        QCOMPARE(run("hhsimple", "default2", "x.csv"), 2);
    }
};

QTEST_APPLESS_MAIN(TestStimuli)
#include "test_stimuli.moc"
