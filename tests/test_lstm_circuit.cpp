// LSTM neurons inside circuits, beside biophysical neurons: the engine steps them like any
// model, their weights are parameters of the circuit, gradients flow through synapses into
// the network, and circuits with them are saved and fitted.
#include <QTemporaryDir>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"
#include "odynn/lstm.hpp"
#include "odynn/stimuli.hpp"
#include "odynn/datasets.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

// A celegans neuron A and a small LSTM neuron N with synapses both ways and a gap junction.
Circuit mixedCircuit(double dt, int calciumLayers = 1) {
    Circuit c = test::pairCircuit(dt);  // A, B celegans with both synapse kinds and a gap
    LstmSpec spec;
    spec.units = 3;
    spec.calciumLayers = calciumLayers;
    c.addNeuron("N", "lstm", Role::Inter, spec);
    c.synapses.push_back({0, 2, presets::excitatory2});
    c.synapses.push_back({2, 1, presets::inhibitory1});
    c.gaps.push_back({2, 0, 0.05});
    return c;
}

Stimulus pulses(const Circuit& c, int steps, int batch) {
    Stimulus s(steps, batch, int(c.neurons.size()));
    const auto t = timeVector(steps, c.dt);
    for (int b = 0; b < batch; ++b) {
        const auto a = stepCurrent(t, 10 + 5 * b, 60, 20.0), n = pulseTrain(t, 5, 10, 25, 3, 8.0 + 4 * b);
        const int network = s.neurons > 2 ? 2 : 0;  // the LSTM neuron, or the lone neuron
        for (int k = 0; k < steps; ++k) {
            s.at(k, b, network) = n[k];
            if (network != 0) s.at(k, b, 0) = a[k];
        }
    }
    return s;
}

FitDataset selfTarget(const Circuit& c, int steps, int batch, double offset) {
    FitDataset d;
    d.stimulus = pulses(c, steps, batch);
    SimulationOptions o;
    o.record = Record::VoltageCalcium;
    const auto r = simulate(c, d.stimulus, o);
    const size_t n = size_t(steps) * batch * c.neurons.size();
    d.targetV.resize(n);
    d.targetCa.resize(n);
    for (int t = 0; t < steps; ++t)
        for (int b = 0; b < batch; ++b)
            for (size_t k = 0; k < c.neurons.size(); ++k) {
                const size_t at = (size_t(t) * batch + b) * c.neurons.size() + k;
                d.targetV[at] = r.sets[0].at(t, 0, b, int(k)) + offset;
                d.targetCa[at] = r.sets[0].at(t, 1, b, int(k)) * (1 + offset / 10);
            }
    return d;
}

}  // namespace

class TestLstmCircuit : public QObject {
    Q_OBJECT
private slots:
    void loneNetworkMatchesStandaloneSimulation() {
        LstmSpec spec;
        spec.units = 4;
        spec.calciumLayers = 1;
        Circuit c;
        c.dt = 1.0;
        c.addNeuron("N", "lstm", Role::Inter, spec);
        const LstmNetwork net(spec);
        const Stimulus s = pulses(c, 80, 2);
        SimulationOptions o;
        o.record = Record::VoltageCalcium;
        const auto engine = simulate(c, s, o);
        const auto alone = simulateLstm(net, c.neurons[0].params, 1, s);
        for (int t = 0; t < 80; ++t)
            for (int b = 0; b < 2; ++b)
                for (int r = 0; r < 2; ++r)
                    QVERIFY(std::abs(engine.sets[0].at(t, r, b, 0) - alone[0].at(t, r, b, 0)) <=
                            1e-12 * std::max(1.0, std::abs(alone[0].at(t, r, b, 0))));
        QVERIFY(engine.sets[0].at(40, 0, 0, 0) != -60.0);  // the network responds to its input
    }

    void weightsAreCircuitParameters() {
        const Circuit c = mixedCircuit(0.5);
        c.validate();
        const ParameterLayout L(c);
        const int weights = LstmNetwork(c.neurons[2].lstm).weightCount();
        QCOMPARE(L.size(), 2 * 28 + 4 * 4 + 2 + weights);
        QVERIFY(L.find("N/volt/cell_0/kernel[0]") >= 0);
        const auto v = L.values(c);
        for (int k = 0; k < weights; ++k) QCOMPARE(v[L.find("N/volt/cell_0/kernel[0]") + k], c.neurons[2].params[k]);
        Rng rng(4);
        const auto r = L.random(c, rng);
        QCOMPARE(int(r.size()), L.size());
        Circuit bad = c;
        bad.neurons[2].params.pop_back();
        QVERIFY_THROWS_EXCEPTION(InputError, bad.validate());
    }

    void gradientThroughSynapsesIntoTheNetwork() {
        // Central differences (Richardson-extrapolated) on every parameter, weights included.
        const Circuit c = mixedCircuit(0.5);
        const ParameterLayout layout(c);
        const FitDataset data = selfTarget(c, 120, 2, 0.5);
        LossWeights w;
        w.ca = 1e2;
        std::vector<double> pop = layout.values(c);
        Rng rng(9);
        std::uniform_real_distribution<double> u(-0.05, 0.05);
        for (double& x : pop) x *= 1 + u(rng);
        const LossGradient lg = lossAndGradient(c, pop, 1, data, w, 2);
        double gmax = 0;
        for (double g : lg.gradient) gmax = std::max(gmax, std::abs(g));
        double worst = 0;
        std::string worstName;
        for (int p = 0; p < layout.size(); ++p) {
            const double x = pop[p], h = 1e-2 * std::max(1e-2, std::abs(x));
            auto lossAt = [&](double value) {
                std::vector<double> q = pop;
                q[p] = value;
                return lossOnly(c, q, 1, data, w, 1)[0];
            };
            auto central = [&](double hh) { return (lossAt(x + hh) - lossAt(x - hh)) / (2 * hh); };
            const double d1 = central(h), d2 = central(h / 2), d4 = central(h / 4);
            const double fd = (16 * ((4 * d4 - d2) / 3) - (4 * d2 - d1) / 3) / 15;
            const double err = std::abs(fd - lg.gradient[p]) / std::max({std::abs(fd), std::abs(lg.gradient[p]), 1e-5 * gmax});
            if (err > worst) { worst = err; worstName = layout.entries()[p].name; }
        }
        qInfo("worst relative error %.3g (%s) over %d parameters", worst, worstName.c_str(), layout.size());
        QVERIFY2(worst < 1e-6, worstName.c_str());
        // The network's weights receive gradient through the synapses and the gap junction.
        double weightGrad = 0;
        for (int p = 0; p < layout.size(); ++p)
            if (layout.entries()[p].name.rfind("N/", 0) == 0) weightGrad += std::abs(lg.gradient[p]);
        QVERIFY(weightGrad > 0);
    }

    void savedAndLoaded() {
        const Circuit c = mixedCircuit(0.5, 0);
        QTemporaryDir dir;
        const std::string path = dir.filePath("mixed.json").toStdString();
        saveCircuit(c, path);
        const Circuit back = loadCircuit(path);
        QCOMPARE(back.neurons[2].model, std::string("lstm"));
        QCOMPARE(back.neurons[2].lstm.units, 3);
        QVERIFY(back.neurons[2].params == c.neurons[2].params);
        // A neuron given only its shape gets seeded TensorFlow-style weights.
        const Circuit fresh = circuitFromJson(nlohmann::json::parse(
            R"({"neurons":[{"label":"X","model":"lstm","lstm":{"units":2}}]})"));
        QCOMPARE(int(fresh.neurons[0].params.size()), LstmNetwork(fresh.neurons[0].lstm).weightCount());
    }

    void fitSynapsesAndWeightsTogether() {
        // Biophysical neurons fixed; synapses and the network's weights fitted together.
        const Circuit truth = mixedCircuit(1.0, 0);
        FitDataset d = selfTarget(truth, 150, 2, 0.0);
        FitOptions o;
        o.population = 3;
        o.epochs = 25;
        o.seed = 2;
        o.fixed = {};
        for (const auto& p : modelSpec("celegans").params) {
            o.fixed.push_back("A/" + p.name);
            o.fixed.push_back("B/" + p.name);
        }
        o.learningRate = LearningRate{0.01, 9, 0.95};
        FitRun run(truth, d, std::nullopt, o);
        const FitResult r = run.run();
        QVERIFY(r.termination == Termination::Completed);
        const double first = run.lossHistory().front()[r.bestIndex];
        qInfo("best set %d: %.4g -> %.4g", r.bestIndex, first, r.bestLoss);
        QVERIFY(r.bestLoss < first);
        const ParameterLayout& L = run.layout();
        for (int s = 0; s < 3; ++s) QCOMPARE(run.population()[s * L.size() + L.find("A/C_m")], 20.0);
    }
};

QTEST_APPLESS_MAIN(TestLstmCircuit)
#include "test_lstm_circuit.moc"
