// LSTM neurons (SPEC 1.4): forward pass against PyTorch and against a plain per-unit cell,
// the step API with engine-style strides, exact gradient against central differences,
// TensorFlow-style initialisation, weight files, the optimizer, resume, and the CLI.
#include <QProcess>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"
#include "odynn/stimuli.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// TensorFlow 1's LSTMCell(use_peepholes=True) written unit by unit, for every lane separately.
void naiveForward(const LstmNetwork& net, const std::vector<double>& w, const Stimulus& stim, std::vector<double>& V,
                  std::vector<double>& Ca) {
    const int T = stim.steps, B = stim.batch;
    const auto& layers = net.layers();
    V.assign(size_t(T) * B, 0.0);
    Ca.assign(size_t(T) * B, 0.0);
    for (int b = 0; b < B; ++b) {
        std::vector<std::vector<double>> c(layers.size()), h(layers.size());
        for (size_t k = 0; k < layers.size(); ++k) c[k].assign(layers[k].units, 0.0), h[k].assign(layers[k].units, 0.0);
        for (int t = 0; t < T; ++t) {
            std::vector<double> x{stim.at(t, b, 0) / 60.0};
            for (size_t k = 0; k < layers.size(); ++k) {
                const LstmLayer& l = layers[k];
                const int n = l.units;
                auto K = [&](int r, int col) { return w[l.kernel + size_t(r) * 4 * n + col]; };
                std::vector<double> z(4 * n);
                for (int col = 0; col < 4 * n; ++col) {
                    double s = w[l.bias + col];
                    for (int r = 0; r < l.inputs; ++r) s += x[r] * K(r, col);
                    for (int u = 0; u < n; ++u) s += h[k][u] * K(l.inputs + u, col);
                    z[col] = s;
                }
                for (int u = 0; u < n; ++u) {
                    const double cOld = c[k][u];
                    c[k][u] = sig(z[2 * n + u] + 1.0 + w[l.wF + u] * cOld) * cOld +
                              sig(z[u] + w[l.wI + u] * cOld) * std::tanh(z[n + u]);
                    h[k][u] = sig(z[3 * n + u] + w[l.wO + u] * c[k][u]) * std::tanh(c[k][u]);
                }
                x = h[k];
            }
            V[size_t(t) * B + b] = h[net.voltageLayers() - 1][0] * 100.0 - 60.0;
            Ca[size_t(t) * B + b] = net.hasCalciumHead() ? h.back()[0] * 500.0 : V[size_t(t) * B + b];
        }
    }
}

Stimulus smallStimulus(int T, int B) {
    Stimulus s(T, B, 1);
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < B; ++b) s.at(t, b, 0) = 30.0 * std::sin(0.3 * t + 1.7 * b) + 10.0 * b;
    return s;
}

// Random TF-style weights with nonzero biases, so that every term of the cell is exercised.
std::vector<double> testWeights(const LstmNetwork& net, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<double> w = net.randomWeights(rng);
    std::uniform_real_distribution<double> u(-0.5, 0.5);
    for (const auto& t : net.tensors())
        if (t.name.ends_with("/bias"))
            for (size_t i = 0; i < t.size(); ++i) w[t.offset + i] = u(rng);
    return w;
}

// Targets that the network does not fit, with some entries missing (NaN).
FitDataset smallDataset(int T, int B, bool withCa) {
    FitDataset d;
    d.stimulus = smallStimulus(T, B);
    d.targetV.resize(size_t(T) * B);
    for (size_t i = 0; i < d.targetV.size(); ++i) d.targetV[i] = -55.0 + 0.2 * d.stimulus.current[i];
    d.targetV[3] = std::nan("");
    if (withCa) {
        d.targetCa.resize(d.targetV.size());
        for (size_t i = 0; i < d.targetCa.size(); ++i) d.targetCa[i] = 20.0 + 0.1 * double(i % 7);
        d.targetCa[5] = std::nan("");
    }
    return d;
}

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

}  // namespace

class TestLstm : public QObject {
    Q_OBJECT
private slots:
    void layoutOfTheDefaultNetwork() {
        const LstmNetwork net;
        // (1+50) x 200 kernel + 200 bias + 3 x 50 peepholes, then (50+1) x 4 + 4 + 3.
        QCOMPARE(net.weightCount(), 51 * 200 + 200 + 150 + 51 * 4 + 4 + 3);
        QCOMPARE(net.stateRows(), 2 + 100 + 2);
        QCOMPARE(net.tensors().front().name, std::string("volt/cell_0/kernel"));
        QCOMPARE(net.tensors().back().name, std::string("volt/cell_1/w_o_diag"));
        const LstmNetwork head(LstmSpec{4, 2, 1});
        QCOMPARE(head.tensors().back().name, std::string("calc/cell_1/w_o_diag"));
        QCOMPARE(int(head.layers().size()), 5);
        const LstmSpec bad{0, 1, 0};
        QVERIFY(!bad.problem().empty());
    }

    void forwardMatchesPyTorchReference() {
        // Generated with /usr/bin/python3 (torch 2, float64) from shared/bench/lstm_ref.py:
        //   torch.manual_seed(7); torch.set_default_dtype(torch.float64)
        //   m = lstm_ref.LSTMNeuron(units=2, layers=1)
        //   with torch.no_grad(): [c.bias.uniform_(-0.5, 0.5) for c in m.cells]
        //   i_inj = torch.tensor([[0., 10.], [20., -15.], [35., 5.], [-8., 40.], [12., 0.], [3., 25.]])
        //   weights: per cell kernel.flatten(), bias, w_f, w_i, w_o; expected: m(i_inj).flatten()
        const std::vector<double> w = {
            -0.32587670186448164, -0.33427653845519978, 0.53484674992821024, 0.23144415048376069,
            0.62411723786811046, 0.50154175869275952, -0.30323031245638027, 0.089691743462224305,
            0.3885408681407026, 0.38309601352738309, -0.64546058171817222, -0.65353334590513268,
            -0.49122278596618274, -0.68296022700259407, -0.55806258730977554, 0.51335587532707017,
            -0.71904425291416219, 0.66449087139216434, -0.57616288086919376, 0.72912053986305958,
            0.62657321716146275, 0.53944244745425562, 0.23678633438764568, -0.28456352615106045,
            -0.3242028146947723, 0.30726575194508776, -0.1451540977621083, 0.064924880650091166,
            0.31146206871942528, -0.47796511461489433, -0.12308377110680424, -0.29002873565086518,
            0.96730304720675153, 0.5658874203612636, 1.0997252774836939, 0.83133225395076149,
            -0.88396671083049072, 1.1215117937147301, 0.057290277317800724, -0.76186547944357952,
            0.26634576032850954, 0.40284898669070107, -0.28976176832264422, -0.82204089627057075,
            -0.57383622155064828, -0.81267146976208837, 0.43826492705698505, -0.28059799943403335,
            -0.14383689879662459, 0.74008262524452473, 0.41189730603016395, 0.18649025211289494,
            0.42224915850676004, 0.4532916257387688, -0.50538309025423478, -0.072699696527403906,
            -0.96158533720731965};
        const std::vector<double> expected = {
            -53.33624023590167, -54.042585089734786, -50.310751985959158, -48.737823155307851,
            -50.391751292193518, -46.201623408098257, -48.969337525765184, -47.337441965787328,
            -48.936794709204726, -47.670783735894013, -49.10320413916385, -49.753115260881259};
        const LstmNetwork net(LstmSpec{2, 1, 0});
        QCOMPARE(net.weightCount(), int(w.size()));
        Stimulus stim(6, 2, 1);
        const double cur[6][2] = {{0, 10}, {20, -15}, {35, 5}, {-8, 40}, {12, 0}, {3, 25}};
        for (int t = 0; t < 6; ++t)
            for (int b = 0; b < 2; ++b) stim.at(t, b, 0) = cur[t][b];
        const auto tr = simulateLstm(net, w, 1, stim);
        for (int t = 0; t < 6; ++t)
            for (int b = 0; b < 2; ++b) {
                QString why;
                QVERIFY2(test::closeRel(tr[0].at(t, 0, b, 0), expected[t * 2 + b], 1e-13, 60.0, &why), qPrintable(why));
                QCOMPARE(tr[0].at(t, 1, b, 0), tr[0].at(t, 0, b, 0));  // no head: Ca = V
            }
    }

    void forwardMatchesPlainCellWithStackAndHead() {
        for (const LstmSpec spec : {LstmSpec{3, 2, 0}, LstmSpec{3, 1, 2}, LstmSpec{5, 0, 1}}) {
            const LstmNetwork net(spec);
            const auto w = testWeights(net, 21);
            const Stimulus stim = smallStimulus(15, 3);
            std::vector<double> V, Ca;
            naiveForward(net, w, stim, V, Ca);
            const auto tr = simulateLstm(net, w, 1, stim);
            for (int t = 0; t < stim.steps; ++t)
                for (int b = 0; b < stim.batch; ++b) {
                    QVERIFY(std::abs(tr[0].at(t, 0, b, 0) - V[t * stim.batch + b]) <= 1e-12 * 60);
                    QVERIFY(std::abs(tr[0].at(t, 1, b, 0) - Ca[t * stim.batch + b]) <= 1e-12 * 500);
                }
        }
    }

    void stepApiWithEngineStrides() {
        // The circuit engine stores states with a padded stride; the lanes of one neuron and set
        // are a run [first, first + L) inside it. Results must not depend on where the run is.
        const LstmNetwork net(LstmSpec{4, 1, 1});
        const auto w = testWeights(net, 3);
        const int L = 3, R = net.stateRows(), G = net.gateSize();
        const Stimulus stim = smallStimulus(8, L);
        std::vector<double> V, Ca;
        naiveForward(net, w, stim, V, Ca);
        for (const auto& [stride, first] : {std::pair{L, 0}, std::pair{L + 5, 2}}) {
            std::vector<double> a(size_t(R) * stride), b(size_t(R) * stride), g(size_t(G) * stride);
            net.initialState(a.data(), stride, stride);
            QCOMPARE(a[first], -60.0);
            b = a;
            const std::vector<double> untouched = b;
            LstmScratch s;
            for (int t = 0; t < stim.steps; ++t) {
                net.step(w.data(), a.data(), b.data(), g.data(), stride, first, L, &stim.current[size_t(t) * L], s);
                for (int k = 0; k < L; ++k) {
                    QVERIFY(std::abs(b[first + k] - V[t * L + k]) <= 1e-12 * 60);
                    QVERIFY(std::abs(b[stride + first + k] - Ca[t * L + k]) <= 1e-12 * 500);
                }
                for (int k = 0; k < stride; ++k)
                    if (k < first || k >= first + L) QCOMPARE(b[k], untouched[k]);  // other lanes
                std::swap(a, b);
            }
        }
    }

    void forgetBiasIsOneInsideTheCell() {
        // Zero weights except the j bias: tanh(j) = 0.5 and sig(i) = 0.5, so c1 = 0.25 and
        // c2 = sig(0 + 1) c1 + 0.25 (the forget gate sees the constant bias 1).
        const LstmNetwork net(LstmSpec{1, 0, 0});
        std::vector<double> w(net.weightCount(), 0.0);
        const LstmLayer& l = net.layers()[0];
        w[l.bias + 1] = std::atanh(0.5);
        std::vector<double> a(net.stateRows()), b(net.stateRows()), g(net.gateSize());
        net.initialState(a.data(), 1, 1);
        LstmScratch s;
        const double zero = 0.0;
        net.step(w.data(), a.data(), b.data(), g.data(), 1, 0, 1, &zero, s);
        QVERIFY(std::abs(b[2 + l.c] - 0.25) < 1e-15);
        net.step(w.data(), b.data(), a.data(), g.data(), 1, 0, 1, &zero, s);
        QVERIFY(std::abs(a[2 + l.c] - (sig(1.0) * 0.25 + 0.25)) < 1e-15);
    }

    void gradientMatchesCentralDifferences_data() {
        QTest::addColumn<int>("units");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("calcium");
        QTest::newRow("no head") << 3 << 1 << 0;
        QTest::newRow("calcium head") << 3 << 1 << 1;
        QTest::newRow("two layers, Ca = V") << 2 << 2 << 0;
    }
    void gradientMatchesCentralDifferences() {
        QFETCH(int, units);
        QFETCH(int, layers);
        QFETCH(int, calcium);
        const LstmNetwork net(LstmSpec{units, layers, calcium});
        // Two sets at once: each set's gradient must be its own.
        std::vector<double> w = testWeights(net, 100);
        const std::vector<double> w2 = testWeights(net, 200);
        w.insert(w.end(), w2.begin(), w2.end());
        const FitDataset d = smallDataset(20, 2, true);
        LossWeights lw;
        lw.ca = 0.02;  // Ca = 500 out: comparable terms
        const LossGradient lg = lstmLossAndGradient(net, w, 2, d, lw);
        const auto lossOnly = lstmLossOnly(net, w, 2, d, lw);
        QCOMPARE(lg.loss, lossOnly);
        const int P = net.weightCount();
        double worst = 0;
        for (int s = 0; s < 2; ++s) {
            double gmax = 0;
            for (int p = 0; p < P; ++p) gmax = std::max(gmax, std::abs(lg.gradient[s * P + p]));
            for (int p = 0; p < P; ++p) {
                const double h = 1e-5;
                std::vector<double> plus = w, minus = w;
                plus[s * P + p] += h;
                minus[s * P + p] -= h;
                const double fd = (lstmLossOnly(net, plus, 2, d, lw)[s] - lstmLossOnly(net, minus, 2, d, lw)[s]) / (2 * h);
                const double g = lg.gradient[s * P + p];
                // Relative error, against the gradient's scale for components near zero.
                const double err = std::abs(g - fd) / std::max(std::abs(g), 1e-2 * gmax);
                worst = std::max(worst, err);
            }
        }
        qInfo("%d weights per set, worst relative error %.3g", P, worst);
        QVERIFY(worst < 1e-6);
    }

    void initialisationFollowsTensorFlow() {
        const LstmNetwork net;
        Rng rng(1), same(1), other(2);
        const auto w = net.randomWeights(rng);
        QVERIFY(w == net.randomWeights(same));
        QVERIFY(w != net.randomWeights(other));
        for (const auto& t : net.tensors()) {
            double mean = 0, sq = 0, maxAbs = 0;
            for (size_t i = 0; i < t.size(); ++i) {
                const double x = w[t.offset + i];
                mean += x;
                sq += x * x;
                maxAbs = std::max(maxAbs, std::abs(x));
            }
            mean /= double(t.size());
            sq /= double(t.size());
            if (t.name.ends_with("/bias")) {
                QCOMPARE(maxAbs, 0.0);
                continue;
            }
            const double fanIn = t.rows == 1 ? t.cols : t.rows;
            const double limit = std::sqrt(6.0 / (fanIn + t.cols));
            QVERIFY2(maxAbs <= limit, t.name.c_str());
            if (t.size() >= 150) {
                // Uniform on [-a, a]: mean 0, mean square a^2/3, extremes near a.
                const double se = limit / std::sqrt(3.0 * double(t.size()));
                QVERIFY2(std::abs(mean) < 5 * se, t.name.c_str());
                QVERIFY2(std::abs(sq / (limit * limit / 3) - 1) < 0.2, t.name.c_str());
                QVERIFY2(maxAbs > 0.95 * limit, t.name.c_str());
            }
        }
    }

    void weightFileRoundTrip() {
        const LstmNetwork net(LstmSpec{3, 1, 1});
        const auto w = testWeights(net, 9);
        const nlohmann::json doc = nlohmann::json::parse(lstmWeightsToJson(net, w.data()).dump());
        LstmSpec spec;
        QVERIFY(lstmWeightsFromJson(doc, "w.json", spec) == w);  // exact: JSON keeps round-trip digits
        QVERIFY(spec == net.spec());
        nlohmann::json bad = doc;
        bad["tensors"].erase("volt/cell_0/bias");
        try {
            lstmWeightsFromJson(bad, "w.json", spec);
            QFAIL("missing tensor accepted");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("volt/cell_0/bias"));
        }
    }

    void firstAdamStepClipsAndMatchesHandComputation() {
        const LstmNetwork net(LstmSpec{3, 1, 0});
        const FitDataset d = smallDataset(20, 2, false);
        FitOptions o;
        o.population = 2;
        o.seed = 4;
        LstmFitRun run(net.spec(), 1.0, d, std::nullopt, o);
        const std::vector<double> before = run.population();
        const LossGradient lg = lstmLossAndGradient(net, before, 2, d, o.weights);
        run.step();
        const int P = net.weightCount();
        for (int s = 0; s < 2; ++s) {
            double norm = 0;
            for (int p = 0; p < P; ++p) norm += lg.gradient[s * P + p] * lg.gradient[s * P + p];
            const double clip = 5.0 / std::max(std::sqrt(norm), 5.0);
            for (int p = 0; p < P; ++p) {
                // t = 1: m = 0.1 g, v = 0.001 g^2, lr_t = 0.01 sqrt(0.001) / 0.1
                const double g = lg.gradient[s * P + p] * clip;
                const double lrT = 0.01 * std::sqrt(1 - 0.999) / (1 - 0.9);
                const double expected = before[s * P + p] - lrT * (0.1 * g) / (std::sqrt(0.001 * g * g) + 1e-8);
                QVERIFY(std::abs(run.population()[s * P + p] - expected) <= 1e-14);
            }
        }
    }

    void shortFitLowersTheLoss() {
        // Voltage of a leaky-like response: V* = -60 + 0.5 i on two training currents.
        auto cur = trainingCurrents(1.0, 300.0);
        FitDataset d;
        d.stimulus = Stimulus(int(cur[0].size()), 2, 1);
        d.targetV.resize(size_t(d.stimulus.steps) * 2);
        for (int t = 0; t < d.stimulus.steps; ++t)
            for (int b = 0; b < 2; ++b) {
                d.stimulus.at(t, b, 0) = cur[b][t];
                d.targetV[size_t(t) * 2 + b] = -60.0 + 0.5 * cur[b][t];
            }
        FitOptions o;
        o.population = 3;
        o.epochs = 40;
        o.seed = 2;
        LstmFitRun run(LstmSpec{8, 1, 0}, 1.0, d, std::nullopt, o);
        const FitResult r = run.run();
        QVERIFY(r.termination == Termination::Completed);
        const double start = run.lossHistory().front()[r.bestIndex];
        qInfo("loss %.4g -> %.4g", start, r.bestLoss);
        QVERIFY(r.bestLoss < 0.5 * start);
    }

    void stopAndResumeBitForBit() {
        QTemporaryDir dirA, dirB;
        const FitDataset d = smallDataset(30, 2, true);
        FitOptions o;
        o.population = 3;
        o.epochs = 7;
        o.seed = 8;
        o.testEvery = 3;
        o.weights.ca = 0.02;
        const LstmSpec spec{4, 1, 1};
        {
            LstmFitRun straight(spec, 0.5, d, d, o);
            straight.attachRunDirectory(dirA.path().toStdString());
            straight.run();
        }
        {
            LstmFitRun first(spec, 0.5, d, d, o);
            first.attachRunDirectory(dirB.path().toStdString());
            const FitResult r =
                first.run([](const EpochSummary& s) { return s.epoch == 2 ? FitControl::Stop : FitControl::Continue; });
            QCOMPARE(r.epochsDone, 3);
        }
        QVERIFY(LstmFitRun::isRunFolder(dirB.path().toStdString()));
        LstmFitRun resumed = LstmFitRun::resume(dirB.path().toStdString());
        QCOMPARE(resumed.epochsDone(), 3);
        QCOMPARE(resumed.dt(), 0.5);
        resumed.run();
        const LstmFitRun reference = LstmFitRun::resume(dirA.path().toStdString());
        QCOMPARE(resumed.epochsDone(), 7);
        QVERIFY(resumed.population() == reference.population());  // bit for bit
        auto readAll = [](const QString& f) { QFile h(f); h.open(QIODevice::ReadOnly); return h.readAll(); };
        QCOMPARE(readAll(dirB.filePath("history.csv")), readAll(dirA.filePath("history.csv")));
        QCOMPARE(readAll(dirB.filePath("best.json")), readAll(dirA.filePath("best.json")));
        QVERIFY(QFile::exists(dirA.filePath("summary.json")));
        LstmSpec fileSpec;
        lstmWeightsFromJson(readJsonFile(dirA.filePath("best.json").toStdString()), "best.json", fileSpec);
        QVERIFY(fileSpec == spec);
    }

    void threadCountDoesNotChangeResults() {
        const LstmNetwork net(LstmSpec{4, 1, 0});
        std::vector<double> w;
        for (int s = 0; s < 5; ++s) {
            const auto one = testWeights(net, 50 + s);
            w.insert(w.end(), one.begin(), one.end());
        }
        const FitDataset d = smallDataset(25, 3, false);
        const LossGradient one = lstmLossAndGradient(net, w, 5, d, {}, 1);
        const LossGradient two = lstmLossAndGradient(net, w, 5, d, {}, 2);
        QVERIFY(one.loss == two.loss);
        QVERIFY(one.gradient == two.gradient);
    }

    void cliFitResumeAndSimulate() {
        QTemporaryDir dir;
        // t,i_inj,V with dt 0.5 ms
        QString csv = "t,i_inj,V\n";
        for (int k = 0; k < 60; ++k)
            csv += QString("%1,%2,%3\n").arg(0.5 * k).arg(k > 10 && k < 40 ? 20 : 0).arg(k > 10 && k < 40 ? -50 : -60);
        const QString data = dir.filePath("d.csv");
        {
            QFile f(data);
            f.open(QIODevice::WriteOnly);
            f.write(csv.toUtf8());
        }
        const QString run = dir.filePath("run");
        Run r = cli({"fit", "--model", "lstm", "--units", "5", "--calcium-layers", "1", "--data", data, "--epochs", "3",
                     "--out", run});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"fit", "--resume", run, "--epochs", "5"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile h(run + "/history.csv");
        h.open(QIODevice::ReadOnly);
        QCOMPARE(h.readAll().count('\n'), 6);  // header + 5 epochs
        const QString out = dir.filePath("sim.csv");
        r = cli({"simulate", "--model", "lstm", "--params", run + "/best.json", "--input", data, "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const CsvTable sim = readCsv(out.toStdString());
        QCOMPARE(sim.header, (std::vector<std::string>{"t", "i_inj", "V", "cac"}));
        QCOMPARE(sim.rows(), 60);
        // Same numbers as the core on the best weights.
        LstmSpec spec;
        const auto w = lstmWeightsFromJson(readJsonFile((run + "/best.json").toStdString()), "best.json", spec);
        Stimulus stim(60, 1, 1);
        for (int k = 0; k < 60; ++k) stim.at(k, 0, 0) = sim.column("i_inj")[k];
        const auto tr = simulateLstm(LstmNetwork(spec), w, 1, stim);
        for (int k = 0; k < 60; ++k) QCOMPARE(sim.column("cac")[k], tr[0].at(k, 1, 0, 0));
        // Options that do not apply to an LSTM are refused with a clear message.
        r = cli({"fit", "--model", "lstm", "--data", data, "--fix", "C_m", "--out", dir.filePath("bad")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("fix"), qPrintable(r.err));
    }
};

QTEST_APPLESS_MAIN(TestLstm)
#include "test_lstm.moc"
