#pragma once
// The per-element math of the hand-written models, one packet of elements at a time, for the
// per-level kernel builds only (kernel_level.hpp): every name here lives in the level's
// namespace ODYNN_ISA. States and parameters are structure-of-arrays with a stride of `E`
// elements: state s of element k lives at base[s * E + k].
//
// The forward maps are SPEC section 1; the reverse maps are their exact derivatives, written
// out by hand (checked against central finite differences in tests/test_gradient.cpp).
#ifndef ODYNN_ISA
#error "kernel_math.hpp is for the per-level kernel builds (core/CMakeLists.txt)"
#endif
#include "kernel_level.hpp"
#include "level_eigen.hpp"

namespace odynn::detail::ODYNN_ISA {

// One packet of elements, held in registers by the kernels.
using Pk = Eigen::Array<double, packet, 1>;
using PkMap = Eigen::Map<Pk>;
using PkCMap = Eigen::Map<const Pk>;

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

// The entries of this level's KernelLevel table (kernel_level.hpp documents the signatures).
void deriveCelegans(const double* raw, double* derived, int E, double dt);
void deriveHhSimple(const double* raw, double* derived, int E, double dt);
void deriveLeaky(const double* raw, double* derived, int E, double dt);

void stepCelegans(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, double dt);
void stepHhSimple(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, double dt);
void stepLeaky(const Block& b, const double* raw, const double* der, const double* old, double* out,
               const double* input, double dt);

void reverseCelegans(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* adjNew, double* adjOld, double* adjInput, double* grad, double dt);
void reverseHhSimple(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* adjNew, double* adjOld, double* adjInput, double* grad, double dt);
void reverseLeaky(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                  const double* adjNew, double* adjOld, double* adjInput, double* grad, double dt);

void synapseSigmoid(const double* mdp, const double* inv, const double* vPre, double* out, int n);
void connectionSums(const ConnectionSlices& slices, const double* table, double* acc);

void odmRun(const odm::Instruction* code, int count, double* registers, const double* const* arrays, int E, int k0,
            int n, int blockBegin, const double* consts);

}  // namespace odynn::detail::ODYNN_ISA
