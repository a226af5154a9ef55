// C. elegans neuron (SPEC 1.1): forward step and its exact reverse.
#include "kernels.hpp"

namespace odynn::detail {
using namespace celegans;

void deriveCelegans(const double* raw, double* der, int E, double dt) {
    for (int k = 0; k < E; ++k) {
        auto P = [&](int i) { return raw[size_t(i) * E + k]; };
        auto D = [&](int i) -> double& { return der[size_t(i) * E + k]; };
        D(cdt) = P(C_m) / dt;
        D(cdtPlusGl) = P(C_m) / dt + P(g_L);
        D(glEl) = P(g_L) * P(E_L);
        D(kappa) = P(decay_ca) / (P(decay_ca) + dt);
        D(hInv) = 1.0 / P(h_scale);
        for (int g = 0; g < 5; ++g) {
            const double tau = P(gates[g].tau);
            const double kk = (tau * dt) / (tau + dt);
            D(gateBase + 3 * g) = kk / dt;
            D(gateBase + 3 * g + 1) = kk / tau;
            D(gateBase + 3 * g + 2) = 1.0 / P(gates[g].scale);
        }
    }
}

void stepCelegans(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, Scratch& s) {
    const int n = b.n;
    const CMap v = b.c(old, V), pp = b.c(old, p), qq = b.c(old, q), nn = b.c(old, State::n), ee = b.c(old, e),
               ff = b.c(old, f), ca = b.c(old, cac);
    const CMap in(input, n);
    auto h = s.a0.head(n), gCa = s.a1.head(n), gK = s.a2.head(n);
    // h = 1 + (inf_h(cac) - 1) * alpha; inf(x) = 1 / (1 + exp((mdp - x) / scale))
    h = 1.0 + (1.0 / (1.0 + ((b.c(raw, h_mdp) - ca) * b.c(der, hInv)).exp()) - 1.0) * b.c(raw, h_alpha);
    gCa = b.c(raw, g_Ca) * ee.square() * ff * h;
    gK = b.c(raw, g_Ks) * nn + b.c(raw, g_Kf) * pp.square().square() * qq;
    Map vNew = b.m(out, V);
    // Semi-implicit voltage update, conductances from the previous step.
    vNew = (v * b.c(der, cdt) + in + gCa * b.c(raw, E_Ca) + gK * b.c(raw, E_K) + b.c(der, glEl)) /
           (b.c(der, cdtPlusGl) + gCa + gK);
    b.m(out, cac) = b.c(der, kappa) * (ca - gCa * (vNew - b.c(raw, E_Ca)) * b.c(raw, rho_ca));
    for (int g = 0; g < 5; ++g) {
        const Gate& gt = gates[g];
        b.m(out, gt.state) = b.c(der, gateBase + 3 * g) * b.c(old, gt.state) +
                             b.c(der, gateBase + 3 * g + 1) /
                                 (1.0 + ((b.c(raw, gt.mdp) - vNew) * b.c(der, gateBase + 3 * g + 2)).exp());
    }
}

void reverseCelegans(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* adjNew, double* adjOld, double* adjInput, double* grad, Scratch& s, double dt) {
    const int n = b.n;
    const CMap v = b.c(old, V), pp = b.c(old, p), qq = b.c(old, q), nn = b.c(old, State::n), ee = b.c(old, e),
               ff = b.c(old, f), ca = b.c(old, cac);
    const CMap vNew = b.c(neu, V);
    auto aV = s.a0.head(n), sig = s.a1.head(n), dsig = s.a2.head(n), aS = s.a3.head(n);
    auto sh = s.a4.head(n), h = s.a5.head(n), gCa = s.a6.head(n), aGCa = s.a7.head(n), aGK = s.a8.head(n);
    auto G = [&](int i) { return b.m(grad, i); };
    aV = b.c(adjNew, V);

    // Gates: x' = ka*x + kb*s, s = 1/(1+exp((mdp - V')/scale)); dx'/dtau = dt (x - s) / (tau + dt)^2.
    for (int g = 0; g < 5; ++g) {
        const Gate& gt = gates[g];
        const CMap aX = b.c(adjNew, gt.state), x = b.c(old, gt.state), mdp = b.c(raw, gt.mdp),
                   inv = b.c(der, gateBase + 3 * g + 2), tau = b.c(raw, gt.tau);
        sig = 1.0 / (1.0 + ((mdp - vNew) * inv).exp());
        dsig = sig * (1.0 - sig) * inv;            // ds/dV'
        aS = aX * b.c(der, gateBase + 3 * g + 1);  // adjoint of s
        b.m(adjOld, gt.state) = aX * b.c(der, gateBase + 3 * g);
        aV += aS * dsig;
        G(gt.mdp) -= aS * dsig;
        G(gt.scale) += aS * dsig * (mdp - vNew) * inv;
        G(gt.tau) += aX * dt * (x - sig) / (tau + dt).square();
    }

    // Recompute the conductances of the forward step.
    const CMap alpha = b.c(raw, h_alpha), hInvA = b.c(der, hInv), hMdp = b.c(raw, h_mdp);
    sh = 1.0 / (1.0 + ((hMdp - ca) * hInvA).exp());
    h = 1.0 + (sh - 1.0) * alpha;
    gCa = b.c(raw, g_Ca) * ee.square() * ff * h;
    const CMap eCa = b.c(raw, E_Ca), eK = b.c(raw, E_K), rho = b.c(raw, rho_ca), kap = b.c(der, kappa);
    const CMap aCa = b.c(adjNew, cac), decay = b.c(raw, decay_ca);

    // Calcium: cac' = kappa * (cac - gCa (V' - E_Ca) rho), kappa = decay / (decay + dt).
    b.m(adjOld, cac) = aCa * kap;
    aGCa = -aCa * kap * (vNew - eCa) * rho;
    aV -= aCa * kap * gCa * rho;
    G(E_Ca) += aCa * kap * gCa * rho;
    G(rho_ca) -= aCa * kap * gCa * (vNew - eCa);
    G(decay_ca) += aCa * (ca - gCa * (vNew - eCa) * rho) * dt / (decay + dt).square();

    // Voltage: V' = N / D.  aN = aV'/D, aD = -aV' V'/D.  (dsig and aS reused as aN and aD.)
    const CMap gKs = b.c(raw, g_Ks), gKf = b.c(raw, g_Kf), gL = b.c(raw, g_L), eL = b.c(raw, E_L);
    auto aN = dsig, aD = aS, gK = sig;
    gK = gKs * nn + gKf * pp.square().square() * qq;
    aN = aV / (b.c(der, cdtPlusGl) + gCa + gK);
    aD = -aN * vNew;
    b.m(adjOld, V) = aN * b.c(der, cdt);
    Map(adjInput, n) = aN;
    G(C_m) += (aN * v + aD) / dt;
    aGCa += aN * eCa + aD;
    G(E_Ca) += aN * gCa;
    aGK = aN * eK + aD;
    G(E_K) += aN * gK;
    G(g_L) += aN * eL + aD;
    G(E_L) += aN * gL;

    // Conductances: gCa = g_Ca e^2 f h, gKs = g_Ks n, gKf = g_Kf p^4 q.
    const CMap gCaP = b.c(raw, g_Ca);
    G(g_Ca) += aGCa * ee.square() * ff * h;
    b.m(adjOld, e) += aGCa * gCaP * 2.0 * ee * ff * h;
    b.m(adjOld, f) += aGCa * gCaP * ee.square() * h;
    auto aH = aS;
    aH = aGCa * gCaP * ee.square() * ff;
    G(g_Ks) += aGK * nn;
    b.m(adjOld, State::n) += aGK * gKs;
    G(g_Kf) += aGK * pp.square().square() * qq;
    b.m(adjOld, p) += aGK * gKf * 4.0 * pp.cube() * qq;
    b.m(adjOld, q) += aGK * gKf * pp.square().square();

    // h = 1 + (sh - 1) alpha, sh = 1/(1+exp((h_mdp - cac)/h_scale)).
    G(h_alpha) += aH * (sh - 1.0);
    auto aShD = dsig;
    aShD = aH * alpha * sh * (1.0 - sh) * hInvA;  // adjoint of sh times dsh/dcac
    b.m(adjOld, cac) += aShD;
    G(h_mdp) -= aShD;
    G(h_scale) += aShD * (hMdp - ca) * hInvA;
}

}  // namespace odynn::detail
