#pragma once
// Per-model step kernels over a block of contiguous elements (element = neuron x lane), and
// their reverse (adjoint) counterparts. States and parameters are structure-of-arrays with a
// stride of `E` elements: state s of element k lives at base[s * E + k].
//
// The forward maps are SPEC section 1; the reverse maps are their exact derivatives, written
// out by hand (checked against central finite differences in tests/test_gradient.cpp).
#include <Eigen/Core>
#include <vector>

namespace odynn::detail {

// Buffers the kernels read and write are aligned to Eigen's packet size, and every block is
// a whole number of packets: then every element goes through the same vectorised exp(), so
// results do not depend on how elements are split into blocks or threads.
using AlignedVector = std::vector<double, Eigen::aligned_allocator<double>>;
inline constexpr int packet = 8;  // doubles per AVX-512 packet (a multiple of smaller packets)
inline int roundUpToPacket(int n) { return (n + packet - 1) / packet * packet; }

// One packet of elements, held in registers by the kernels.
using Pk = Eigen::Array<double, packet, 1>;
using PkMap = Eigen::Map<Pk>;
using PkCMap = Eigen::Map<const Pk>;

using Arr = Eigen::ArrayXd;
using Map = Eigen::Map<Arr>;
using CMap = Eigen::Map<const Arr>;

// Per-thread temporaries, sized to the largest block.
struct Scratch {
    explicit Scratch(int n = 0) { resize(n); }
    void resize(int n) {
        for (Arr* a : {&a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8}) a->resize(n);
        input.resize(n);
    }
    Arr a0, a1, a2, a3, a4, a5, a6, a7, a8;
    Arr input;
};

// A block [begin, begin + n) of elements of SoA arrays with stride E; n is whole packets.
struct Block {
    int begin, n, E;
};

// Row `row` of an SoA array at the packet starting with element k.
struct PacketRows {
    int E, k;
    PkCMap c(const double* base, int row) const { return PkCMap(base + size_t(row) * E + k); }
    PkMap m(double* base, int row) const { return PkMap(base + size_t(row) * E + k); }
};

// Index tables of the parameters (ModelSpec order, alphabetical) and states of each model.
namespace celegans {
enum Param { C_m, E_Ca, E_K, E_L, decay_ca, e_mdp, e_scale, e_tau, f_mdp, f_scale, f_tau, g_Ca, g_Kf, g_Ks, g_L,
             h_alpha, h_mdp, h_scale, n_mdp, n_scale, n_tau, p_mdp, p_scale, p_tau, q_mdp, q_scale, q_tau, rho_ca,
             ParamCount };
enum State { V, p, q, n, e, f, cac, StateCount };
struct Gate { int state, mdp, scale, tau; };
inline constexpr Gate gates[5] = {{p, p_mdp, p_scale, p_tau}, {q, q_mdp, q_scale, q_tau}, {n, n_mdp, n_scale, n_tau},
                                  {e, e_mdp, e_scale, e_tau}, {f, f_mdp, f_scale, f_tau}};
// Derived per-element constants: cdt = C_m/dt, cdtPlusGl = C_m/dt + g_L, glEl = g_L*E_L,
// kappa = decay/(decay+dt), hInv = 1/h_scale, and per gate: ka = k/dt, kb = k/tau, inv = 1/scale
// with k = tau*dt/(tau+dt), so that x' = ka*x + kb*inf(V').
enum Derived { cdt, cdtPlusGl, glEl, kappa, hInv, gateBase, DerivedCount = gateBase + 15 };
}  // namespace celegans

namespace hhsimple {
enum Param { C_m, E_K, E_L, a_mdp, a_scale, a_tau, b_mdp, b_scale, b_tau, g_K, g_L, ParamCount };
enum State { V, a, b, StateCount };
struct Gate { int state, mdp, scale, tau; };
inline constexpr Gate gates[2] = {{a, a_mdp, a_scale, a_tau}, {b, b_mdp, b_scale, b_tau}};
enum Derived { dtOverC, gateBase, DerivedCount = gateBase + 6 };
}  // namespace hhsimple

namespace leaky {
enum Param { C_m, E_L, g_L, ParamCount };
enum State { V, StateCount };
enum Derived { cdt, cdtPlusGl, glEl, DerivedCount };
}  // namespace leaky

// Implicit-Euler gate coefficients: x' = ka x + kb inf(V') with k = tau dt / (tau + dt),
// ka = k / dt, kb = k / tau; inv = 1 / scale. Writes them to der[(base + 0..2) * E + k].
inline void deriveGate(double tau, double scale, double dt, double* der, int base, int E, int k) {
    const double kk = (tau * dt) / (tau + dt);
    der[size_t(base) * E + k] = kk / dt;
    der[size_t(base + 1) * E + k] = kk / tau;
    der[size_t(base + 2) * E + k] = 1.0 / scale;
}

// Fills derived constants for elements [0, E) from raw parameters.
void deriveCelegans(const double* raw, double* derived, int E, double dt);
void deriveHhSimple(const double* raw, double* derived, int E, double dt);
void deriveLeaky(const double* raw, double* derived, int E, double dt);

// One step: out = step(old, input). `input` holds the block's total injected current.
void stepCelegans(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, Scratch& s);
void stepHhSimple(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, Scratch& s, double dt);
void stepLeaky(const Block& b, const double* raw, const double* der, const double* old, double* out,
               const double* input, Scratch& s);

// Reverse of one step. Given the adjoint of the new state (adjNew), writes the adjoint of the
// old state (adjOld, overwritten), of the block's input current (adjInput, block-local, n
// values) and adds parameter gradients into grad (SoA, stride E).
void reverseCelegans(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* adjNew, double* adjOld, double* adjInput, double* grad, Scratch& s, double dt);
void reverseHhSimple(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* adjNew, double* adjOld, double* adjInput, double* grad, Scratch& s, double dt);
void reverseLeaky(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                  const double* adjNew, double* adjOld, double* adjInput, double* grad, Scratch& s, double dt);

}  // namespace odynn::detail
