// Calcium-imaging import: the smoothing spline against scipy's FITPACK, the Hill transform,
// windows, and the import-trace command.
#include <QProcess>
#include <QTemporaryDir>

#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/trace_import.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

// AVAL1 samples 0..499 scaled as ODYNN does: time x1000 (ms), trace x10, current x10.
void avalWindow(std::vector<double>& t, std::vector<double>& trace, std::vector<double>& current) {
    const RawTrace raw = readTraceCsv(test::dataPath("AVAL1.csv"));
    for (int r = 0; r < 500; ++r) {
        t.push_back(raw.time[r] * 1000);
        trace.push_back(raw.trace[r] * 10);
        current.push_back(raw.current[r] * 10);
    }
}

const double kQuery[] = {0.0, 1000.0, 25000.5, 50000.0, 100000.0, 150000.0, 171000.0};

}  // namespace

class TestTraceImport : public QObject {
    Q_OBJECT

private slots:
    void interpolationMatchesSplrep() {
        // scipy 1.10: x = [0, 1, 2.5, 3, 4.5, 6, 7]; y = sin(x) + 0.1*x
        //   splev([0.5, 2.0, 3.7, 6.9], splrep(x, y, s=0))
        const std::vector<double> x = {0, 1, 2.5, 3, 4.5, 6, 7};
        std::vector<double> y;
        for (double v : x) y.push_back(std::sin(v) + 0.1 * v);
        const SmoothingSpline g(x, y, 0.0);
        const double q[] = {0.5, 2.0, 3.7, 6.9};
        const double want[] = {0.5700813959245886, 1.0821680354081977, -0.15848731765181223, 1.2575762433413118};
        for (int k = 0; k < 4; ++k) {
            QString why;
            QVERIFY2(test::closeRel(g(q[k]), want[k], 1e-12, 1.0, &why), qPrintable(why));
        }
        for (size_t i = 0; i < x.size(); ++i) QVERIFY(std::abs(g(x[i]) - y[i]) < 1e-12);
        QVERIFY(g.residual() < 1e-20);
    }

    void avalInterpolationMatchesSplrep() {
        std::vector<double> t, f, i;
        avalWindow(t, f, i);
        // splev(q, splrep(t[:500], trace[:500], s=0)) and the same for the current (ODYNN's
        // splrep(td, i) without s), q = kQuery.
        const double wantTrace[] = {0.10535654311916498, 0.4691664165182922, 8.306531597901929, 8.575882980944138,
                                    1.0253654638313956, 7.552124918187598, 7.633563351841432};
        const double wantCurrent[] = {-2.294287816956882e-44, 5.468906401307322e-29, 9.972712263712145,
                                      9.972630467446804, 5.352290696383733e-23, 9.972711662713142, 9.972712266937352};
        const SmoothingSpline gt(t, f, 0.0), gi(t, i, 0.0);
        for (int k = 0; k < 7; ++k) {
            QString why;
            QVERIFY2(test::closeRel(gt(kQuery[k]), wantTrace[k], 1e-9, 10.0, &why), qPrintable(why));
            QVERIFY2(test::closeRel(gi(kQuery[k]), wantCurrent[k], 1e-9, 10.0, &why), qPrintable(why));
        }
    }

    void avalSmoothingCloseToSplrep() {
        std::vector<double> t, f, i;
        avalWindow(t, f, i);
        const SmoothingSpline g(t, f, 0.25);
        // The constraint of FITPACK's smoothing factor holds: sum of squared residuals = s.
        QVERIFY2(std::abs(g.residual() - 0.25) < 1e-6 * 0.25, qPrintable(QString::number(g.residual(), 'g', 17)));
        // splev(q, splrep(t[:500], trace[:500], s=0.25)). FITPACK places 418 knots where this
        // spline has one per sample, so values agree to a fraction of the noise: over this
        // window the rms difference is 0.02 and the largest 0.22 on a trace spanning 0..11.
        const double want[] = {0.10556954936764268, 0.460747201565168, 8.30471294734892, 8.570878769343617,
                               1.0404211973445068, 7.530308515375351, 7.655373858788944};
        for (int k = 0; k < 7; ++k) {
            QString why;
            QVERIFY2(test::closeRel(g(kQuery[k]), want[k], 0.05, 1.0, &why), qPrintable(why));
        }
        // Smoothing moves the curve off the samples, but by no more than sqrt(s) anywhere.
        double maxDev = 0;
        for (size_t k = 0; k < t.size(); ++k) maxDev = std::max(maxDev, std::abs(g(t[k]) - f[k]));
        QVERIFY(maxDev > 1e-3 && maxDev <= 0.5);
    }

    void largeSmoothingGivesCubicPolynomial() {
        // When s exceeds the residual of the least-squares cubic, the result is that cubic
        // (FITPACK does the same): data on an exact cubic is reproduced.
        std::vector<double> x, y;
        for (int k = 0; k < 20; ++k) {
            x.push_back(k * 0.5);
            y.push_back(1 - 2 * x.back() + 0.3 * x.back() * x.back() * x.back());
        }
        const SmoothingSpline g(x, y, 1e6);
        QVERIFY(std::abs(g(3.3) - (1 - 2 * 3.3 + 0.3 * 3.3 * 3.3 * 3.3)) < 1e-5);
    }

    void fewestSamples() {
        // 4 samples: no interior knot, the cubic through them (found by the fuzzer: the banded
        // solve once rejected a band as wide as the matrix). 5 samples: one interior knot.
        const std::vector<double> x4 = {0, 1, 4, 5}, y4 = {0.1, 0.2, 0.12, 0.1};
        for (const double s : {0.0, 0.25}) {
            const SmoothingSpline g(x4, y4, s);
            for (size_t i = 0; i < x4.size(); ++i) QVERIFY(std::abs(g(x4[i]) - y4[i]) < 1e-12);
        }
        const std::vector<double> x5 = {0, 1, 2, 4, 5}, y5 = {0.1, 0.2, 0.15, 0.12, 0.1};
        const SmoothingSpline g5(x5, y5, 0.0);
        for (size_t i = 0; i < x5.size(); ++i) QVERIFY(std::abs(g5(x5[i]) - y5[i]) < 1e-12);
        const SmoothingSpline s5(x5, y5, 1e-4);
        QVERIFY(std::abs(s5.residual() - 1e-4) < 1e-9);
    }

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
        // Current: splrep(s=0) as above; trace: s = 0.25.
        QVERIFY(std::abs(d.current[50000] - 9.972630467446804) < 1e-8);
        QVERIFY(std::abs(d.cac[50000] - 8.570878769343617) < 0.05);

        TraceImportOptions w = o;
        w.window = std::make_pair(420 * 344.2779725, 919 * 344.2779726);  // ODYNN's second window
        const ImportedTrace d2 = importTrace(raw, w);
        QCOMPARE(int(d2.t.size()), int(std::floor(499 * 344.27797258)) + 1);
        QVERIFY(std::abs(d2.current[0] - raw.current[420] * 10) < 1e-9);

        TraceImportOptions h = o;
        h.hill = true;
        h.traceScale = 1.0;
        const ImportedTrace dh = importTrace(raw, h);
        for (size_t k = 0; k < dh.cac.size(); k += 1000) QVERIFY(dh.cac[k] > -0.01 && dh.cac[k] < 0.2);
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
