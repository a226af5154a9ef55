// FITPACK's curfit (splrep / splev) against scipy 1.10: knots, residual and values agree to
// 1e-9 relative. Expectations: tests/make_spline_fixtures.py -> tests/data/spline/*.json.
#include <QDir>

#include <fstream>
#include <nlohmann/json.hpp>

#include "odynn/smoothing_spline.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

nlohmann::json readCase(const QString& file) {
    std::ifstream in(file.toStdString());
    return nlohmann::json::parse(in);
}

// The long recording of make_spline_fixtures.long_recording, from exact arithmetic only.
void longRecording(std::vector<double>& x, std::vector<double>& y) {
    const long m = 250000;
    for (long i = 0; i < m; ++i) {
        const double xi = double(i) * 0.5;
        const double noise = double((1664525LL * i + 1013904223LL) % 4294967296LL) / 4294967296.0 - 0.5;
        const double u = (xi - 40000.0) / 9000.0;
        x.push_back(xi);
        y.push_back(3.0 / (1.0 + u * u) + 0.2 * noise);
    }
}

}  // namespace

class TestSmoothingSpline : public QObject {
    Q_OBJECT

private slots:
    void matchesScipy_data() {
        QTest::addColumn<QString>("file");
        const QDir dir(QString::fromStdString(test::dataPath("spline")));
        const QStringList files = dir.entryList({"*.json"}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 14);
        for (const QString& f : files) QTest::newRow(qPrintable(f)) << dir.filePath(f);
    }
    void matchesScipy() {
        QFETCH(QString, file);
        const nlohmann::json c = readCase(file);
        std::vector<double> x, y;
        if (c.contains("x")) {
            x = c["x"].get<std::vector<double>>();
            y = c["y"].get<std::vector<double>>();
        } else {
            longRecording(x, y);
        }
        const double s = c["s"];
        const SmoothingSpline g(x, y, s);
        QCOMPARE(int(g.knots().size()), c["knots"].get<int>());
        QCOMPARE(g.status(), c["ier"].get<int>());
        const double fp = c["fp"];
        QString why;
        QVERIFY2(test::closeRel(g.residual(), fp, 1e-9, std::max(std::abs(fp), 1e-12), &why), qPrintable(why));
        const auto q = c["q"].get<std::vector<double>>();
        const auto want = c["value"].get<std::vector<double>>();
        double yScale = 0;
        for (double v : y) yScale = std::max(yScale, std::abs(v));
        for (size_t k = 0; k < q.size(); ++k) {
            // Relative to the value; values that cross zero are compared on the data's scale.
            const double scale = std::max(std::abs(want[k]), 1e-3 * yScale);
            QVERIFY2(test::closeRel(g(q[k]), want[k], 1e-9, scale, &why),
                     qPrintable(QString("q = %1: ").arg(q[k]) + why));
        }
        // The grid evaluation is the same spline.
        const double dq = q.size() > 1 ? (q.back() - q.front()) / double(q.size() - 1) : 1.0;
        const auto grid = g.evaluateGrid(q.front(), dq, q.size());
        for (size_t k = 0; k < q.size(); ++k)
            QVERIFY(std::abs(grid[k] - g(q.front() + double(k) * dq)) <= 1e-12 * std::max(1.0, std::abs(grid[k])));
    }

    void interpolationPassesThroughSamples() {
        const std::vector<double> x = {0, 1, 2, 4, 5, 7.5}, y = {0.1, 0.2, 0.15, 0.12, 0.1, -0.3};
        const SmoothingSpline g(x, y, 0.0);
        for (size_t i = 0; i < x.size(); ++i) QVERIFY(std::abs(g(x[i]) - y[i]) < 1e-12);
        QCOMPARE(g.status(), -1);
    }

    void progressIsMonotoneAndEnds() {
        std::vector<double> x, y;
        for (int i = 0; i < 2000; ++i) {
            x.push_back(i);
            y.push_back(std::sin(i * 0.01) + 0.01 * ((i * 37) % 11 - 5));
        }
        std::vector<double> seen;
        const SmoothingSpline g(x, y, 0.5, [&](double f) { seen.push_back(f); });
        QVERIFY(seen.size() >= 2);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
    }

    void rejectsBadInput() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SmoothingSpline({0, 1, 2}, {0, 1, 2}, 0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SmoothingSpline({0, 1, 1, 2}, {0, 1, 2, 3}, 0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SmoothingSpline({0, 1, 2, 3}, {0, 1, 2, 3}, -1.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SmoothingSpline({0, 1, 2, 3}, {0, NAN, 2, 3}, 0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SmoothingSpline({0, 1, 2, 3}, {0, 1, 2}, 0.0));
    }
};

QTEST_GUILESS_MAIN(TestSmoothingSpline)
#include "test_smoothing_spline.moc"
