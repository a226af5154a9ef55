// Simple Hodgkin-Huxley (SPEC 1.2) and leaky integrator (SPEC 1.3): forward and reverse steps.
#include "kernels.hpp"

namespace odynn::detail {

void deriveHhSimple(const double* raw, double* der, int E, double dt) {
    using namespace hhsimple;
    for (int k = 0; k < E; ++k) {
        auto P = [&](int i) { return raw[size_t(i) * E + k]; };
        auto D = [&](int i) -> double& { return der[size_t(i) * E + k]; };
        D(dtOverC) = dt / P(C_m);
        for (int g = 0; g < 2; ++g) {
            const double tau = P(gates[g].tau);
            const double kk = (tau * dt) / (tau + dt);
            D(gateBase + 3 * g) = kk / dt;
            D(gateBase + 3 * g + 1) = kk / tau;
            D(gateBase + 3 * g + 2) = 1.0 / P(gates[g].scale);
        }
    }
}

void stepHhSimple(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, Scratch&, double dt) {
    using namespace hhsimple;
    const CMap v = b.c(old, V), aa = b.c(old, a), bb = b.c(old, hhsimple::b);
    const CMap in(input, b.n);
    Map vNew = b.m(out, V);
    // Explicit Euler: V' = V + dt (I + g_L (E_L - V) + g_K a^3 b (E_K - V)) / C_m
    vNew = v + dt * (in + b.c(raw, g_L) * (b.c(raw, E_L) - v) + b.c(raw, g_K) * aa.cube() * bb * (b.c(raw, E_K) - v)) /
                   b.c(raw, C_m);
    for (int g = 0; g < 2; ++g) {
        const Gate& gt = gates[g];
        b.m(out, gt.state) = b.c(der, gateBase + 3 * g) * b.c(old, gt.state) +
                             b.c(der, gateBase + 3 * g + 1) /
                                 (1.0 + ((b.c(raw, gt.mdp) - vNew) * b.c(der, gateBase + 3 * g + 2)).exp());
    }
}

void reverseHhSimple(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* adjNew, double* adjOld, double* adjInput, double* grad, Scratch& s, double dt) {
    using namespace hhsimple;
    const int n = b.n;
    const CMap v = b.c(old, V), aa = b.c(old, a), bb = b.c(old, hhsimple::b), vNew = b.c(neu, V);
    auto aV = s.a0.head(n), sig = s.a1.head(n), dsig = s.a2.head(n), aS = s.a3.head(n), k = s.a4.head(n);
    auto G = [&](int i) { return b.m(grad, i); };
    aV = b.c(adjNew, V);
    for (int g = 0; g < 2; ++g) {
        const Gate& gt = gates[g];
        const CMap aX = b.c(adjNew, gt.state), x = b.c(old, gt.state), mdp = b.c(raw, gt.mdp),
                   inv = b.c(der, gateBase + 3 * g + 2), tau = b.c(raw, gt.tau);
        sig = 1.0 / (1.0 + ((mdp - vNew) * inv).exp());
        dsig = sig * (1.0 - sig) * inv;
        aS = aX * b.c(der, gateBase + 3 * g + 1);
        b.m(adjOld, gt.state) = aX * b.c(der, gateBase + 3 * g);
        aV += aS * dsig;
        G(gt.mdp) -= aS * dsig;
        G(gt.scale) += aS * dsig * (mdp - vNew) * inv;
        G(gt.tau) += aX * dt * (x - sig) / (tau + dt).square();
    }
    // V' = V + (dt/C) R with R = I + g_L (E_L - V) + g_K a^3 b (E_K - V); R = (V' - V) C / dt.
    const CMap cm = b.c(raw, C_m), gL = b.c(raw, g_L), eL = b.c(raw, E_L), gK = b.c(raw, g_K), eK = b.c(raw, E_K);
    k = aV * b.c(der, dtOverC);  // adjoint of R
    b.m(adjOld, V) = aV - k * (gL + gK * aa.cube() * bb);
    Map(adjInput, n) = k;
    G(C_m) -= aV * (vNew - v) / cm;  // d/dC (dt R / C) = -dt R / C^2 = -(V' - V) / C
    G(g_L) += k * (eL - v);
    G(E_L) += k * gL;
    G(g_K) += k * aa.cube() * bb * (eK - v);
    G(E_K) += k * gK * aa.cube() * bb;
    b.m(adjOld, a) += k * gK * 3.0 * aa.square() * bb * (eK - v);
    b.m(adjOld, hhsimple::b) += k * gK * aa.cube() * (eK - v);
}

void deriveLeaky(const double* raw, double* der, int E, double dt) {
    using namespace leaky;
    for (int k = 0; k < E; ++k) {
        auto P = [&](int i) { return raw[size_t(i) * E + k]; };
        der[size_t(cdt) * E + k] = P(C_m) / dt;
        der[size_t(cdtPlusGl) * E + k] = P(C_m) / dt + P(g_L);
        der[size_t(glEl) * E + k] = P(g_L) * P(E_L);
    }
}

void stepLeaky(const Block& b, const double*, const double* der, const double* old, double* out, const double* input,
               Scratch&) {
    using namespace leaky;
    // Implicit Euler: V' = (V C/dt + I + g_L E_L) / (C/dt + g_L)
    b.m(out, V) = (b.c(old, V) * b.c(der, cdt) + CMap(input, b.n) + b.c(der, glEl)) / b.c(der, cdtPlusGl);
}

void reverseLeaky(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                  const double* adjNew, double* adjOld, double* adjInput, double* grad, Scratch& s, double dt) {
    using namespace leaky;
    const int n = b.n;
    auto aN = s.a0.head(n);
    aN = b.c(adjNew, V) / b.c(der, cdtPlusGl);
    const CMap vNew = b.c(neu, V);
    b.m(adjOld, V) = aN * b.c(der, cdt);
    Map(adjInput, n) = aN;
    b.m(grad, C_m) += aN * (b.c(old, V) - vNew) / dt;
    b.m(grad, g_L) += aN * (b.c(raw, E_L) - vNew);
    b.m(grad, E_L) += aN * b.c(raw, g_L);
}

}  // namespace odynn::detail
