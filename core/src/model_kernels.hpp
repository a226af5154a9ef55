#pragma once
// The kernels of a model entry (model.hpp): every model, hand-written, model file or network,
// implements this one interface, and the engine calls it without knowing which model it runs.
//
// Buffers are structure-of-arrays over a group's elements (element = neuron slot x lane) with
// a stride of `E` elements: row r of element k lives at base[r * E + k]. Kernels work on a
// Block of whole packets.
#include <memory>

#include "kernels.hpp"

namespace odynn {
struct Neuron;
}

namespace odynn::detail {

struct ModelGroup;

class ModelKernels {
public:
    virtual ~ModelKernels() = default;

    // Rows of per-element constants derive() computes once per engine from the parameters.
    virtual int derivedCount() const { return 0; }
    // A group of its own for every neuron (each LSTM neuron has its own network shape).
    virtual bool groupPerNeuron() const { return false; }
    // Stepped by one thread (results must not depend on how lanes are split).
    virtual bool serial() const { return false; }
    // Elements that a simulation of independent lanes steps together through a block of steps;
    // 0: a whole block of the engine (Engine::block). Small for kernels that hold a few packets
    // in registers (their parameters then stay in the L1 cache); large for an interpreter,
    // whose cost per call is paid once per instruction.
    virtual int chunkElements() const { return 0; }
    // Allocates the group's own buffers once its first neuron, lanes and sets are known.
    virtual void prepare(ModelGroup&, const Neuron&, int /*sets*/) const {}
    // derived[row][E] from raw[param][E] for elements [0, E); dt in ms.
    virtual void derive(const double* /*raw*/, double* /*derived*/, int /*E*/, double /*dt*/) const {}
    // The group's initial state [state][stride]; by default each row holds the model's initial value.
    virtual void initialState(const ModelGroup& g, double* state) const;

    // One step of block b: out = step(old, input), input being the block's total current (n values).
    virtual void step(const ModelGroup& g, const Block& b, const double* old, double* out, const double* input,
                      Scratch& s, double dt) const = 0;
    // Rows ([row][stride]) of a step's values that stepKeeping() keeps for reverse(), which then
    // need not compute them again (a gradient pass stores them beside each state); 0: none.
    virtual int keptRows() const { return 0; }
    // step() that also writes those values to kept.
    virtual void stepKeeping(const ModelGroup& g, const Block& b, const double* old, double* out, double* /*kept*/,
                             const double* input, Scratch& s, double dt) const {
        step(g, b, old, out, input, s, dt);
    }
    // Whether reverse() reads the step's input current (then the engine gathers it again).
    virtual bool reverseNeedsInput() const { return false; }
    // Reverse of step: from the adjoint of the new state (adjNew) writes the adjoint of the old
    // state (adjOld, overwritten) and of the input (adjInput, block-local, n values) and adds
    // parameter gradients into grad ([param][stride], or the group's per-set weight layout).
    // kept: what stepKeeping() kept of this step (unread where keptRows() is 0).
    virtual void reverse(const ModelGroup& g, const Block& b, const double* old, const double* neu,
                         const double* kept, const double* adjNew, double* adjOld, const double* input,
                         double* adjInput, double* grad, Scratch& s, double dt) const = 0;
};

// The hand-written entries (kernels_celegans.cpp, kernels_simple.cpp, kernels_lstm.cpp).
std::shared_ptr<const ModelKernels> celegansKernels();
std::shared_ptr<const ModelKernels> hhSimpleKernels();
std::shared_ptr<const ModelKernels> leakyKernels();
std::shared_ptr<const ModelKernels> lstmKernels();

}  // namespace odynn::detail
