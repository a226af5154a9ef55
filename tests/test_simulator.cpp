// Batched simulation: a population simulated at once equals its sets one by one, threads do
// not change results, batch entries are independent, and bad arguments are refused.
#include "odynn/errors.hpp"
#include "odynn/stimuli.hpp"
#include "odynn/datasets.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {
Stimulus twoCurrents(int neurons, int steps, double dt) {
    Stimulus s(steps, 2, neurons);
    const auto t = timeVector(steps, dt);
    const auto a = stepCurrent(t, 20, 80, 15.0), b = pulseTrain(t, 10, 10, 30, 4, 25.0);
    for (int k = 0; k < steps; ++k)
        for (int n = 0; n < neurons; ++n) { s.at(k, 0, n) = n == 0 ? a[k] : 0; s.at(k, 1, n) = b[k]; }
    return s;
}
}  // namespace

class TestSimulator : public QObject {
    Q_OBJECT
private slots:
    void populationEqualsOneByOne() {
        Circuit c = test::pairCircuit(0.5);
        c.addNeuron("H", "hhsimple");
        c.synapses.push_back({2, 0, presets::excitatory2});
        const ParameterLayout L(c);
        Rng rng(3);
        const int sets = 5;
        std::vector<double> pop;
        for (int s = 0; s < sets; ++s) {
            const auto v = L.random(c, rng);
            pop.insert(pop.end(), v.begin(), v.end());
        }
        const Stimulus stim = twoCurrents(3, 300, 0.5);
        SimulationOptions two;
        two.threads = 2;
        const auto all = simulate(c, pop, sets, stim, two);
        for (int s = 0; s < sets; ++s) {
            SimulationOptions one;
            one.threads = 1;
            const std::vector<double> p(pop.begin() + s * L.size(), pop.begin() + (s + 1) * L.size());
            const auto single = simulate(c, p, 1, stim, one);
            QCOMPARE(single.sets[0].values.size(), all.sets[s].values.size());
            for (size_t k = 0; k < single.sets[0].values.size(); ++k) {
                const double a = single.sets[0].values[k], b = all.sets[s].values[k];
                QVERIFY((std::isnan(a) && std::isnan(b)) || a == b);  // identical, NaN padding included
            }
        }
        QCOMPARE(all.sets[0].states, 7);
        QVERIFY(std::isnan(all.sets[0].at(0, 5, 0, 2)));  // hhsimple has 3 states: padded
    }

    void largeCircuitIsThreadIndependent() {
        Circuit c;
        c.dt = 0.1;
        for (int i = 0; i < 64; ++i) c.addNeuron("n" + std::to_string(i), i % 5 == 0 ? "leaky" : "celegans");
        for (int i = 0; i < 64; ++i) {
            c.synapses.push_back({i, (i * 7 + 3) % 64, i % 3 ? presets::excitatory1 : presets::inhibitory1});
            if (i % 4 == 0) c.gaps.push_back({i, (i + 1) % 64, 0.05});
        }
        Stimulus s(500, 1, 64);
        for (int t = 100; t < 400; ++t) s.at(t, 0, 0) = s.at(t, 0, 17) = 20.0;
        SimulationOptions a, b;
        a.threads = 1;
        b.threads = 2;
        a.record = b.record = Record::VoltageCalcium;
        QCOMPARE(simulate(c, s, a).sets[0].values, simulate(c, s, b).sets[0].values);
    }

    void singleNeuronCircuitEqualsUnconnectedNeuron() {
        // An edge-free neuron inside a circuit behaves as the lone neuron.
        Circuit lone = singleNeuronCircuit("celegans", 0.2);
        Circuit two = lone;
        two.addNeuron("other", "leaky");
        Stimulus s1 = twoCurrents(1, 400, 0.2), s2(400, 2, 2);
        for (int t = 0; t < 400; ++t)
            for (int b = 0; b < 2; ++b) s2.at(t, b, 0) = s1.at(t, b, 0);
        const auto r1 = simulate(lone, s1), r2 = simulate(two, s2);
        for (int t = 0; t < 400; t += 37)
            for (int st = 0; st < 7; ++st)
                for (int b = 0; b < 2; ++b) QCOMPARE(r2.sets[0].at(t, st, b, 0), r1.sets[0].at(t, st, b, 0));
    }

    void refusesBadArguments() {
        const Circuit c = test::pairCircuit(0.1);
        Stimulus wrong(10, 1, 3);
        QVERIFY_THROWS_EXCEPTION(InputError, simulate(c, wrong));
        Stimulus ok(10, 1, 2);
        ok.at(3, 0, 1) = std::nan("");
        QVERIFY_THROWS_EXCEPTION(InputError, simulate(c, ok));
        Circuit badDt = c;
        badDt.dt = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, simulate(badDt, Stimulus(10, 1, 2)));
        QVERIFY_THROWS_EXCEPTION(InputError, simulate(c, std::vector<double>(3, 1.0), 1, Stimulus(10, 1, 2)));
    }

    void cancelStopsEarly() {
        const Circuit c = singleNeuronCircuit("celegans", 0.1);
        std::atomic<bool> cancel{true};
        SimulationOptions o;
        o.cancel = &cancel;
        double lastProgress = -1;
        o.progress = [&](double p) { lastProgress = p; };
        const auto r = simulate(c, Stimulus(5000, 1, 1), o);
        QVERIFY(r.cancelled);
        QVERIFY(lastProgress < 1.0);
    }

    void standardStimuli() {
        const auto train = trainingCurrents(1.0);
        QCOMPARE(train.size(), size_t(5));
        QCOMPARE(train[0].size(), size_t(1200));
        QCOMPARE(train[0][200], 10.0);
        QCOMPARE(train[1][850], 25.0);
        QCOMPARE(testCurrents(0.5).size(), size_t(5));
        const auto t = timeVector(100, 1.0);
        QCOMPARE(rampCurrent(t, 10, 20, 0, 10)[15], 5.0);
        QCOMPARE(gaussianBump(t, 50, 5, 2.0)[50], 2.0);
    }
};

QTEST_APPLESS_MAIN(TestSimulator)
#include "test_simulator.moc"
