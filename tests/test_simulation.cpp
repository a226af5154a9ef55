// The reusable Simulation object: repeated runs with new parameters, new currents or another
// recording give exactly what a fresh simulate() gives, and reuse their storage while the
// shapes stay the same.
#include <set>

#include "odynn/errors.hpp"
#include "odynn/simulation.hpp"
#include "odynn/datasets.hpp"
#include "odynn/fitting.hpp"
#include "odynn/stimuli.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

Stimulus steps(int neurons, int count, int batch, double dt, double amplitude) {
    Stimulus s(count, batch, neurons);
    const auto t = timeVector(count, dt);
    for (int b = 0; b < batch; ++b) {
        const auto i = stepCurrent(t, 5 + 3 * b, 40, amplitude + 4 * b);
        for (int k = 0; k < count; ++k) s.at(k, b, b % neurons) = i[k];
    }
    return s;
}

// Equal bit for bit, NaN padding included.
bool identical(const SimulationResult& a, const SimulationResult& b) {
    if (a.sets.size() != b.sets.size() || a.finalState.size() != b.finalState.size()) return false;
    auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    for (size_t s = 0; s < a.sets.size(); ++s) {
        const Trajectory &x = a.sets[s], &y = b.sets[s];
        if (x.steps != y.steps || x.states != y.states || x.batch != y.batch || x.neurons != y.neurons ||
            x.values.size() != y.values.size())
            return false;
        for (size_t k = 0; k < x.values.size(); ++k)
            if (!same(x.values[k], y.values[k])) return false;
    }
    for (size_t k = 0; k < a.finalState.size(); ++k)
        if (!same(a.finalState[k], b.finalState[k])) return false;
    return true;
}

std::vector<double> scaledSets(const Circuit& c, int sets, double by) {
    const auto base = ParameterLayout(c).values(c);
    std::vector<double> pop;
    for (int s = 0; s < sets; ++s)
        for (double v : base) pop.push_back(v * (1.0 + by * (s + 1)));
    return pop;
}

}  // namespace

class TestSimulation : public QObject {
    Q_OBJECT
private slots:
    void repeatedRunsEqualFreshOnes() {
        Circuit c = test::pairCircuit(0.2);
        c.addNeuron("H", "hhsimple");  // fewer states than celegans: NaN padding rows
        c.synapses.push_back({2, 0, presets::excitatory2});
        const int sets = 3;
        SimulationOptions o;
        o.threads = 2;
        Simulation sim(c, sets, o);
        const Stimulus a = steps(3, 300, 2, 0.2, 10.0), b = steps(3, 300, 2, 0.2, 25.0);
        for (double by : {0.01, -0.02}) {
            const auto pop = scaledSets(c, sets, by);
            sim.setParameters(pop);
            for (const Stimulus* s : {&a, &b}) {
                const double* storage = sim.run(*s).sets[0].values.data();
                QVERIFY(identical(sim.run(*s), simulate(c, pop, sets, *s, o)));
                QCOMPARE(sim.run(*s).sets[0].values.data(), storage);  // same shape: storage reused
            }
        }
        // Another recording and another length reshape the storage.
        sim.options().record = Record::VoltageCalcium;
        SimulationOptions vc = o;
        vc.record = Record::VoltageCalcium;
        const Stimulus shorter = steps(3, 120, 2, 0.2, 15.0);
        QVERIFY(identical(sim.run(shorter), simulate(c, scaledSets(c, sets, -0.02), sets, shorter, vc)));
        sim.options().record = Record::AllStates;
        QVERIFY(identical(sim.run(shorter), simulate(c, scaledSets(c, sets, -0.02), sets, shorter, o)));
    }

    // V and Ca of every neuron plus every state of chosen neurons: the detail rows equal the
    // full recording's rows of those neurons (NaN where a model has fewer states), any threads.
    void detailNeuronsRecordEveryState() {
        Circuit c = test::pairCircuit(0.2);
        c.addNeuron("H", "hhsimple");
        c.synapses.push_back({2, 0, presets::excitatory2});
        const int sets = 2;
        const auto pop = scaledSets(c, sets, 0.01);
        const Stimulus s = steps(3, 150, 2, 0.2, 18.0);
        SimulationOptions all;
        all.threads = 1;
        const SimulationResult full = simulate(c, pop, sets, s, all);
        for (int threads : {1, 2}) {
            SimulationOptions o;
            o.threads = threads;
            o.record = Record::VoltageCalcium;
            o.detailNeurons = {2, 0};
            const SimulationResult r = simulate(c, pop, sets, s, o);
            QCOMPARE(int(r.sets.size()), sets);
            QCOMPARE(r.sets[0].states, 2);
            QCOMPARE(int(r.detail.size()), sets);
            for (int set = 0; set < sets; ++set) {
                const Trajectory &d = r.detail[size_t(set)], &f = full.sets[size_t(set)];
                QCOMPARE(d.neurons, 2);
                QCOMPARE(d.states, f.states);
                for (int t = 0; t < s.steps; ++t)
                    for (int st = 0; st < f.states; ++st)
                        for (int b = 0; b < s.batch; ++b)
                            for (int k = 0; k < 2; ++k) {
                                const double x = d.at(t, st, b, k), y = f.at(t, st, b, o.detailNeurons[size_t(k)]);
                                QVERIFY((std::isnan(x) && std::isnan(y)) || x == y);
                            }
            }
        }
        SimulationOptions bad;
        bad.detailNeurons = {3};
        QVERIFY_THROWS_EXCEPTION(InputError, simulate(c, pop, sets, s, bad));
    }

    void independentLanesDoNotDependOnThreads() {
        const Circuit c = singleNeuronCircuit("celegans", 0.5);
        const auto pop = scaledSets(c, 37, 0.003);
        const Stimulus s = steps(1, 700, 5, 0.5, 12.0);
        SimulationOptions one, two;
        one.threads = 1;
        two.threads = 2;
        one.record = two.record = Record::VoltageCalcium;
        Simulation a(c, 37, one), b(c, 37, two);
        a.setParameters(pop);
        b.setParameters(pop);
        QVERIFY(identical(a.run(s), b.run(s)));
    }

    // Independent lanes are stepped a chunk of elements at a time through blocks of steps. A
    // large population (several chunks per group, sets cut by chunk edges, more steps than a
    // block) gives every set the same bits as that set simulated alone: every state, V and Ca,
    // detail rows and final state, on 1 and 2 threads. Lone celegans neurons (inputs read from
    // repeated stimulus rows) and unconnected neurons of three models (inputs gathered).
    void independentLanesEqualEachSetAlone() {
        Circuit three;
        three.dt = 0.5;
        three.addNeuron("C", "celegans");
        three.addNeuron("H", "hhsimple");
        three.addNeuron("L", "leaky");
        const Circuit lone = singleNeuronCircuit("celegans", 0.5);
        for (const Circuit* c : std::initializer_list<const Circuit*>{&lone, &three}) {
            const int N = int(c->neurons.size());
            const int sets = 41, batch = 5;
            const auto pop = scaledSets(*c, sets, 0.004);
            const Stimulus s = steps(N, 600, batch, 0.5, 9.0);
            const int P = ParameterLayout(*c).size();
            for (Record record : {Record::AllStates, Record::VoltageCalcium}) {
                for (int threads : {1, 2}) {
                    SimulationOptions o;
                    o.threads = threads;
                    o.record = record;
                    o.detailNeurons = N == 1 ? std::vector<int>{0} : std::vector<int>{0, 2};
                    const SimulationResult all = simulate(*c, pop, sets, s, o);
                    QCOMPARE(int(all.sets.size()), sets);
                    for (int set : {0, 6, 7, 12, 20, 39, 40}) {  // lanes 30-34 and 60-64 cross chunk edges
                        const std::vector<double> one(pop.begin() + set * P, pop.begin() + (set + 1) * P);
                        const SimulationResult alone = simulate(*c, one, 1, s, o);
                        SimulationResult picked;
                        picked.sets = {all.sets[size_t(set)]};
                        const size_t perSet = all.finalState.size() / sets;
                        picked.finalState.assign(all.finalState.begin() + set * perSet,
                                                 all.finalState.begin() + (set + 1) * perSet);
                        QVERIFY2(identical(picked, alone), qPrintable(QString("set %1").arg(set)));
                        SimulationResult aloneDetail, pickedDetail;
                        aloneDetail.sets = alone.detail;
                        pickedDetail.sets = {all.detail[size_t(set)]};
                        QVERIFY(identical(pickedDetail, aloneDetail));
                    }
                }
            }
        }
    }

    // A population of lone celegans neurons simulated together equals the gradient pass's own
    // forward steps: each set's loss against its own simulated V is exactly 0.
    void independentLanesEqualTheGradientPass() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        const int sets = 23, batch = 5;
        const auto pop = scaledSets(c, sets, 0.01);
        FitDataset d;
        d.stimulus = steps(1, 500, batch, 1.0, 14.0);
        SimulationOptions o;
        o.threads = 1;
        o.record = Record::VoltageCalcium;
        const SimulationResult r = simulate(c, pop, sets, d.stimulus, o);
        for (int set : {0, 6, 9, 12, 22}) {  // sets 6 and 12 cross the edges of 32-element chunks
            d.targetV.clear();
            for (int t = 0; t < d.stimulus.steps; ++t)
                for (int b = 0; b < batch; ++b) d.targetV.push_back(r.sets[size_t(set)].at(t, 0, b, 0));
            const std::vector<double> loss = lossOnly(c, pop, sets, d, LossWeights{}, 1);
            for (int k = 0; k < sets; ++k)
                QVERIFY2(k == set ? loss[size_t(k)] == 0.0 : loss[size_t(k)] > 0.0, qPrintable(QString::number(k)));
        }
    }

    // The forward simulation sums each neuron's inputs itself, with one activation per distinct
    // (presynaptic neuron, mdp, scale); the gradient pass works synapse by synapse. Both give the
    // same states bit for bit (the loss against the simulation's own V is exactly 0) with shared
    // and distinct synapse parameters, mixed models, one lane or several, and any threads.
    void circuitInputsEqualTheGradientPass() {
        Circuit c;
        c.dt = 0.2;
        const int N = 13;
        for (int i = 0; i < N; ++i) c.addNeuron("n" + std::to_string(i), i % 6 == 1 ? "hhsimple" : i % 6 == 4 ? "leaky" : "celegans");
        Rng rng(7);
        std::uniform_int_distribution<int> pick(0, N - 1);
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        std::set<std::pair<int, int>> used;
        while (c.synapses.size() < 60) {
            const int a = pick(rng), b = pick(rng);
            if (a == b || !used.insert({a, b}).second) continue;
            Synapse syn{a, b, c.synapses.size() % 2 ? presets::excitatory1 : presets::inhibitory1};
            if (c.synapses.size() % 5 == 0) {  // a synapse of its own, beside preset ones from the same neuron
                syn.p.mdp *= jitter(rng);
                syn.p.scale *= jitter(rng);
            }
            c.synapses.push_back(syn);
        }
        used.clear();
        while (c.gaps.size() < 15) {
            const int a = pick(rng), b = pick(rng);
            if (a == b || !used.insert({std::min(a, b), std::max(a, b)}).second) continue;
            c.gaps.push_back({a, b, 0.05 * jitter(rng)});
        }
        for (const auto& [sets, batch] : {std::pair{1, 1}, std::pair{3, 2}}) {
            const auto pop = scaledSets(c, sets, 0.01);
            FitDataset d;
            d.stimulus = steps(N, 400, batch, 0.2, 15.0);
            for (int threads : {1, 2, 3}) {
                SimulationOptions o;
                o.threads = threads;
                o.record = Record::VoltageCalcium;
                const SimulationResult r = simulate(c, pop, sets, d.stimulus, o);
                d.targetV.clear();
                for (int t = 0; t < d.stimulus.steps; ++t)
                    for (int b = 0; b < batch; ++b)
                        for (int n = 0; n < N; ++n) d.targetV.push_back(r.sets[0].at(t, 0, b, n));
                const std::vector<double> loss = lossOnly(c, pop, sets, d, LossWeights{}, threads);
                QVERIFY2(loss[0] == 0.0, qPrintable(QString::number(loss[0], 'g', 17)));
                for (int set = 1; set < sets; ++set) QVERIFY(loss[size_t(set)] > 0.0);  // other parameters, other states
            }
        }
    }

    void circuitParametersChangeInPlace() {
        Circuit c = test::pairCircuit(0.5);
        Simulation sim(c);
        const Stimulus s = steps(2, 200, 1, 0.5, 20.0);
        c.synapses[0].p.G *= 3;
        c.neurons[1].params[0] *= 1.2;
        sim.setParameters(c);
        QVERIFY(identical(sim.run(s), simulate(c, s)));
        Circuit other = c;
        other.gaps.clear();
        QVERIFY(sim.hasShapeOf(c));
        QVERIFY(!sim.hasShapeOf(other));
        QVERIFY_THROWS_EXCEPTION(InputError, sim.setParameters(other));
        Circuit finer = c;
        finer.dt = 0.25;
        QVERIFY(!sim.hasShapeOf(finer));
    }

    void takenResultLeavesTheSimulationUsable() {
        const Circuit c = singleNeuronCircuit("leaky", 0.5);
        Simulation sim(c);
        const Stimulus s = steps(1, 50, 1, 0.5, 5.0);
        const SimulationResult first = (sim.run(s), sim.takeResult());
        QVERIFY(identical(sim.run(s), first));
    }

    void refusesBadInput() {
        const Circuit c = test::pairCircuit(0.1);
        QVERIFY_THROWS_EXCEPTION(InputError, Simulation(c, 0));
        Simulation sim(c, 2);
        QVERIFY_THROWS_EXCEPTION(InputError, sim.setParameters(std::vector<double>(3, 1.0)));
        std::vector<double> pop = scaledSets(c, 2, 0.0);
        pop[4] = std::nan("");
        QVERIFY_THROWS_EXCEPTION(InputError, sim.setParameters(pop));
        QVERIFY_THROWS_EXCEPTION(InputError, sim.run(Stimulus(10, 1, 3)));
    }
};

QTEST_APPLESS_MAIN(TestSimulation)
#include "test_simulation.moc"
