#pragma once
// The lowered form of a circuit and a population: flat structure-of-arrays per model group,
// lane-major (lane = set * batch + batch entry), which the hot loops run over. Built once
// per simulation or per gradient evaluation.
#include <memory>
#include <vector>

#include "kernels.hpp"
#include "model_kernels.hpp"
#include "odynn/lstm.hpp"
#include "odynn/circuit.hpp"
#include "odynn/simulator.hpp"

namespace odynn::detail {

struct ModelGroup {
    const ModelSpec* spec = nullptr;
    const ModelKernels* kernels = nullptr;  // spec->kernels: the one dispatch of every step
    int batch = 1;             // lanes of one parameter set are `batch` consecutive elements
    std::vector<int> neurons;  // circuit neuron indices, in circuit order
    int elems = 0;             // neurons.size() * lanes; element = slot * lanes + lane
    std::vector<int> inputColumn;  // per element: batch entry * neurons + neuron, its column in a stimulus row
    int stride = 0;            // elems rounded up to whole packets; padding elements copy the last
    int states = 0, params = 0, derivedCount = 0;
    AlignedVector raw;      // [param][stride]
    AlignedVector derived;  // [derived][stride]
    int recordStates = 0;   // states a trajectory shows (the model's state names)

    // A group whose parameters are one weight vector per set (an LSTM network, set up by its
    // kernels' prepare()); a run of `batch` lanes shares it.
    std::shared_ptr<const LstmNetwork> net;
    int weightStride = 0;                 // weightCount rounded up to whole packets
    AlignedVector weights;                // [set][weightStride]
    mutable AlignedVector gates, scratchState;  // gate activations, a recomputed step
    mutable std::shared_ptr<LstmScratch> lstmScratch;
    bool perSetWeights() const { return weightStride > 0; }
    size_t voltageRow() const { return size_t(spec->voltageIndex) * stride; }  // offset of V in a state buffer
};

// Directed connection: chemical synapses first (in circuit order), then each gap junction
// as a->b and b->a.
struct Connections {
    int count = 0, synapses = 0;
    std::vector<int> pre, post, source;  // source: synapse or gap index
    AlignedVector G, mdp, inv, E;  // [conn * lanes + lane] plus one packet of padding; gaps use G only
    std::vector<int> preGroup, preOffset, postGroup, postOffset;  // where Vpre / Vpost live in group states
    std::vector<int> inStart, inList, outStart, outList;  // CSR by neuron
};

class Engine {
public:
    Engine(const Circuit& circuit, const ParameterLayout& layout, const double* population, int sets, int batch);

    int lanes, sets, batch, neuronCount;
    double dt;
    std::vector<ModelGroup> groups;
    std::vector<int> groupOf, slotOf;  // per neuron
    Connections conn;

    // Fills per-group state buffers ([state][elem]) with each model's initial state.
    void initialState(std::vector<AlignedVector>& state) const;
    // Connection currents [conn * lanes + lane] for connections [c0, c1) from `state`.
    void connectionCurrents(const std::vector<const double*>& state, double* cur, int c0, int c1,
                            Scratch& s) const;
    // Steps elements [e0, e1) of group g: input = stimulus row t + incoming connection currents.
    // With kept ([row][stride], the group's keptRows()) also keeps what the reverse reuses.
    void stepGroup(int g, const double* old, double* out, int e0, int e1, const Stimulus& stim, int t,
                   const double* cur, Scratch& s, double* kept = nullptr) const;
    // The same with the elements' total input currents given, input[k - e0] for element k.
    void stepGroup(int g, const double* old, double* out, int e0, int e1, const double* input, Scratch& s) const;
    // Reverse of stepGroup for elements [e0, e1); kept is what it kept of the step, adjInput is
    // [elem] of the group. grad is [param][stride] (per-set weights: [set][weightStride]).
    // Kernels whose reverse reads the input current get it again, which needs the step's
    // stimulus row and connection currents.
    void reverseGroup(int g, const double* old, const double* neu, const double* kept, const double* adjNew,
                      double* adjOld, double* adjInput, double* grad, int e0, int e1, const Stimulus& stim, int t,
                      const double* cur, Scratch& s) const;
    // Elements of group g that thread `tid` of `nth` steps (all of a serial group on thread 0).
    std::pair<int, int> rangeFor(int g, int nth, int tid) const;
    // Whether some group's reverse reads its input current (then connection currents are recomputed).
    bool reverseNeedsInput() const;
    // Connection adjoints from the adjoint of every neuron's input current (per group [elem]):
    // dPre/dPost [conn * lanes + lane] = contribution to the adjoint of Vpre/Vpost; adds
    // parameter gradients into connGrad [4][conn * lanes + lane] (G, mdp, scale, E).
    void reverseConnections(const std::vector<const double*>& state, const std::vector<const double*>& adjInput,
                            double* dPre, double* dPost, double* connGrad, int c0, int c1, Scratch& s) const;

    // Threads worth using for this engine. Circuits with connections synchronise every step;
    // a thread that the OS deschedules then stalls the others for a whole time slice, so they
    // are split across threads only when each step holds enough work to be worth that risk.
    // requested > 0 asks for that many threads regardless (benchmarks, tests).
    int threadsFor(int requested) const;
    // Total injected current of elements [b0, b0 + n) of group g at step t (padding: 0).
    void gatherInput(int g, int b0, int n, const Stimulus& stim, int t, const double* cur, double* in) const;

    // V pointer of a neuron's lanes inside a group state buffer.
    const double* voltage(const std::vector<const double*>& state, int neuron) const {
        return state[groupOf[neuron]] + groups[groupOf[neuron]].voltageRow() + size_t(slotOf[neuron]) * lanes;
    }
    static constexpr int block = 256;  // elements per kernel call
};

// Splits [0, count) into `parts` near-equal ranges; returns the bounds of range `i`.
inline std::pair<int, int> splitRange(int count, int parts, int i) {
    const long long c = count;
    return {int(c * i / parts), int(c * (i + 1) / parts)};
}
// The same over whole packets of a padded element count.
inline std::pair<int, int> splitPackets(int stride, int parts, int i) {
    const auto [a, b] = splitRange(stride / packet, parts, i);
    return {a * packet, b * packet};
}

int resolveThreads(int requested);

}  // namespace odynn::detail
