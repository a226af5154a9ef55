// The odynn-cli contract: outputs, exit codes and one-line error messages naming file, line and field.
#include <QProcess>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include "odynn/csv.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

struct Run {
    int code;
    QString out, err;
};

Run cli(const QStringList& args) {
    QProcess p;
    p.start(ODYNN_CLI, args);
    p.waitForFinished(120000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString write(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return path;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private slots:
    void simulateGoldenNeuron() {
        const QString golden = QString::fromStdString(test::dataPath("golden/"));
        const QString out = dir.filePath("o.csv");
        const Run r = cli({"simulate", "--model", "celegans", "--input", golden + "celegans_default_input.csv", "--out", out});
        QCOMPARE(r.code, 0);
        const CsvTable got = readCsv(out.toStdString());
        const CsvTable want = readCsv((golden + "celegans_default_expected.csv").toStdString());
        QCOMPARE(got.header, want.header);
        QCOMPARE(got.rows(), want.rows());
        for (size_t c = 0; c < want.header.size(); ++c) {
            double maxAbs = 0, maxDiff = 0;
            for (int k = 0; k < want.rows(); ++k) {
                maxAbs = std::max(maxAbs, std::abs(want.columns[c][k]));
                maxDiff = std::max(maxDiff, std::abs(want.columns[c][k] - got.columns[c][k]));
            }
            QVERIFY(maxDiff <= 1e-9 * maxAbs);
        }
    }

    void simulateCircuitColumns() {
        const QString golden = QString::fromStdString(test::dataPath("golden/"));
        const QString out = dir.filePath("c.csv");
        const Run r = cli({"simulate", "--circuit", golden + "circuit_pair.json", "--input", golden + "circuit_pair_input.csv",
                           "--out", out});
        QCOMPARE(r.code, 0);
        const CsvTable got = readCsv(out.toStdString());
        // The inputs come first, so that the file is fitting data for the circuit as it is.
        QCOMPARE(got.header, (std::vector<std::string>{"t", "i_A", "i_B", "V_A", "cac_A", "V_B", "cac_B"}));
    }

    void manySetsAndCurrentsAtOnce() {
        const QString in1 = write(dir, "i1.csv", "t,i_inj\n0,0\n1,10\n2,10\n3,0\n");
        const QString in2 = write(dir, "i2.csv", "t,i_inj\n0,0\n1,30\n2,30\n3,30\n");
        const QString p = write(dir, "sets.json", R"([{"C_m": 2}, {"C_m": 4, "g_L": 0.2}])");
        const Run r = cli({"simulate", "--model", "leaky", "--params", p, "--input", in1, "--input", in2, "--out",
                           dir.filePath("m.csv")});
        QCOMPARE(r.code, 0);
        for (const char* f : {"m_s0_b0.csv", "m_s0_b1.csv", "m_s1_b0.csv", "m_s1_b1.csv"}) QVERIFY2(QFile::exists(dir.filePath(f)), f);
        // Set 0, input 0: V1 = (V0 C/dt + I + gL EL) / (C/dt + gL) with C = 2.
        const CsvTable s0 = readCsv(dir.filePath("m_s0_b0.csv").toStdString());
        QVERIFY(std::abs(s0.column("V")[1] - (-60.0 * 2 + 10 + 0.1 * -60) / (2 + 0.1)) < 1e-12);
        const CsvTable s1 = readCsv(dir.filePath("m_s1_b1.csv").toStdString());
        QVERIFY(std::abs(s1.column("V")[1] - (-60.0 * 4 + 30 + 0.2 * -60) / (4 + 0.2)) < 1e-12);
    }

    void modelsListsEveryParameter() {
        const Run r = cli({"models"});
        QCOMPARE(r.code, 0);
        for (const char* s : {"celegans", "hhsimple", "leaky", "decay_ca", "h__alpha", "mS/cm2", "a__tau"})
            QVERIFY2(r.out.contains(s), s);
    }

    void badInputsExitTwoWithWhere_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing column") << QByteArray("t,x\n0,1\n0.1,2\n") << QStringList{} << "i_inj";
        QTest::newRow("non-numeric") << QByteArray("t,i_inj\n0,0\n0.1,abc\n") << QStringList{} << ":3: i_inj";
        QTest::newRow("non-uniform t") << QByteArray("t,i_inj\n0,0\n0.1,0\n0.3,0\n") << QStringList{} << ":4: t";
        QTest::newRow("one row") << QByteArray("t,i_inj\n0,0\n") << QStringList{} << "at least 2 rows";
        QTest::newRow("nan cell") << QByteArray("t,i_inj\n0,0\n0.1,nan\n") << QStringList{} << "not finite";
        QTest::newRow("ragged row") << QByteArray("t,i_inj\n0,0\n0.1\n") << QStringList{} << ":3";
        QTest::newRow("unknown model") << QByteArray("t,i_inj\n0,0\n0.1,0\n") << QStringList{"--model", "nope"} << "nope";
    }
    void badInputsExitTwoWithWhere() {
        QFETCH(QByteArray, input);
        QFETCH(QStringList, extra);
        QFETCH(QString, expected);
        const QString in = write(dir, "bad.csv", input);
        QStringList args{"simulate", "--input", in, "--out", dir.filePath("x.csv")};
        args += extra.isEmpty() ? QStringList{"--model", "celegans"} : extra;
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);  // one line
        QVERIFY(!QFile::exists(dir.filePath("x.csv")));
    }

    void badParameterAndCircuitFiles() {
        const QString in = write(dir, "in.csv", "t,i_inj\n0,0\n0.1,0\n");
        const QString p1 = write(dir, "p1.json", R"({"C_m": 1, "bogus": 2})");
        Run r = cli({"simulate", "--model", "celegans", "--params", p1, "--input", in, "--out", dir.filePath("y.csv")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("bogus"));
        const QString p2 = write(dir, "p2.json", R"({"C_m": )");
        r = cli({"simulate", "--model", "celegans", "--params", p2, "--input", in, "--out", dir.filePath("y.csv")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("p2.json:1"));
        const QString c1 = write(dir, "c1.json", R"({"format":"odynn-circuit","version":1,"dt":0.1,
            "neurons":[{"label":"A"}],"synapses":[{"pre":"A","post":"Z"}]})");
        r = cli({"simulate", "--circuit", c1, "--input", write(dir, "ci.csv", "t,i_A\n0,0\n0.1,0\n"), "--out", dir.filePath("y.csv")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown neuron 'Z'") && r.err.contains("synapses[0].post"), qPrintable(r.err));
        r = cli({"simulate", "--model", "celegans", "--input", dir.filePath("absent.csv"), "--out", dir.filePath("y.csv")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("absent.csv"));
    }

    void gradientAndFitRoundTrip() {
        // Data from the leaky neuron's defaults, fitted from 4 random starts.
        QByteArray csv = "t,i_inj,V\n";
        double v = -60;
        for (int k = 0; k < 200; ++k) {
            const double i = (k > 20 && k < 120) ? 5.0 : 0.0;
            v = (v * 1.0 / 1.0 + i + 0.1 * -60.0) / (1.0 / 1.0 + 0.1);
            csv += QByteArray::number(k * 1.0) + "," + QByteArray::number(i) + "," + QByteArray::number(v, 'g', 17) + "\n";
        }
        const QString data = write(dir, "leaky.csv", csv);
        const QString g = dir.filePath("g.json");
        Run r = cli({"gradient", "--model", "leaky", "--data", data, "--out", g});
        QCOMPARE(r.code, 0);
        QFile gf(g);
        gf.open(QIODevice::ReadOnly);
        const auto doc = nlohmann::json::parse(gf.readAll().toStdString());
        QVERIFY(doc.at("loss").get<double>() < 1e-20);  // the defaults generated the data
        QVERIFY(doc.at("gradient").contains("C_m") && doc.at("gradient").contains("E_L"));
        const QString run = dir.filePath("run");
        r = cli({"fit", "--model", "leaky", "--data", data, "--population", "4", "--epochs", "30", "--seed", "3", "--out", run});
        QCOMPARE(r.code, 0);
        for (const char* f : {"best.json", "summary.json", "history.csv", "params.csv", "checkpoint.json"})
            QVERIFY2(QFile::exists(run + "/" + f), f);
        const CsvTable h = readCsv((run + "/history.csv").toStdString());
        QCOMPARE(h.rows(), 30);
        QCOMPARE(h.header.size(), size_t(2 + 4));  // epoch, lr, one loss per set (no test data)
        r = cli({"fit", "--resume", run, "--epochs", "40"});
        QCOMPARE(r.code, 0);
        QCOMPARE(readCsv((run + "/history.csv").toStdString()).rows(), 40);
        // Wrong dt for the circuit, unknown fixed parameter: exit code 2.
        r = cli({"fit", "--model", "leaky", "--data", data, "--fix", "nope", "--out", dir.filePath("run2")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("nope"));

        // The robust method's basin hops: --hops sets their rounds (the last epochs, stage "hop").
        const auto hopRows = [](const QString& folder) {  // rows whose last column, stage, is "hop"
            QFile f(folder + "/history.csv");
            if (!f.open(QIODevice::ReadOnly)) return -1;
            int n = 0;
            for (const QByteArray& line : f.readAll().split('\n')) n += line.endsWith(",hop");
            return n;
        };
        for (const int hops : {0, 2}) {
            const QString out = dir.filePath(QString("robust%1").arg(hops));
            r = cli({"fit", "--model", "leaky", "--data", data, "--population", "2", "--epochs", "5", "--seed", "3",
                     "--method", "robust", "--hops", QString::number(hops), "--out", out});
            QCOMPARE(r.code, 0);
            QCOMPARE(hopRows(out), hops);
        }
        r = cli({"fit", "--model", "leaky", "--data", data, "--method", "robust", "--hops", "-1", "--out", dir.filePath("r3")});
        QCOMPARE(r.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
