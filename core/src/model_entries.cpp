// The hand-written models (celegans, hhsimple, leaky) as model entries: each step runs the
// math of the instruction-set level in use (kernel_level.hpp).
#include "engine.hpp"
#include "model_kernels.hpp"

namespace odynn::detail {
namespace {

class BuiltinKernels final : public ModelKernels {
public:
    explicit BuiltinKernels(ModelMath KernelLevel::*math) : math_(math) {}

    int derivedCount() const override { return (kernels().*math_).derivedCount; }
    // The widest block the hand-written kernels take at once (four AVX-512 registers), so that a
    // step is one call with four independent chains of operations. Smaller chunks leave each
    // exp's latency exposed; larger ones fall out of the L1 cache. Measured on population (1
    // thread, median ms): 32 -> 3.06, 40 -> 3.27, 64 -> 3.30, 128 -> 3.64, 256 -> 4.19, and 4.7-5.0
    // for 8-24.
    int chunkElements() const override { return 4 * packet; }
    void derive(const double* raw, double* der, int E, double dt) const override {
        (kernels().*math_).derive(raw, der, E, dt);
    }
    void step(const ModelGroup& g, const Block& b, const double* old, double* out, const double* input, Scratch&,
              double dt) const override {
        (kernels().*math_).step(b, g.raw.data(), g.derived.data(), old, out, input, dt);
    }
    int keptRows() const override { return (kernels().*math_).keptCount; }
    void stepKeeping(const ModelGroup& g, const Block& b, const double* old, double* out, double* kept,
                     const double* input, Scratch& s, double dt) const override {
        const ModelMath& math = kernels().*math_;
        if (math.stepKeeping) math.stepKeeping(b, g.raw.data(), g.derived.data(), old, out, kept, input, dt);
        else step(g, b, old, out, input, s, dt);
    }
    void reverse(const ModelGroup& g, const Block& b, const double* old, const double* neu, const double* kept,
                 const double* adjNew, double* adjOld, const double*, double* adjInput, double* grad, Scratch&,
                 double dt) const override {
        (kernels().*math_).reverse(b, g.raw.data(), g.derived.data(), old, neu, kept, adjNew, adjOld, adjInput, grad,
                                   dt);
    }

private:
    ModelMath KernelLevel::*math_;
};

}  // namespace

std::shared_ptr<const ModelKernels> celegansKernels() { return std::make_shared<BuiltinKernels>(&KernelLevel::celegans); }
std::shared_ptr<const ModelKernels> hhSimpleKernels() { return std::make_shared<BuiltinKernels>(&KernelLevel::hhSimple); }
std::shared_ptr<const ModelKernels> leakyKernels() { return std::make_shared<BuiltinKernels>(&KernelLevel::leaky); }

}  // namespace odynn::detail
