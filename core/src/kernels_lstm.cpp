// LSTM neurons (SPEC 1.4) as a model entry: each neuron is a group of its own with one weight
// vector per parameter set (a run of `batch` lanes shares it), stepped by one thread so that
// results never depend on how lanes are split.
#include "engine.hpp"
#include "model_kernels.hpp"
#include "odynn/circuit.hpp"

namespace odynn::detail {
namespace {

// Runs `f(set, first, count)` over the runs of lanes of one set inside block b of an LSTM
// group (one neuron, element = lane); padding elements are skipped.
template <class F>
void forEachSetRun(const ModelGroup& g, const Block& b, F f) {
    for (int first = b.begin; first < std::min(b.begin + b.n, g.elems);) {
        const int set = first / g.batch, end = std::min({(set + 1) * g.batch, b.begin + b.n, g.elems});
        f(set, first, end - first);
        first = end;
    }
}

class LstmKernels final : public ModelKernels {
public:
    bool groupPerNeuron() const override { return true; }
    bool serial() const override { return true; }

    void prepare(ModelGroup& g, const Neuron& first, int sets) const override {
        g.net = std::make_shared<const LstmNetwork>(first.lstm);
        g.states = g.net->stateRows();
        g.weightStride = roundUpToPacket(g.net->weightCount());
        g.weights.assign(size_t(sets) * g.weightStride, 0.0);
        g.lstmScratch = std::make_shared<LstmScratch>();
    }

    void initialState(const ModelGroup& g, double* state) const override {
        g.net->initialState(state, g.stride, g.stride);
    }

    void step(const ModelGroup& g, const Block& b, const double* old, double* out, const double* in, Scratch&,
              double) const override {
        forEachSetRun(g, b, [&](int set, int first, int count) {
            g.net->step(g.weights.data() + size_t(set) * g.weightStride, old, out, g.gates.data(), g.stride, first,
                        count, in + (first - b.begin), *g.lstmScratch);
        });
    }

    bool reverseNeedsInput() const override { return true; }

    // Re-runs the step for its gate activations, then its reverse.
    void reverse(const ModelGroup& g, const Block& b, const double* old, const double* neu, const double*,
                 const double* adjNew, double* adjOld, const double* in, double* adjInput, double* grad, Scratch&,
                 double) const override {
        forEachSetRun(g, b, [&](int set, int first, int count) {
            const double* w = g.weights.data() + size_t(set) * g.weightStride;
            g.net->step(w, old, g.scratchState.data(), g.gates.data(), g.stride, first, count, in + (first - b.begin),
                        *g.lstmScratch);
            g.net->reverseStep(w, old, neu, g.gates.data(), adjNew, adjOld, g.stride, first, count,
                               in + (first - b.begin), adjInput + (first - b.begin), grad + size_t(set) * g.weightStride,
                               *g.lstmScratch);
        });
    }
};

}  // namespace

std::shared_ptr<const ModelKernels> lstmKernels() { return std::make_shared<LstmKernels>(); }

}  // namespace odynn::detail
