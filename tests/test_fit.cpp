// The optimizer's semantics (SPEC 4): one Adam step by hand, clipping, bounds, fixed and shared
// parameters, NaN sets, stop and bit-for-bit resume, and a real fit that brings the loss down.
#include <QTemporaryDir>

#include "odynn/fitting.hpp"
#include "odynn/stimuli.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

// Voltage target of a circuit's own parameters on the given currents (one neuron column each).
FitDataset targetOf(const Circuit& c, const std::vector<std::vector<double>>& currents, double wCa = 0) {
    FitDataset d;
    const int T = int(currents[0].size()), B = int(currents.size()), N = int(c.neurons.size());
    d.stimulus = Stimulus(T, B, N);
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < B; ++b) d.stimulus.at(t, b, 0) = currents[b][t];
    SimulationOptions opt;
    opt.record = Record::VoltageCalcium;
    const auto r = simulate(c, d.stimulus, opt);
    d.targetV.resize(size_t(T) * B * N);
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < B; ++b)
            for (int n = 0; n < N; ++n) d.targetV[(size_t(t) * B + b) * N + n] = r.sets[0].at(t, 0, b, n);
    if (wCa > 0) {
        d.targetCa.resize(d.targetV.size());
        for (int t = 0; t < T; ++t)
            for (int b = 0; b < B; ++b)
                for (int n = 0; n < N; ++n) d.targetCa[(size_t(t) * B + b) * N + n] = r.sets[0].at(t, 1, b, n);
    }
    return d;
}

std::vector<std::vector<double>> shortCurrents() {
    auto all = trainingCurrents(1.0, 300.0);
    return {all[0], all[1]};
}

}  // namespace

class TestFit : public QObject {
    Q_OBJECT
private slots:
    void learningRateIsStaircase() {
        const LearningRate lr{0.1, 9, 0.92};
        QCOMPARE(lr.at(0), 0.1);
        QCOMPARE(lr.at(8), 0.1);
        QVERIFY(std::abs(lr.at(9) - 0.092) < 1e-15);
        QVERIFY(std::abs(lr.at(20) - 0.1 * 0.92 * 0.92) < 1e-15);
        QCOMPARE(defaultLearningRate(test::pairCircuit(0.1)).initial, 0.9);
    }

    void firstAdamStepMatchesHandComputation() {
        const Circuit c = singleNeuronCircuit("leaky", 1.0);
        FitDataset d = targetOf(c, shortCurrents());
        FitOptions o;
        o.population = 2;
        o.seed = 11;
        FitRun run(c, d, std::nullopt, o);
        const std::vector<double> before = run.population();
        const LossGradient lg = lossAndGradient(c, before, 2, d, o.weights);
        run.step();
        const int P = 3;
        for (int s = 0; s < 2; ++s) {
            double norm = 0;
            for (int p = 0; p < P; ++p) norm += lg.gradient[s * P + p] * lg.gradient[s * P + p];
            norm = std::sqrt(norm);
            const double clip = 5.0 / std::max(norm, 5.0);
            for (int p = 0; p < P; ++p) {
                // t = 1: m = 0.1 g, v = 0.001 g^2, lr_t = 0.1 sqrt(0.001) / 0.1
                const double g = lg.gradient[s * P + p] * clip;
                const double m = 0.1 * g, v = 0.001 * g * g;
                const double lrT = 0.1 * std::sqrt(1 - 0.999) / (1 - 0.9);
                double expected = before[s * P + p] - lrT * m / (std::sqrt(v) + 1e-8);
                const auto& e = run.layout().entries()[p];
                expected = std::clamp(expected, e.lowerBound, e.upperBound);
                QVERIFY2(std::abs(run.population()[s * P + p] - expected) <= 1e-12 * std::max(1.0, std::abs(expected)),
                         qPrintable(QString::fromStdString(e.name)));
            }
        }
    }

    void boundsHoldAfterEveryUpdate() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        FitOptions o;
        o.population = 6;
        o.epochs = 12;
        o.learningRate = LearningRate{5.0, 9, 0.92};  // large steps push parameters into their bounds
        FitRun run(c, targetOf(c, shortCurrents()), std::nullopt, o);
        run.run();
        const auto& entries = run.layout().entries();
        for (int s = 0; s < 6; ++s)
            for (int p = 0; p < run.layout().size(); ++p) {
                const double x = run.population()[s * run.layout().size() + p];
                QVERIFY(x >= entries[p].lowerBound && x <= entries[p].upperBound);
            }
    }

    void fixedParametersStayAndGroupsShare() {
        Circuit c = test::pairCircuit(1.0);
        c.addNeuron("C");
        c.synapses.push_back({1, 2, presets::excitatory2});
        FitOptions o;
        o.population = 3;
        o.epochs = 4;
        o.fixed = {"A/C_m", "G_gap"};
        o.groups = {{"B", "C"}};
        FitRun run(c, targetOf(c, shortCurrents()), std::nullopt, o);
        run.run();
        const auto& L = run.layout();
        const int P = L.size();
        for (int s = 0; s < 3; ++s) {
            const double* th = run.population().data() + s * P;
            QCOMPARE(th[L.find("A/C_m")], 20.0);
            QCOMPARE(th[L.find("A--B/G_gap")], 0.2);
            for (const auto& name : modelSpec("celegans").params)
                QCOMPARE(th[L.find("B/" + name.name)], th[L.find("C/" + name.name)]);
            QVERIFY(th[L.find("B/C_m")] != 20.0);  // free and random, not the default
        }
        FitOptions bad = o;
        bad.fixed = {"Z/C_m"};
        QVERIFY(!bad.problem(c).empty());
        bad = o;
        bad.groups = {{"A", "nope"}};
        QVERIFY(!bad.problem(c).empty());
    }

    void divergedSetDoesNotStopTheOthers() {
        // Explicit Euler with a tiny capacitance blows up: that set's loss is NaN.
        const Circuit c = singleNeuronCircuit("hhsimple", 1.0);
        const ParameterLayout L(c);
        std::vector<double> init = L.values(c);
        std::vector<double> bad = init;
        bad[L.find("C_m")] = 1e-3;
        init.insert(init.end(), bad.begin(), bad.end());
        for (auto& x : init) x *= 1.0;
        FitOptions o;
        o.population = 2;
        o.epochs = 5;
        o.initial = init;
        FitDataset d = targetOf(c, shortCurrents());
        for (auto& v : d.targetV) v += 1.0;  // a target the defaults do not fit exactly
        FitRun run(c, d, std::nullopt, o);
        const FitResult r = run.run();
        QVERIFY(std::isnan(run.lossHistory()[0][1]));
        QVERIFY(std::isfinite(run.lossHistory()[4][0]));
        QCOMPARE(r.bestIndex, 0);
        QVERIFY(r.termination == Termination::Completed);
    }

    void stopAndResumeBitForBit() {
        QTemporaryDir dirA, dirB;
        const Circuit c = test::pairCircuit(1.0);
        FitDataset d = targetOf(c, shortCurrents(), 1.0);
        FitOptions o;
        o.population = 4;
        o.epochs = 8;
        o.seed = 5;
        o.testEvery = 3;
        o.weights.ca = 10.0;
        {
            FitRun straight(c, d, d, o);
            straight.attachRunDirectory(dirA.path().toStdString());
            straight.run();
        }
        {
            FitRun first(c, d, d, o);
            first.attachRunDirectory(dirB.path().toStdString());
            const FitResult r = first.run([](const EpochSummary& s) { return s.epoch == 2 ? FitControl::Stop : FitControl::Continue; });
            QVERIFY(r.termination == Termination::Stopped);
            QCOMPARE(r.epochsDone, 3);  // stopped within one epoch, nothing computed is lost
        }
        FitRun resumed = FitRun::resume(dirB.path().toStdString());
        QCOMPARE(resumed.epochsDone(), 3);
        resumed.run();
        FitRun reference = FitRun::resume(dirA.path().toStdString());
        QCOMPARE(resumed.epochsDone(), 8);
        QVERIFY(resumed.population() == reference.population());  // bit for bit
        auto readAll = [](const QString& f) { QFile h(f); h.open(QIODevice::ReadOnly); return h.readAll(); };
        QCOMPARE(readAll(dirB.filePath("history.csv")), readAll(dirA.filePath("history.csv")));
        QCOMPARE(readAll(dirB.filePath("params.csv")), readAll(dirA.filePath("params.csv")));
        QVERIFY(QFile::exists(dirA.filePath("best.json")));
        QVERIFY(QFile::exists(dirA.filePath("summary.json")));
        // The history has a test loss every 3 epochs: epochs 0, 3 and 6.
        const QList<QByteArray> rows = readAll(dirA.filePath("history.csv")).split('\n');
        QVERIFY(!rows[1].endsWith(','));
        QVERIFY(rows[2].endsWith(','));
        QVERIFY(!rows[4].endsWith(','));
    }

    void fitFromTwentyRandomStarts() {
        // ODYNN's neuron experiment: the default celegans neuron's voltage on the 5 training
        // currents (dt 1 ms), 20 random starts, ODYNN's default schedule.
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        FitOptions o;
        o.population = 20;
        o.epochs = 700;
        o.seed = 1;
        FitRun run(c, targetOf(c, trainingCurrents(1.0)), std::nullopt, o);
        const FitResult r = run.run();
        const double start = run.lossHistory().front()[r.bestIndex];
        qInfo("best set %d: loss %.4g -> %.4g (%.1fx) in %.1f s", r.bestIndex, start, r.bestLoss, start / r.bestLoss,
              r.wallSeconds);
        // With ODYNN's exact schedule the reduction depends on the random starts: 5x to 170x
        // over seeds 1-7 (20x for this seed). The test asserts a clear, robust improvement.
        QVERIFY(r.bestLoss * 10 <= start);
        // Every set that did not diverge ends below where it started.
        for (int s = 0; s < o.population; ++s) {
            const double a = run.lossHistory().front()[s], b = run.lossHistory().back()[s];
            if (std::isfinite(a) && std::isfinite(b)) QVERIFY(b < a);
        }
    }
};

QTEST_APPLESS_MAIN(TestFit)
#include "test_fit.moc"
