// The target store: one path from a recorded table to fitting data, shared by the CLI
// (datasetFromTables) and the desktop app (targetFromTable + datasetFromTarget).
#include <QtTest>

#include <cmath>
#include <sstream>

#include "odynn/csv.hpp"
#include "odynn/datasets.hpp"
#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"
#include "odynn/parameters.hpp"
#include "odynn/target_store.hpp"
#include "odynn/trace_import.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

Circuit oneNeuron(double dt) {
    Circuit c;
    c.dt = dt;
    c.addNeuron("AVAL");
    return c;
}

// A single-neuron CLI table on the model's grid: t = k*dt, a current step and a V target.
std::string cliTable(int rows, double dt) {
    std::ostringstream s;
    s.precision(17);
    s << "t,i_inj,V\n";
    for (int k = 0; k < rows; ++k) {
        const double t = k * dt;
        s << t << ',' << (t > 2.0 ? 15.0 : 0.0) << ',' << -60.0 + 10.0 * std::sin(t / 3.0) << '\n';
    }
    return s.str();
}

bool sameValues(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
        if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k])))) return false;
    return true;
}

}  // namespace

class TestTargetStore : public QObject {
    Q_OBJECT
private slots:
    // The CLI's data files and the app's loaded targets give the same data and the same loss.
    void cliAndAppGiveEqualLosses() {
        const double dt = 0.1;
        const Circuit c = oneNeuron(dt);
        const CsvTable table = parseCsv(cliTable(120, dt), "trace.csv");
        const FitDataset cli = datasetFromTables(c, {table});
        const FitDataset app = datasetFromTarget(targetFromTable(table, "AVAL"), c);
        QCOMPARE(app.stimulus.steps, cli.stimulus.steps);
        QVERIFY(sameValues(app.stimulus.current, cli.stimulus.current));
        QVERIFY(sameValues(app.targetV, cli.targetV));
        QVERIFY(app.targetCa.empty() && cli.targetCa.empty());
        const std::vector<double> theta = ParameterLayout(c).values(c);
        const LossWeights w;
        const double lossCli = lossOnly(c, theta, 1, cli, w, 1)[0];
        const double lossApp = lossOnly(c, theta, 1, app, w, 1)[0];
        QVERIFY(std::isfinite(lossCli) && lossCli > 0);
        QCOMPARE(lossApp, lossCli);
    }

    // Row k of the data is sampled at t0 + k*dt for targets and currents alike (the app used
    // to sample targets one step late, at t0 + (k+1)*dt).
    void targetsAndCurrentsShareTheTimeGrid() {
        RecordedTarget trace;
        trace.source = "fine.csv";
        for (int k = 0; k <= 40; ++k) trace.time.push_back(5.0 + 0.025 * k);  // 4 samples per model step
        RecordedColumn v{"AVAL", false, {}};
        std::vector<double> current;
        for (double t : trace.time) {
            v.values.push_back(2.0 * t - 70.0);  // linear: the interpolating spline is exact on it
            current.push_back(3.0 * t);
        }
        trace.columns.push_back(v);
        trace.currents.emplace_back("AVAL", current);
        const RecordedTarget r = resampleTarget(trace, 0.1);
        QCOMPARE(r.steps(), 11);
        for (int k = 0; k < r.steps(); ++k) {
            const double t = 5.0 + 0.1 * k;
            QVERIFY2(std::abs(r.time[static_cast<size_t>(k)] - t) < 1e-12, "time grid");
            QVERIFY2(std::abs(r.columns[0].values[static_cast<size_t>(k)] - (2.0 * t - 70.0)) < 1e-9, "target at t0 + k dt");
            QVERIFY2(std::abs(r.currents[0].second[static_cast<size_t>(k)] - 3.0 * t) < 1e-9, "current at t0 + k dt");
        }
    }

    // An ODYNN calcium file read as a target table equals the calcium import with ODYNN's
    // defaults (smoothing spline), so Load Target Trace and Import Calcium Trace agree.
    void calciumFileGivesOneTarget() {
        const std::string path = test::dataPath("AVAL1.csv");
        const Circuit c = oneNeuron(0.1);
        const FitDataset viaTable = datasetFromTarget(targetFromTable(readCsv(path), "AVAL"), c);
        TraceImportOptions options;
        options.dt = c.dt;
        const ImportedTrace imported = importTrace(readTraceCsv(path), options);
        QCOMPARE(viaTable.stimulus.steps, static_cast<int>(imported.cac.size()));
        for (size_t k = 0; k < imported.cac.size(); k += 97) {
            QCOMPARE(viaTable.targetCa[k], imported.cac[k]);
            QCOMPARE(viaTable.stimulus.current[k], imported.current[k]);
        }
    }

    // Batch entries are stacked side by side and cut to the shortest.
    void stackCutsToTheShortest() {
        const Circuit c = oneNeuron(0.1);
        const FitDataset a = datasetFromTarget(targetFromTable(parseCsv(cliTable(50, 0.1), "a.csv"), "AVAL"), c);
        const FitDataset b = datasetFromTarget(targetFromTable(parseCsv(cliTable(30, 0.1), "b.csv"), "AVAL"), c);
        const FitDataset both = stackBatch({a, b});
        QCOMPARE(both.stimulus.steps, 30);
        QCOMPARE(both.stimulus.batch, 2);
        QCOMPARE(both.targetV[(29 * 2 + 1) * 1], b.targetV[29]);
        QCOMPARE(both.stimulus.at(25, 0, 0), a.stimulus.at(25, 0, 0));
    }

    // Bad tables are named with file, line and field.
    void badTablesAreNamed() {
        try {
            targetFromTable(parseCsv("t,V\n0,1\n0.1,2\n0.1,3\n", "dup.csv"), "AVAL");
            QFAIL("time that does not increase must be rejected");
        } catch (const InputError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains("dup.csv") && what.contains("4"), qPrintable(what));
        }
        try {
            targetFromTable(parseCsv("t,x\n0,1\n1,2\n", "none.csv"), "AVAL");
            QFAIL("a table without a target column must be rejected");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("none.csv"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestTargetStore)
#include "test_target_store.moc"
