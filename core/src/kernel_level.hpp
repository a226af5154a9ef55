#pragma once
// The numerical kernels of one x86-64 instruction-set level. The hot loops (model steps and
// their reverse, the synapse sigmoid, the model-file bytecode) are compiled once per level from
// the same sources (core/CMakeLists.txt), each copy in a namespace of its own (isa_v1 ...
// isa_v4, and Eigen renamed to match), and kernels() hands out the table of the level chosen
// for this CPU. Every level gives the same numbers bit for bit: the level builds neither
// contract a*b+c into one rounding nor let Eigen do so (level_eigen.hpp).
//
// Nothing here uses Eigen or the standard containers, so the level copies share no code with
// the rest of the program that a linker could merge across levels.
namespace odynn::detail {

// Every block is a whole number of packets, so that every element goes through the same
// vectorised code (results do not depend on how elements are split into blocks or threads).
inline constexpr int packet = 8;  // doubles per AVX-512 packet (a multiple of smaller packets)
inline int roundUpToPacket(int n) { return (n + packet - 1) / packet * packet; }

// A block [begin, begin + n) of elements of SoA arrays with stride E; n is whole packets.
struct Block {
    int begin, n, E;
};

namespace odm {
struct Instruction;
}

// One model's forward and reverse maps (kernels.hpp documents the layouts).
struct ModelMath {
    int derivedCount;  // rows of per-element constants derive() computes
    // derived[row][E] from raw[param][E] for elements [0, E); dt in ms.
    void (*derive)(const double* raw, double* derived, int E, double dt);
    // out = step(old, input); input holds the block's total injected current (n values).
    void (*step)(const Block& b, const double* raw, const double* derived, const double* old, double* out,
                 const double* input, double dt);
    // Rows of values (stride E) that stepKeeping keeps of a step for its reverse, which then
    // need not compute them again; 0 (and stepKeeping null) where the reverse needs none.
    int keptCount;
    // step that also writes those values to kept.
    void (*stepKeeping)(const Block& b, const double* raw, const double* derived, const double* old, double* out,
                        double* kept, const double* input, double dt);
    // From the adjoint of the new state writes the adjoint of the old state (overwritten) and of
    // the input (block-local, n values), and adds parameter gradients into grad (stride E). kept
    // holds what stepKeeping kept of this step (unread where keptCount is 0).
    void (*reverse)(const Block& b, const double* raw, const double* derived, const double* old, const double* neu,
                    const double* kept, const double* adjNew, double* adjOld, double* adjInput, double* grad,
                    double dt);
};

// A circuit's connection terms laid out for summing `packet` neurons side by side (circuit_inputs.hpp).
// Slice s holds the places i = s * packet + k, k < packet, and the rows [start[s], start[s + 1]):
// synapse rows up to middle[s], gap junction rows after it. Element q = row * packet + k of a row
// belongs to place i; place i has synapses[i] synapse terms in the first rows of its slice and
// gaps[i] gap junction terms in the first rows after middle[s], and adds them in that order:
//   synapse:       acc[i] += (G[q] * table[index[q]]) * (E[q] - table[post[i]])   (index: its activation)
//   gap junction:  acc[i] += G[q] * (table[index[q]] - table[post[i]])           (index: the other V)
struct ConnectionSlices {
    int count;
    const int *start, *middle;
    const int *post, *synapses, *gaps;
    const double *G, *E;
    const int* index;
};

// A fit's loss terms for elements [0, n) of a group at one step (gradient.cpp). Element k's
// targets are targetV[column[k]] and targetCa[column[k]] (a missing one is NaN and adds
// nothing); a null target row means that quantity is not fitted. With d = v[k] - target:
//   loss[k] += factorV[k] d^2 (+ factorCa[k] dCa^2), when loss is not null;
//   adjV[k] += slopeV[k] d, adjCa[k] += slopeCa[k] dCa, when adjV (and then adjCa) is not null.
// adjV and adjCa may be the same row (a model without calcium fits V as Ca); they are then
// updated in that order, element by element.
struct LossTerms {
    int n;
    const int* column;
    const double *v, *ca;
    const double *targetV, *targetCa;
    const double *factorV, *factorCa, *slopeV, *slopeCa;
    double *loss, *adjV, *adjCa;
};

struct KernelLevel {
    const char* name;  // "x86-64-v1" ... "x86-64-v4", or "native"
    ModelMath celegans, hhSimple, leaky;
    // out[k] = 1 / (1 + exp((mdp[k] - vPre[k]) * inv[k])) for k in [0, n), n whole packets.
    void (*synapseSigmoid)(const double* mdp, const double* inv, const double* vPre, double* out, int n);
    // A circuit's connection currents summed onto neurons side by side (ConnectionSlices).
    void (*connectionSums)(const ConnectionSlices& slices, const double* table, double* acc);
    // Runs `count` bytecode instructions over elements [k0, k0 + n) (odm/program.hpp); registers
    // holds the program's temporaries (registers x odm::chunk values).
    void (*odmRun)(const odm::Instruction* code, int count, double* registers, const double* const* arrays, int E,
                   int k0, int n, int blockBegin, const double* consts);
    // The loss terms of a block of elements (LossTerms).
    void (*lossTerms)(const LossTerms& terms);
};

// The level in use: the best this CPU runs, unless ODYNN_ISA or setKernelLevel chose another.
const KernelLevel& kernels();

// Each level's table (kernel_table.cpp, compiled once per level).
namespace isa_v1 { const KernelLevel& table(); }
namespace isa_v2 { const KernelLevel& table(); }
namespace isa_v3 { const KernelLevel& table(); }
namespace isa_v4 { const KernelLevel& table(); }
namespace isa_native { const KernelLevel& table(); }

}  // namespace odynn::detail
