// Simple Hodgkin-Huxley (SPEC 1.2) and leaky integrator (SPEC 1.3): forward and reverse steps,
// one packet of elements at a time.
#include "kernel_math.hpp"

namespace odynn::detail::ODYNN_ISA {

void deriveHhSimple(const double* raw, double* der, int E, double dt) {
    using namespace hhsimple;
    for (int k = 0; k < E; ++k) {
        auto P = [&](int i) { return raw[size_t(i) * E + k]; };
        der[size_t(dtOverC) * E + k] = dt / P(C_m);
        for (int g = 0; g < 2; ++g) deriveGate(P(gates[g].tau), P(gates[g].scale), dt, der, gateBase + 3 * g, E, k);
    }
}

void stepHhSimple(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, double dt) {
    using namespace hhsimple;
    for (int k = b.begin; k < b.begin + b.n; k += packet) {
        const PacketRows<> r{b.E, k};
        const Pk v = r.c(old, V), aa = r.c(old, a), bb = r.c(old, hhsimple::b);
        const Pk in = PkCMap(input + (k - b.begin));
        // Explicit Euler: V' = V + dt (I + g_L (E_L - V) + g_K a^3 b (E_K - V)) / C_m
        const Pk vNew = v + dt * (in + r.c(raw, g_L) * (r.c(raw, E_L) - v) +
                                  r.c(raw, g_K) * aa.cube() * bb * (r.c(raw, E_K) - v)) / r.c(raw, C_m);
        r.m(out, V) = vNew;
        for (int g = 0; g < 2; ++g) {
            const Gate& gt = gates[g];
            r.m(out, gt.state) = r.c(der, gateBase + 3 * g) * r.c(old, gt.state) +
                                 r.c(der, gateBase + 3 * g + 1) /
                                     (1.0 + ((r.c(raw, gt.mdp) - vNew) * r.c(der, gateBase + 3 * g + 2)).exp());
        }
    }
}

void reverseHhSimple(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double*, const double* adjNew, double* adjOld, double* adjInput, double* grad, double dt) {
    using namespace hhsimple;
    for (int k = b.begin; k < b.begin + b.n; k += packet) {
        const PacketRows<> r{b.E, k};
        auto G = [&](int i) { return r.m(grad, i); };
        const Pk v = r.c(old, V), aa = r.c(old, a), bb = r.c(old, hhsimple::b), vNew = r.c(neu, V);
        Pk aV = r.c(adjNew, V);
        for (int g = 0; g < 2; ++g) {
            const Gate& gt = gates[g];
            const Pk aX = r.c(adjNew, gt.state), mdp = r.c(raw, gt.mdp), inv = r.c(der, gateBase + 3 * g + 2);
            const Pk sig = 1.0 / (1.0 + ((mdp - vNew) * inv).exp());
            const Pk dsig = sig * (1.0 - sig) * inv;
            const Pk aS = aX * r.c(der, gateBase + 3 * g + 1);
            r.m(adjOld, gt.state) = aX * r.c(der, gateBase + 3 * g);
            aV += aS * dsig;
            G(gt.mdp) -= aS * dsig;
            G(gt.scale) += aS * dsig * (mdp - vNew) * inv;
            G(gt.tau) += aX * dt * (r.c(old, gt.state) - sig) / (r.c(raw, gt.tau) + dt).square();
        }
        // V' = V + (dt/C) R with R = I + g_L (E_L - V) + g_K a^3 b (E_K - V); R = (V' - V) C / dt.
        const Pk cm = r.c(raw, C_m), gL = r.c(raw, g_L), eL = r.c(raw, E_L), gK = r.c(raw, g_K), eK = r.c(raw, E_K);
        const Pk aR = aV * r.c(der, dtOverC);  // adjoint of R
        r.m(adjOld, V) = aV - aR * (gL + gK * aa.cube() * bb);
        PkMap(adjInput + (k - b.begin)) = aR;
        G(C_m) -= aV * (vNew - v) / cm;  // d/dC (dt R / C) = -dt R / C^2 = -(V' - V) / C
        G(g_L) += aR * (eL - v);
        G(E_L) += aR * gL;
        G(g_K) += aR * aa.cube() * bb * (eK - v);
        G(E_K) += aR * gK * aa.cube() * bb;
        r.m(adjOld, a) += aR * gK * 3.0 * aa.square() * bb * (eK - v);
        r.m(adjOld, hhsimple::b) += aR * gK * aa.cube() * (eK - v);
    }
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
               double) {
    using namespace leaky;
    for (int k = b.begin; k < b.begin + b.n; k += packet) {
        const PacketRows<> r{b.E, k};
        // Implicit Euler: V' = (V C/dt + I + g_L E_L) / (C/dt + g_L)
        r.m(out, V) = (r.c(old, V) * r.c(der, cdt) + PkCMap(input + (k - b.begin)) + r.c(der, glEl)) /
                      r.c(der, cdtPlusGl);
    }
}

void reverseLeaky(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                  const double*, const double* adjNew, double* adjOld, double* adjInput, double* grad, double dt) {
    using namespace leaky;
    for (int k = b.begin; k < b.begin + b.n; k += packet) {
        const PacketRows<> r{b.E, k};
        const Pk aN = r.c(adjNew, V) / r.c(der, cdtPlusGl);
        const Pk vNew = r.c(neu, V);
        r.m(adjOld, V) = aN * r.c(der, cdt);
        PkMap(adjInput + (k - b.begin)) = aN;
        r.m(grad, C_m) += aN * (r.c(old, V) - vNew) / dt;
        r.m(grad, g_L) += aN * (r.c(raw, E_L) - vNew);
        r.m(grad, E_L) += aN * r.c(raw, g_L);
    }
}

}  // namespace odynn::detail::ODYNN_ISA
