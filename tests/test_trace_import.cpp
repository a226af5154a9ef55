// Calcium-imaging import: resampling, the Hill transform, windows, and the import-trace command
// (the smoothing spline itself: test_smoothing_spline).
#include <QProcess>
#include <QTemporaryDir>

#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/trace_import.hpp"
#include "test_support.hpp"

using namespace odynn;

class TestTraceImport : public QObject {
    Q_OBJECT

private slots:
    void resampleGrid() {
        const std::vector<double> t = {0, 1, 2, 3, 4};
        const std::vector<double> v = {0, 1, 4, 9, 16};
        const auto r = resample(t, v, 0.25, 0.0);
        QCOMPARE(int(r.size()), 17);  // 0, 0.25, .., 4
        QVERIFY(std::abs(r[6] - 2.25) < 1e-12);  // a quadratic is reproduced by the cubic spline
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resample({0, 1, 2}, {0, 1, 2}, 0.1, 0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resample({0, 1, 1, 2}, {0, 1, 2, 3}, 0.1, 0.0));
    }

    void hill() {
        const double k = 189e-6, n = 3.8;
        QVERIFY(std::abs(hillCalcium(0.5) - std::pow(k * 0.5 / 1.5, 1 / n)) < 1e-15);
        QCOMPARE(hillCalcium(3.0), 0.0);   // F > alpha: negative base, clipped to 0
        QCOMPARE(hillCalcium(-0.1), 0.0);  // negative fluorescence
        QCOMPARE(hillCalcium(0.0), 0.0);
    }

    void importDefaultsOnAval() {
        const RawTrace raw = readTraceCsv(test::dataPath("AVAL1.csv"));
        QCOMPARE(int(raw.time.size()), 3137);
        TraceImportOptions o;
        o.dt = 1.0;
        o.window = std::make_pair(0.0, 171794.8);  // samples 0..499
        const ImportedTrace d = importTrace(raw, o);
        // t from 0 with step dt up to the last sample in the window (171794.708 ms).
        QCOMPARE(int(d.t.size()), 171795);
        QCOMPARE(d.t[25000], 25000.0);
        // splev(50000, splrep(t[:500] * 1000, 10 * trace[:500], s=0.25)) and the current with s=0
        // (scipy 1.10).
        QVERIFY(std::abs(d.current[50000] - 9.972630467446804) < 1e-8);
        QVERIFY(std::abs(d.cac[50000] - 8.570878769343617) < 1e-9 * 8.57);

        TraceImportOptions w = o;
        w.window = std::make_pair(420 * 344.2779725, 919 * 344.2779726);  // ODYNN's second window
        const ImportedTrace d2 = importTrace(raw, w);
        QCOMPARE(int(d2.t.size()), int(std::floor(499 * 344.27797258)) + 1);
        // The count previews announce is the count the import gives, windows ending between samples too.
        QCOMPARE(importedStepCount(raw, o), d.t.size());
        QCOMPARE(importedStepCount(raw, w), d2.t.size());
        TraceImportOptions between = o;
        between.window = std::make_pair(1000.0, 60000.0);
        QCOMPARE(importedStepCount(raw, between), importTrace(raw, between).t.size());
        QVERIFY(std::abs(d2.current[0] - raw.current[420] * 10) < 1e-9);

        TraceImportOptions h = o;
        h.hill = true;
        h.traceScale = 1.0;
        const ImportedTrace dh = importTrace(raw, h);
        for (size_t k = 0; k < dh.cac.size(); k += 1000) QVERIFY(dh.cac[k] > -0.01 && dh.cac[k] < 0.2);
    }

    void odynnPreparationMatchesGetRealData() {
        // ODYNN's datas.get_real_data(dt=5) on AVAL1, computed with scipy 1.10 by
        // tests/make_spline_fixtures.py.
        const RawTrace raw = readTraceCsv(test::dataPath("AVAL1.csv"));
        const OdynnRealData d = odynnRealData(raw, 5.0);
        QCOMPARE(int(d.train.size()), 5);
        auto compare = [](const ImportedTrace& got, const std::string& file) {
            const CsvTable want = readCsv(test::dataPath("odynn_preset/" + file));
            QCOMPARE(int(got.t.size()), want.rows());
            const auto& t = want.column("t");
            const auto& i = want.column("i_inj");
            const auto& cac = want.column("cac");
            for (int r = 0; r < want.rows(); ++r) {
                QString why;
                QVERIFY2(test::closeRel(got.t[size_t(r)], t[size_t(r)], 1e-12, std::max(1.0, t[size_t(r)]), &why),
                         qPrintable(why));
                // 1e-9 of the value, or of the signal's size (10) where it crosses zero.
                QVERIFY2(test::closeRel(got.cac[size_t(r)], cac[size_t(r)], 1e-9,
                                        std::max(std::abs(cac[size_t(r)]), 1e-2), &why),
                         qPrintable(QString::fromStdString(file) + " cac row " + QString::number(r) + ": " + why));
                QVERIFY2(test::closeRel(got.current[size_t(r)], i[size_t(r)], 1e-9, std::max(std::abs(i[size_t(r)]), 1e-2),
                                        &why),
                         qPrintable(QString::fromStdString(file) + " i_inj row " + QString::number(r) + ": " + why));
            }
        };
        for (int k = 0; k < 5; ++k) compare(d.train[size_t(k)], "train_" + std::to_string(k) + ".csv");
        compare(d.test, "test.csv");
        QCOMPARE(int(odynnRealData(raw, 0.2).train[0].t.size()), 20000);  // numpy.arange(0, 4000, 0.2)

        RawTrace shortRaw = raw;
        shortRaw.trace.resize(3000);
        shortRaw.current.resize(3000);
        shortRaw.time.resize(3000);
        try {
            odynnRealData(shortRaw, 0.2);
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("trace"));
            QVERIFY(std::string(e.what()).find("3100") != std::string::npos);
        }
    }

    void odynnPresetCommand() {
        QTemporaryDir dir;
        const QString out = dir.filePath("aval");
        QProcess p;
        p.start(ODYNN_CLI, {"import-trace", QString::fromStdString(test::dataPath("AVAL1.csv")), "--preset", "odynn",
                            "--dt", "5", "--out", out});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        for (const char* name : {"train_0.csv", "train_1.csv", "train_2.csv", "train_3.csv", "train_4.csv", "test.csv"}) {
            const CsvTable got = readCsv((out + "/" + name).toStdString());
            const CsvTable want = readCsv(test::dataPath(std::string("odynn_preset/") + name));
            QCOMPARE(got.header, (std::vector<std::string>{"t", "i_inj", "cac"}));
            QCOMPARE(got.rows(), want.rows());
            const auto &a = got.column("cac"), &b = want.column("cac");
            for (int r = 0; r < got.rows(); r += 97) QVERIFY(std::abs(a[size_t(r)] - b[size_t(r)]) <= 1e-9 * std::max(1e-2, std::abs(b[size_t(r)])));
        }
        // Too short a recording: exit 2, one line naming the file, and no directory written.
        QFile shortFile(dir.filePath("short.csv"));
        QVERIFY(shortFile.open(QIODevice::WriteOnly));
        shortFile.write("trace,inputCurrent,timeVector\n");
        for (int r = 0; r < 100; ++r) shortFile.write(QString("0.1,0,%1\n").arg(r * 0.1).toUtf8());
        shortFile.close();
        const QString badOut = dir.filePath("bad");
        QProcess bad;
        bad.start(ODYNN_CLI, {"import-trace", shortFile.fileName(), "--preset", "odynn", "--out", badOut});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("short.csv:101: trace: ODYNN's preparation needs at least 3100"));
        QVERIFY(!QFileInfo::exists(badOut));
        // Without the preset --dt is required.
        QProcess noDt;
        noDt.start(ODYNN_CLI, {"import-trace", shortFile.fileName(), "--out", dir.filePath("x.csv")});
        QVERIFY(noDt.waitForFinished(60000));
        QCOMPARE(noDt.exitCode(), 2);
        QVERIFY(!QFileInfo::exists(dir.filePath("x.csv")));
    }

    void odynnSplit() {
        const TraceSplit s = odynnTraceSplit(3137);
        QCOMPARE(int(s.train.size()), 4);
        QCOMPARE(s.train[2], std::make_pair(1140, 1639));
        QCOMPARE(s.test, std::make_pair(0, 3136));
        QCOMPARE(int(odynnTraceSplit(1000).train.size()), 2);
    }

    void badInputNamesFileLineField() {
        auto expect = [](const std::string& text, long line, const std::string& field) {
            try {
                parseTraceCsv(text, "rec.csv");
                QFAIL("no error");
            } catch (const InputError& e) {
                QCOMPARE(e.file(), std::string("rec.csv"));
                QCOMPARE(e.line(), line);
                QCOMPARE(e.field(), field);
            }
        };
        expect("trace,timeVector\n1,0\n2,1\n3,2\n4,3\n", 1, "inputCurrent");
        expect("trace,inputCurrent,timeVector\n1,0,0\n2,x,1\n3,0,2\n4,0,3\n", 3, "inputCurrent");
        expect("trace,inputCurrent,timeVector\n1,0,0\n2,0,1\n3,0,1\n4,0,3\n", 4, "timeVector");
        expect("trace,inputCurrent,timeVector\n1,0,0\n2,0,1\n", 3, "timeVector");

        const RawTrace raw = parseTraceCsv("trace,inputCurrent,timeVector\n1,0,0\n2,0,1\n3,0,2\n4,0,3\n5,0,4\n", "r.csv");
        TraceImportOptions o;
        o.window = std::make_pair(-1.0, 2000.0);
        try {
            importTrace(raw, o);
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("window"));
            QVERIFY(std::string(e.what()).find("outside the recording") != std::string::npos);
        }
        o.window = std::make_pair(500.0, 2500.0);  // samples at 1000, 2000 only
        QVERIFY_THROWS_EXCEPTION(InputError, importTrace(raw, o));
    }

    void importTraceCommand() {
        QTemporaryDir dir;
        const QString out = dir.filePath("aval.csv");
        QProcess p;
        p.start(ODYNN_CLI, {"import-trace", QString::fromStdString(test::dataPath("AVAL1.csv")), "--dt", "1",
                            "--window", "0,20000", "--out", out});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const CsvTable t = readCsv(out.toStdString());
        QCOMPARE(t.header, (std::vector<std::string>{"t", "i_inj", "cac"}));
        QCOMPARE(uniformStep(t), 1.0);
        QCOMPARE(t.column("t")[0], 0.0);

        // The file is fitting data as it stands.
        QProcess fit;
        fit.start(ODYNN_CLI, {"fit", "--model", "celegans", "--data", out, "--weights", "0,1", "--epochs", "1",
                              "--population", "1", "--out", dir.filePath("run")});
        QVERIFY(fit.waitForFinished(120000));
        QVERIFY2(fit.exitCode() == 0, fit.readAllStandardError().constData());

        QProcess bad;
        bad.start(ODYNN_CLI, {"import-trace", QString::fromStdString(test::dataPath("AVAL1.csv")), "--dt", "1",
                              "--window", "0,9e9", "--out", out});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("AVAL1.csv: window: window [0, 9e+09] ms lies outside"));
    }
};

QTEST_GUILESS_MAIN(TestTraceImport)
#include "test_trace_import.moc"
