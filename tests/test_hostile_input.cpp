// Honest failures: bad or hostile input gives one short, printable line and exit code 2; a
// simulation that stops being a number says where (exit 3) instead of writing garbage.
#include <QDir>
#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "test_support.hpp"

using namespace odynn;
using namespace odynn::test;

namespace {

QString csvError(const std::string& text) {
    try {
        parseCsv(text, "x.csv");
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString circuitError(const std::string& text) {
    try {
        circuitFromJson(parseJsonText(text, "c.json"), "c.json");
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

const std::string twoNeurons = R"("neurons": [{"label": "A"}, {"label": "B"}])";

}  // namespace

class TestHostileInput : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    QString pairInput() {
        QByteArray csv = "t,i_A,i_B\n";
        for (int k = 0; k < 200; ++k) csv += QByteArray::number(k * 0.1) + "," + (k > 10 ? "10" : "0") + ",0\n";
        return writeFile(dir.filePath("pair_input.csv"), csv);
    }

private slots:
    void byteOrderMarkIsNotPartOfTheHeader() {
        const CsvTable t = parseCsv("\xEF\xBB\xBFt,i_inj\n0,1\n0.1,2\n", "excel.csv");
        QCOMPARE(t.header.front(), std::string("t"));
        QCOMPARE(t.column("i_inj")[1], 2.0);
        QCOMPARE(parseTextCsv("\xEF\xBB\xBFname\nAVA\n", "n.csv").header.front(), std::string("name"));
    }

    void numbersAreDecimal_data() {
        QTest::addColumn<QByteArray>("cell");
        QTest::addColumn<QString>("expected");
        QTest::newRow("hex float") << QByteArray("0x1p3") << "is not a number";
        QTest::newRow("NUL inside") << QByteArray("1\0" "5", 3) << "is not a number";
        QTest::newRow("infinity word") << QByteArray("-Infinity") << "not finite";
        QTest::newRow("overflow") << QByteArray("1e400") << "not finite";
        QTest::newRow("trailing text") << QByteArray("1.5abc") << "is not a number";
    }
    void numbersAreDecimal() {
        QFETCH(QByteArray, cell);
        QFETCH(QString, expected);
        const QString why = csvError("t,i\n0,0\n0.1," + cell.toStdString() + "\n");
        QVERIFY2(why.contains("x.csv:3: i: ") && why.contains(expected), qPrintable(why));
    }

    void decimalFormsStillRead() {
        const CsvTable t = parseCsv("t,i\n 1 ,+2.5\n-1e-3,1E2\r\n1e-400,.5\n", "ok.csv");
        QCOMPARE(t.column("t")[0], 1.0);
        QCOMPARE(t.column("i")[0], 2.5);
        QCOMPARE(t.column("t")[1], -1e-3);
        QCOMPARE(t.column("i")[1], 100.0);
        QCOMPARE(t.column("t")[2], 0.0);
        QCOMPARE(t.column("i")[2], 0.5);
    }

    // A 5 MB cell gives a short message; terminal escape codes are shown, not sent.
    void echoedCellsAreCappedAndEscaped() {
        const QString big = csvError("t,i\n0,0\n0.1," + std::string(5'000'000, 'z') + "\n");
        QVERIFY2(big.size() < 200, qPrintable(big.left(300)));
        QVERIFY(big.contains("5000000 bytes"));
        const QString esc = csvError("t,i\n0,0\n0.1,\x1b[31mred\n");
        QVERIFY2(!esc.contains(QChar(0x1b)) && esc.contains("\\x1b[31mred"), qPrintable(esc));
        const QString key = circuitError("{\"dt\": 0.1, \"neurons\": [{\"label\": \"A\", \"\\u001b]0;x\": 1}]}");
        QVERIFY2(!key.contains(QChar(0x1b)) && key.contains("\\x1b"), qPrintable(key));
    }

    void circuitFilesAreStrict_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("synapse typo") << QString::fromStdString(R"({"dt": 0.1, )" + twoNeurons +
                                                                 R"(, "synapse": [{"pre": "A", "post": "B"}]})")
                                      << "c.json: synapse: unknown key 'synapse'";
        QTest::newRow("self synapse") << QString::fromStdString(R"({"dt": 0.1, )" + twoNeurons +
                                                                 R"(, "synapses": [{"pre": "A", "post": "A"}]})")
                                      << "onto itself";
        QTest::newRow("comma label") << R"({"dt": 0.1, "neurons": [{"label": "A,B"}]})" << "comma";
        QTest::newRow("quote label") << "{\"dt\": 0.1, \"neurons\": [{\"label\": \"A\\\"B\"}]}" << "quote";
        QTest::newRow("newline label") << R"({"dt": 0.1, "neurons": [{"label": "A\nB"}]})" << "control";
        QTest::newRow("negative C_m") << R"({"dt": 0.1, "neurons": [{"label": "A", "params": {"C_m": -1}}]})"
                                      << "A/C_m: C_m = -1 must be > 0";
        QTest::newRow("zero tau") << R"({"dt": 0.1, "neurons": [{"label": "A", "params": {"p__tau": 0}}]})"
                                  << "must be > 0";
        QTest::newRow("negative conductance") << R"({"dt": 0.1, "neurons": [{"label": "A", "params": {"g_L": -0.1}}]})"
                                              << "must be >= 0";
        QTest::newRow("negative G") << QString::fromStdString(R"({"dt": 0.1, )" + twoNeurons +
                                                               R"(, "synapses": [{"pre": "A", "post": "B", "G": -1}]})")
                                    << "must be >= 0";
        QTest::newRow("lstm units text") << R"({"dt": 0.1, "neurons": [{"label": "A", "model": "lstm", "lstm": {"units": "50"}}]})"
                                         << "c.json: neurons[0].lstm.units: expected a whole number";
    }
    void circuitFilesAreStrict() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const QString why = circuitError(json.toStdString());
        QVERIFY2(why.contains(expected), qPrintable(why));
        QVERIFY(!why.contains('\n'));
    }

    void appProjectKeysAreAccepted() {
        const QString why = circuitError(R"({"dt": 0.1, "neurons": [{"label": "A"}], "stimuli": {}, "fit": {}})");
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    void parameterFilesRespectDomains() {
        const QString in = writeFile(dir.filePath("in.csv"), "t,i_inj\n0,0\n0.1,0\n0.2,0\n");
        const QString p = writeFile(dir.filePath("neg.json"), R"({"C_m": -1})");
        const Run r = cli({"simulate", "--model", "celegans", "--params", p, "--input", in, "--out", dir.filePath("o.csv")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("neg.json: C_m: C_m = -1 must be > 0"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath("o.csv")));
    }

    // A synapse of G = 1e300 makes the voltages overflow: exit 3 with where, nothing written;
    // --allow-divergence writes it with a warning.
    void divergenceIsReported() {
        const QString circuit = writeFile(dir.filePath("diverging.json"), R"({"dt": 0.1,
            "neurons": [{"label": "A"}, {"label": "B"}],
            "synapses": [{"pre": "A", "post": "B", "G": 1e300}, {"pre": "B", "post": "A", "G": 1e300}]})");
        const QString out = dir.filePath("div.csv");
        Run r = cli({"simulate", "--circuit", circuit, "--input", pairInput(), "--out", out});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("diverged at row") && r.err.contains("neuron '") && r.err.contains("--allow-divergence"),
                 qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
        r = cli({"simulate", "--circuit", circuit, "--input", pairInput(), "--allow-divergence", "--out", out});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains("warning"), qPrintable(r.err));
        QVERIFY(QFile::exists(out));
        const QString big = writeFile(dir.filePath("eca.json"), R"({"E_Ca": 1e308})");
        QByteArray step = "t,i_inj\n";
        for (int k = 0; k < 100; ++k) step += QByteArray::number(k * 0.1) + ",10\n";
        r = cli({"simulate", "--model", "celegans", "--params", big, "--input", writeFile(dir.filePath("step.csv"), step),
                 "--out", out + "2"});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("diverged"), qPrintable(r.err));
    }

    void rangeErrorsAreReadable() {
        const Run r = cli({"fit", "--model", "leaky", "--data", "x.csv", "--population", "0", "--out", dir.filePath("r")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--population: must be more than 0, not 0"), qPrintable(r.err));
        QVERIFY2(r.err.size() < 200, qPrintable(r.err));
    }

    // Every example circuit ships with an input file (<name>_input.csv) that runs.
    void everyExampleHasAnInputThatRuns() {
        const QDir examples(QString::fromStdString(resourcePath("examples")));
        const QStringList circuits = examples.entryList({"*.json"});
        QVERIFY(!circuits.isEmpty());
        for (const QString& c : circuits) {
            const QString input = examples.filePath(c.chopped(5) + "_input.csv");
            QVERIFY2(QFile::exists(input), qPrintable(input));
            const Run r = cli({"simulate", "--circuit", examples.filePath(c), "--input", input, "--out",
                               dir.filePath(c + ".csv")});
            QVERIFY2(r.code == 0, qPrintable(c + ": " + r.err));
        }
    }

    void versionComesFromTheProject() {
        const Run r = cli({"--version"});
        QCOMPARE(r.code, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0], QString(ODYNN_VERSION));
        // The kernels' instruction-set level follows it.
        QVERIFY2(QRegularExpression("^kernels: (x86-64-v[1-4]|native)$").match(lines[1]).hasMatch(), qPrintable(lines[1]));
    }

#ifdef ODYNN_DESKTOP
    // The desktop program prints its help where there is no display at all.
    void desktopHelpNeedsNoDisplay() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(var);
        const Run r = runProgram(ODYNN_DESKTOP, {"--help"}, env);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("--screenshot"), qPrintable(r.out + r.err));
    }
#endif

#ifdef ODYNN_PLOT
    // odynn-plot replaces figures only with complete ones and leaves no temporary files.
    void plotWritesWholeFiguresOnly() {
        QDir(dir.path()).mkdir("fig");
        const QString base = dir.filePath("fig/trace");
        const QString trace = writeFile(dir.filePath("trace.csv"), "t,i_inj,V\n0,0,-60\n0.1,1,-59\n0.2,1,-58\n");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        QCOMPARE(runProgram(ODYNN_PLOT, {trace, "--out", base}, env).code, 0);
        QCOMPARE(QDir(dir.filePath("fig")).entryList(QDir::Files | QDir::Hidden).size(), 2);
        const QByteArray png = readBytes(base + ".png");
        QVERIFY(png.startsWith("\x89PNG"));
        const Run bad = runProgram(ODYNN_PLOT, {writeFile(dir.filePath("bad.csv"), "t,V\n0,x\n"), "--out", base}, env);
        QCOMPARE(bad.code, 2);
        QCOMPARE(readBytes(base + ".png"), png);
        QCOMPARE(QDir(dir.filePath("fig")).entryList(QDir::Files | QDir::Hidden).size(), 2);
    }
#endif
};

QTEST_GUILESS_MAIN(TestHostileInput)
#include "test_hostile_input.moc"
