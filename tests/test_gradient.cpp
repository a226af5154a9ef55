// The reverse-pass gradient against central finite differences (Richardson-extrapolated),
// for every model and for circuits with both synapse kinds, a gap junction and mixed models.
#include "odynn/fitting.hpp"
#include "odynn/stimuli.hpp"
#include "odynn/datasets.hpp"
#include "odynn/simulation.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

// Stimulus with `batch` entries of steps and pulses into every neuron.
Stimulus makeStimulus(const Circuit& c, int steps, int batch) {
    Stimulus s(steps, batch, int(c.neurons.size()));
    const auto t = timeVector(steps, c.dt);
    for (int b = 0; b < batch; ++b)
        for (int n = 0; n < s.neurons; ++n) {
            const auto i = n % 2 == 0 ? stepCurrent(t, 20 + 10 * b, 90 + 5 * n, 15.0 + 5 * b)
                                      : pulseTrain(t, 10, 15, 40, 3, 12.0 + 4 * b);
            for (int k = 0; k < steps; ++k) s.at(k, b, n) = i[k];
        }
    return s;
}

// Targets from the circuit's own parameters; the test then evaluates perturbed parameters.
FitDataset makeData(const Circuit& c, int steps, int batch) {
    FitDataset d;
    d.stimulus = makeStimulus(c, steps, batch);
    SimulationOptions opt;
    opt.record = Record::VoltageCalcium;
    const auto r = simulate(c, d.stimulus, opt);
    const size_t n = size_t(steps) * batch * c.neurons.size();
    d.targetV.resize(n);
    d.targetCa.resize(n);
    for (int t = 0; t < steps; ++t)
        for (int b = 0; b < batch; ++b)
            for (size_t k = 0; k < c.neurons.size(); ++k) {
                const size_t at = (size_t(t) * batch + b) * c.neurons.size() + k;
                d.targetV[at] = r.sets[0].at(t, 0, b, int(k)) + 0.5;
                d.targetCa[at] = r.sets[0].at(t, 1, b, int(k)) * 1.1;
            }
    return d;
}

// observeFirst: only neuron 0 has targets (the others are unobserved, NaN); neuronWeights
// weighs each neuron's terms; coupling: which voltages the connections read.
void checkGradient(const Circuit& c, int steps, int batch, double wCa, bool observeFirst = false,
                   std::vector<double> neuronWeights = {}, Coupling coupling = Coupling::Simulated) {
    const ParameterLayout layout(c);
    FitDataset data = makeData(c, steps, batch);
    if (observeFirst)
        for (size_t k = 0; k < data.targetV.size(); ++k)
            if (k % c.neurons.size() != 0) data.targetV[k] = data.targetCa[k] = std::nan("");
    LossWeights w;
    w.v = 1.0;
    w.ca = wCa;
    w.perNeuron = std::move(neuronWeights);
    // Two sets: the defaults perturbed by +-7 %, so each set has its own gradient.
    const int sets = 2, P = layout.size();
    std::vector<double> pop;
    const auto base = layout.values(c);
    Rng rng(7);
    std::uniform_real_distribution<double> u(-0.07, 0.07);
    for (int s = 0; s < sets; ++s)
        for (int p = 0; p < P; ++p) pop.push_back(base[p] * (1.0 + u(rng)));
    const LossGradient lg = lossAndGradient(c, pop, sets, data, w, 2, defaultHistoryBytes, coupling);
    QCOMPARE(int(lg.gradient.size()), sets * P);
    auto lossAt = [&](int s, int p, double value) {
        std::vector<double> q = pop;
        q[size_t(s) * P + p] = value;
        return lossOnly(c, q, sets, data, w, 1, coupling)[s];
    };
    double worst = 0;
    QString worstName;
    for (int s = 0; s < sets; ++s) {
        double gmax = 0;
        for (int p = 0; p < P; ++p) gmax = std::max(gmax, std::abs(lg.gradient[size_t(s) * P + p]));
        for (int p = 0; p < P; ++p) {
            const double x = pop[size_t(s) * P + p];
            // Central differences extrapolated twice (Richardson, error O(h^6)): a fairly large
            // step keeps round-off noise of the long time loop small next to the derivative.
            const double h = 1e-2 * std::max(1e-2, std::abs(x));
            auto central = [&](double hh) { return (lossAt(s, p, x + hh) - lossAt(s, p, x - hh)) / (2 * hh); };
            const double d1 = central(h), d2 = central(h / 2), d4 = central(h / 4);
            const double r1 = (4 * d2 - d1) / 3, r2 = (4 * d4 - d2) / 3;
            const double fd = (16 * r2 - r1) / 15;
            const double ad = lg.gradient[size_t(s) * P + p];
            // Relative error; components below 1e-5 of the largest are compared against that floor.
            const double err = std::abs(fd - ad) / std::max({std::abs(fd), std::abs(ad), 1e-5 * gmax});
            if (err > 1e-6) qInfo("  %s set %d: fd %.10g ad %.10g", layout.entries()[p].name.c_str(), s, fd, ad);
            if (err > worst) { worst = err; worstName = QString::fromStdString(layout.entries()[p].name); }
        }
    }
    qInfo("worst relative error %.3g (%s) over %d parameters", worst, qPrintable(worstName), P);
    QVERIFY2(worst < 1e-6, qPrintable(QString("gradient of %1 off by %2").arg(worstName).arg(worst)));
}

}  // namespace

class TestGradient : public QObject {
    Q_OBJECT
private slots:
    void celegans() { checkGradient(singleNeuronCircuit("celegans", 0.5), 200, 2, 1e3); }
    void hhsimple() { checkGradient(singleNeuronCircuit("hhsimple", 0.2), 400, 2, 0.0); }
    void leaky() { checkGradient(singleNeuronCircuit("leaky", 0.5), 300, 2, 0.5); }
    void circuitBothSynapseKindsAndGap() { checkGradient(test::pairCircuit(0.5), 200, 2, 1e3); }
    void mixedModels() {
        Circuit c = test::pairCircuit(0.5);
        c.addNeuron("L", "leaky");
        c.addNeuron("H", "hhsimple");
        c.synapses.push_back({2, 0, presets::excitatory2});
        c.synapses.push_back({0, 3, presets::inhibitory2});
        c.gaps.push_back({1, 2, 0.1});
        checkGradient(c, 200, 1, 1e3);
    }
    void observedSubsetAndNeuronWeights() {
        checkGradient(test::pairCircuit(0.5), 200, 2, 1e3, true);
        checkGradient(test::pairCircuit(0.5), 200, 1, 1e3, false, {0.3, 2.0});
    }
    // Connections driven by the recorded voltages: every neuron recorded, and only neuron 0 (the
    // others' connections then read their own simulated V, whose adjoint flows as before).
    void recordedCoupling() {
        checkGradient(test::pairCircuit(0.5), 200, 2, 1e3, false, {}, Coupling::Recorded);
        checkGradient(test::pairCircuit(0.5), 200, 2, 1e3, true, {}, Coupling::Recorded);
    }
    // With recorded coupling each neuron's loss depends only on its own parameters and its
    // incoming connections'; data made by the circuit give a zero loss at its parameters either
    // way; the neurons' terms add up to the loss.
    void recordedCouplingDecouplesNeurons() {
        const Circuit c = test::pairCircuit(0.5);
        const ParameterLayout layout(c);
        const FitDataset data = test::simulatedTarget(c, 150.0, 2);
        const LossWeights w;
        const std::vector<double> truth = layout.values(c);
        QVERIFY(lossOnly(c, truth, 1, data, w, 1, Coupling::Recorded)[0] < 1e-24);
        QVERIFY(lossOnly(c, truth, 1, data, w, 1, Coupling::Simulated)[0] < 1e-24);
        // B's capacitance 20% up: A's terms stay exactly as they were only with recorded coupling.
        std::vector<double> moved = truth;
        int bC = -1;
        for (int p = 0; p < layout.size(); ++p)
            if (layout.entries()[p].name == "B/C_m") bC = p;
        QVERIFY(bC >= 0);
        moved[size_t(bC)] *= 1.2;
        const std::vector<double> pop = [&] { auto v = truth; v.insert(v.end(), moved.begin(), moved.end()); return v; }();
        for (const Coupling coupling : {Coupling::Recorded, Coupling::Simulated}) {
            const std::vector<double> byNeuron = lossPerNeuron(c, pop, 2, data, w, 1, coupling);
            const std::vector<double> total = lossOnly(c, pop, 2, data, w, 1, coupling);
            QCOMPARE(int(byNeuron.size()), 4);
            for (int s = 0; s < 2; ++s)
                QVERIFY(std::abs(byNeuron[size_t(2 * s)] + byNeuron[size_t(2 * s + 1)] - total[size_t(s)]) <=
                        1e-12 * total[size_t(s)] + 1e-30);
            QVERIFY(byNeuron[3] > 1e-3);  // B's own terms move
            if (coupling == Coupling::Recorded) QCOMPARE(byNeuron[2], byNeuron[0]);
            else QVERIFY(byNeuron[2] > 1e-6);  // A's trace feels B through the synapse and the gap
        }
    }
    void lossMatchesDefinition() {
        // Loss = mean over entries of w_v (V-V*)^2 + w_ca (Ca-Ca*)^2 with a constant offset target.
        const Circuit c = singleNeuronCircuit("leaky", 1.0);
        FitDataset d;
        d.stimulus = Stimulus(50, 3, 1);
        SimulationOptions opt;
        opt.record = Record::VoltageCalcium;
        const auto r = simulate(c, d.stimulus, opt);
        d.targetV.assign(150, 0.0);
        for (int t = 0; t < 50; ++t)
            for (int b = 0; b < 3; ++b) d.targetV[t * 3 + b] = r.sets[0].at(t, 0, b, 0) - 2.0;
        LossWeights w;
        const auto loss = lossOnly(c, ParameterLayout(c).values(c), 1, d, w);
        QVERIFY(std::abs(loss[0] - 4.0) < 1e-12);
    }
    void lossMatchesDefinitionWithMissingTargets() {
        // Several sets against targets with missing (NaN) and infinite entries, V and Ca fitted:
        // each set's loss is sum(w_v/n_v (V-V*)^2) + sum(w_ca/n_ca (Ca-Ca*)^2) over the finite
        // targets, with or without the gradient. hhsimple has no calcium and fits V as Ca.
        for (const char* model : {"celegans", "hhsimple"}) {
            const Circuit c = singleNeuronCircuit(model, 0.5);
            const int T = 80, B = 3, sets = 5;
            const ParameterLayout layout(c);
            const auto base = layout.values(c);
            std::vector<double> pop;
            for (int s = 0; s < sets; ++s)
                for (size_t p = 0; p < base.size(); ++p) pop.push_back(base[p] * (1.0 + 0.02 * double((3 * s + p) % 5)));
            FitDataset d;
            d.stimulus = Stimulus(T, B, 1);
            for (int t = 0; t < T; ++t)
                for (int b = 0; b < B; ++b) d.stimulus.at(t, b, 0) = t > 10 && t < 50 ? 5.0 * (b + 1) : 0.0;
            SimulationOptions opt;
            opt.record = Record::VoltageCalcium;
            Simulation sim(c, sets, opt);
            sim.setParameters(pop);
            const SimulationResult& r = sim.run(d.stimulus);
            d.targetV.resize(size_t(T) * B);
            d.targetCa.resize(size_t(T) * B);
            for (int t = 0; t < T; ++t)
                for (int b = 0; b < B; ++b) {
                    const size_t k = size_t(t) * B + b;
                    d.targetV[k] = k % 7 == 3 ? std::nan("") : k % 13 == 5 ? INFINITY : r.sets[0].at(t, 0, b, 0) - 1.5;
                    d.targetCa[k] = k % 5 == 1 ? std::nan("") : k % 11 == 4 ? -INFINITY : r.sets[0].at(t, 1, b, 0) * 1.1 + 0.01;
                }
            LossWeights w;
            w.v = 1.0;
            w.ca = 10.0;
            double nv = 0, nca = 0;
            for (size_t k = 0; k < d.targetV.size(); ++k) {
                nv += std::isfinite(d.targetV[k]);
                nca += std::isfinite(d.targetCa[k]);
            }
            const auto alone = lossOnly(c, pop, sets, d, w, 2);
            const auto both = lossAndGradient(c, pop, sets, d, w, 2);
            for (int s = 0; s < sets; ++s) {
                double expected = 0;
                for (int t = 0; t < T; ++t)
                    for (int b = 0; b < B; ++b) {
                        const size_t k = size_t(t) * B + b;
                        if (std::isfinite(d.targetV[k])) expected += w.v / nv * std::pow(r.sets[s].at(t, 0, b, 0) - d.targetV[k], 2);
                        if (std::isfinite(d.targetCa[k]))
                            expected += w.ca / nca * std::pow(r.sets[s].at(t, 1, b, 0) - d.targetCa[k], 2);
                    }
                QVERIFY2(expected > 0 && std::abs(alone[s] - expected) <= 1e-12 * expected,
                         qPrintable(QString("%1, set %2: %3 against %4").arg(model).arg(s).arg(alone[s], 0, 'g', 17).arg(expected, 0, 'g', 17)));
                QCOMPARE(both.loss[s], alone[s]);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestGradient)
#include "test_gradient.moc"
