// Checkpointing through time: a reverse pass that keeps only every k-th state and recomputes
// the rest gives the same loss and gradient, bit for bit, as one that keeps every state, for
// lone neurons, coupled circuits and circuits with an LSTM neuron, on 1 and 2 threads, and for
// step counts that leave a short last segment. A population large enough to go through the
// reverse pass a few sets at a time gives every set the bits it gets alone.
#include <cstring>

#include "odynn/fitting.hpp"
#include "odynn/datasets.hpp"
#include "odynn/stimuli.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

constexpr std::size_t storeEverything = std::size_t(1) << 40;
constexpr std::size_t checkpointAlways = 0;

FitDataset pulseData(const Circuit& c, int steps, int batch) {
    FitDataset d;
    const int N = int(c.neurons.size());
    d.stimulus = Stimulus(steps, batch, N);
    const auto t = timeVector(steps, c.dt);
    for (int b = 0; b < batch; ++b) {
        const auto i = pulseTrain(t, 3 + b, 8, 20, 40, 12.0 + 5 * b);
        for (int k = 0; k < steps; ++k) d.stimulus.at(k, b, b % N) = i[k];
    }
    const size_t n = size_t(steps) * batch * N;
    d.targetV.resize(n);
    d.targetCa.resize(n);
    for (size_t k = 0; k < n; ++k) {
        d.targetV[k] = k % 11 == 3 ? std::nan("") : -55.0 + double(k % 17);  // some entries unobserved
        d.targetCa[k] = 0.1 + 0.01 * double(k % 5);
    }
    return d;
}

std::vector<double> perturbedSets(const Circuit& c, int sets) {
    const ParameterLayout layout(c);
    const auto base = layout.values(c);
    std::vector<double> pop;
    for (int s = 0; s < sets; ++s)
        for (size_t p = 0; p < base.size(); ++p) pop.push_back(base[p] * (1.0 + 0.01 * double((s * 7 + p) % 9)));
    return pop;
}

bool bitEqual(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void checkSameGradient(const Circuit& c, int steps, int batch, int sets) {
    const FitDataset data = pulseData(c, steps, batch);
    const auto pop = perturbedSets(c, sets);
    LossWeights w;
    w.ca = 10.0;
    const LossGradient whole = lossAndGradient(c, pop, sets, data, w, 2, storeEverything);
    for (int threads : {1, 2}) {
        const LossGradient checkpointed = lossAndGradient(c, pop, sets, data, w, threads, checkpointAlways);
        QVERIFY2(bitEqual(whole.loss, checkpointed.loss), qPrintable(QString("loss, %1 thread(s)").arg(threads)));
        QVERIFY2(bitEqual(whole.gradient, checkpointed.gradient),
                 qPrintable(QString("gradient, %1 thread(s)").arg(threads)));
    }
    double norm = 0;
    for (double g : whole.gradient) norm += g * g;
    QVERIFY(norm > 0 && std::isfinite(norm));  // the comparison is about a real gradient
}

// Each set of a population evaluated alone against the whole population at once, stored or
// checkpointed, on 1 and 2 threads.
void checkSetsAlone(const Circuit& c, int steps, int batch, int sets) {
    const FitDataset data = pulseData(c, steps, batch);
    const auto pop = perturbedSets(c, sets);
    const int P = ParameterLayout(c).size();
    LossWeights w;
    w.ca = 10.0;
    for (std::size_t history : {storeEverything, checkpointAlways})
        for (int threads : {1, 2}) {
            const LossGradient all = lossAndGradient(c, pop, sets, data, w, threads, history);
            for (int s = 0; s < sets; ++s) {
                const std::vector<double> one(pop.begin() + s * P, pop.begin() + (s + 1) * P);
                const LossGradient alone = lossAndGradient(c, one, 1, data, w, 1, history);
                const std::vector<double> mine(all.gradient.begin() + s * P, all.gradient.begin() + (s + 1) * P);
                QVERIFY2(bitEqual({all.loss[s]}, alone.loss) && bitEqual(mine, alone.gradient),
                         qPrintable(QString("set %1, %2 thread(s)").arg(s).arg(threads)));
            }
        }
}

Circuit withLstmNeuron(double dt) {
    Circuit c = test::pairCircuit(dt);
    LstmSpec spec;
    spec.units = 3;
    spec.calciumLayers = 1;
    c.addNeuron("N", "lstm", Role::Inter, spec);
    c.synapses.push_back({0, 2, presets::excitatory2});
    c.synapses.push_back({2, 1, presets::inhibitory1});
    c.gaps.push_back({2, 0, 0.05});
    return c;
}

}  // namespace

class TestCheckpointing : public QObject {
    Q_OBJECT
private slots:
    void loneNeuronPopulation() { checkSameGradient(singleNeuronCircuit("celegans", 0.5), 1000, 3, 5); }
    void shortLastSegment() { checkSameGradient(singleNeuronCircuit("hhsimple", 0.2), 1001, 2, 3); }
    void fewSteps() {
        for (int steps : {1, 2, 3, 5}) checkSameGradient(singleNeuronCircuit("leaky", 0.5), steps, 1, 2);
    }
    void coupledCircuit() { checkSameGradient(test::pairCircuit(0.5), 403, 2, 3); }
    void circuitWithLstmNeuron() { checkSameGradient(withLstmNeuron(0.5), 150, 2, 2); }
    // Sizes whose stored trajectories do not fit in cache at once: the sets go in chunks (31 =
    // five whole chunks of 6 and a rest of 1).
    void populationInChunks() { checkSetsAlone(singleNeuronCircuit("celegans", 0.5), 2000, 3, 31); }
    void coupledPopulationInChunks() { checkSetsAlone(test::pairCircuit(0.5), 1000, 2, 40); }
};

QTEST_APPLESS_MAIN(TestCheckpointing)
#include "test_checkpointing.moc"
