// C. elegans neuron (SPEC 1.1): forward step and its exact reverse, one packet of elements at
// a time so that every intermediate stays in registers.
#include <algorithm>

#include "kernel_math.hpp"

namespace odynn::detail::ODYNN_ISA {
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
        D(dKappa) = dt / ((P(decay_ca) + dt) * (P(decay_ca) + dt));
        for (int g = 0; g < 5; ++g) {
            deriveGate(P(gates[g].tau), P(gates[g].scale), dt, der, gateBase + 3 * g, E, k);
            D(dKaBase + g) = dt / ((P(gates[g].tau) + dt) * (P(gates[g].tau) + dt));
        }
    }
}

namespace {

// Forward step of the W elements starting at k; with Keep also what its reverse reuses (Kept).
template <int W, bool Keep>
void stepElements(const Block& b, int k, const double* raw, const double* der, const double* old, double* out,
                  double* kept, const double* input) {
    using P = PkN<W>;
    const PacketRows<W> r{b.E, k};
    const P v = r.c(old, V), pp = r.c(old, p), qq = r.c(old, q), nn = r.c(old, State::n), ee = r.c(old, e),
             ff = r.c(old, f), ca = r.c(old, cac);
    const P in = Eigen::Map<const P>(input + (k - b.begin));
    // h = 1 + (inf_h(cac) - 1) * alpha; inf(x) = 1 / (1 + exp((mdp - x) / scale))
    const P hSteadyState = sigmoidOfNegative((r.c(raw, h_mdp) - ca) * r.c(der, hInv));
    if constexpr (Keep) r.m(kept, hSteady) = hSteadyState;
    const P h = 1.0 + (hSteadyState - 1.0) * r.c(raw, h_alpha);
    const P gCa = r.c(raw, g_Ca) * ee.square() * ff * h;
    const P gK = r.c(raw, g_Ks) * nn + r.c(raw, g_Kf) * pp.square().square() * qq;
    // Semi-implicit voltage update, conductances from the previous step.
    const P vNew = (v * r.c(der, cdt) + in + gCa * r.c(raw, E_Ca) + gK * r.c(raw, E_K) + r.c(der, glEl)) /
                    (r.c(der, cdtPlusGl) + gCa + gK);
    r.m(out, V) = vNew;
    r.m(out, cac) = r.c(der, kappa) * (ca - gCa * (vNew - r.c(raw, E_Ca)) * r.c(raw, rho_ca));
    for (int g = 0; g < 5; ++g) {
        const Gate& gt = gates[g];
        const P denominator = 1.0 + expNoDivide((r.c(raw, gt.mdp) - vNew) * r.c(der, gateBase + 3 * g + 2));
        if constexpr (Keep) r.m(kept, gateDenominatorBase + g) = denominator;
        r.m(out, gt.state) = r.c(der, gateBase + 3 * g) * r.c(old, gt.state) + r.c(der, gateBase + 3 * g + 1) / denominator;
    }
}

template <bool Keep>
void stepBlock(const Block& b, const double* raw, const double* der, const double* old, double* out, double* kept,
               const double* input) {
    // Several packets at a time: independent work to overlap with each exp's chain of operations.
    // The rest, under `wide`, in one go where it is two or three packets: a block stepped on its
    // own step after step (a simulation's chunk) leaves one packet's chain of operations little
    // to overlap with.
    int k = b.begin;
    const int end = b.begin + b.n;
    for (; k + wide <= end; k += wide) stepElements<wide, Keep>(b, k, raw, der, old, out, kept, input);
    if constexpr (wide > 3 * packet)
        if (end - k == 3 * packet) return stepElements<3 * packet, Keep>(b, k, raw, der, old, out, kept, input);
    if constexpr (wide > 2 * packet)
        if (end - k >= 2 * packet) {
            stepElements<2 * packet, Keep>(b, k, raw, der, old, out, kept, input);
            k += 2 * packet;
        }
    for (; k < end; k += packet) stepElements<packet, Keep>(b, k, raw, der, old, out, kept, input);
}

}  // namespace

void stepCelegans(const Block& b, const double* raw, const double* der, const double* old, double* out,
                  const double* input, double) {
    stepBlock<false>(b, raw, der, old, out, nullptr, input);
}

void stepKeepingCelegans(const Block& b, const double* raw, const double* der, const double* old, double* out,
                         double* kept, const double* input, double) {
    stepBlock<true>(b, raw, der, old, out, kept, input);
}

namespace {

// Reverse step of the W elements starting at k.
template <int W>
void reverseElements(const Block& b, int k, const double* raw, const double* der, const double* old,
                     const double* neu, const double* kept, const double* adjNew, double* adjOld, double* adjInput,
                     double* grad, double dt) {
    using P = PkN<W>;
    const PacketRows<W> r{b.E, k};
    auto G = [&](int i) { return r.m(grad, i); };
    const P v = r.c(old, V), pp = r.c(old, p), qq = r.c(old, q), nn = r.c(old, State::n), ee = r.c(old, e),
             ff = r.c(old, f), ca = r.c(old, cac);
    const P vNew = r.c(neu, V);
    P aV = r.c(adjNew, V);

    // Gates: x' = ka*x + kb*s, s = 1/(1+exp((mdp - V')/scale)), its denominator kept by the step;
    // dx'/dtau = dt (x - s) / (tau + dt)^2. Unrolled, so that every row is at a fixed offset.
#pragma GCC unroll 5
    for (int g = 0; g < 5; ++g) {
        const Gate& gt = gates[g];
        const P aX = r.c(adjNew, gt.state), mdp = r.c(raw, gt.mdp), inv = r.c(der, gateBase + 3 * g + 2);
        const P sig = 1.0 / r.c(kept, gateDenominatorBase + g);
        const P dsig = sig * (1.0 - sig) * inv;            // ds/dV'
        const P aS = aX * r.c(der, gateBase + 3 * g + 1);  // adjoint of s
        r.m(adjOld, gt.state) = aX * r.c(der, gateBase + 3 * g);
        aV += aS * dsig;
        G(gt.mdp) -= aS * dsig;
        G(gt.scale) += aS * dsig * (mdp - vNew) * inv;
        G(gt.tau) += aX * (r.c(old, gt.state) - sig) * r.c(der, dKaBase + g);
    }

    // Recompute the conductances of the forward step (h's steady state kept by the step).
    const P alpha = r.c(raw, h_alpha), hInvA = r.c(der, hInv), hMdp = r.c(raw, h_mdp);
    const P sh = r.c(kept, hSteady);
    const P h = 1.0 + (sh - 1.0) * alpha;
    const P gCaP = r.c(raw, g_Ca), gKs = r.c(raw, g_Ks), gKf = r.c(raw, g_Kf);
    const P gCa = gCaP * ee.square() * ff * h;
    const P p4 = pp.square().square();
    const P gK = gKs * nn + gKf * p4 * qq;
    const P eCa = r.c(raw, E_Ca), rho = r.c(raw, rho_ca), kap = r.c(der, kappa), aCa = r.c(adjNew, cac);

    // Calcium: cac' = kappa * (cac - gCa (V' - E_Ca) rho), kappa = decay / (decay + dt).
    P aCacOld = aCa * kap;
    P aGCa = -aCa * kap * (vNew - eCa) * rho;
    aV -= aCa * kap * gCa * rho;
    G(E_Ca) += aCa * kap * gCa * rho;
    G(rho_ca) -= aCa * kap * gCa * (vNew - eCa);
    G(decay_ca) += aCa * (ca - gCa * (vNew - eCa) * rho) * r.c(der, dKappa);

    // Voltage: V' = N / D.  aN = aV'/D, aD = -aV' V'/D.
    const P aN = aV / (r.c(der, cdtPlusGl) + gCa + gK);
    const P aD = -aN * vNew;
    r.m(adjOld, V) = aN * r.c(der, cdt);
    Eigen::Map<P>(adjInput + (k - b.begin)) = aN;
    G(C_m) += (aN * v + aD) * (1.0 / dt);
    aGCa += aN * eCa + aD;
    G(E_Ca) += aN * gCa;
    const P aGK = aN * r.c(raw, E_K) + aD;
    G(E_K) += aN * gK;
    G(g_L) += aN * r.c(raw, E_L) + aD;
    G(E_L) += aN * r.c(raw, g_L);

    // Conductances: gCa = g_Ca e^2 f h, gKs = g_Ks n, gKf = g_Kf p^4 q.
    G(g_Ca) += aGCa * ee.square() * ff * h;
    r.m(adjOld, e) += aGCa * gCaP * 2.0 * ee * ff * h;
    r.m(adjOld, f) += aGCa * gCaP * ee.square() * h;
    const P aH = aGCa * gCaP * ee.square() * ff;
    G(g_Ks) += aGK * nn;
    r.m(adjOld, State::n) += aGK * gKs;
    G(g_Kf) += aGK * p4 * qq;
    r.m(adjOld, p) += aGK * gKf * 4.0 * pp.cube() * qq;
    r.m(adjOld, q) += aGK * gKf * p4;

    // h = 1 + (sh - 1) alpha, sh = 1/(1+exp((h_mdp - cac)/h_scale)).
    G(h_alpha) += aH * (sh - 1.0);
    const P aShD = aH * alpha * sh * (1.0 - sh) * hInvA;  // adjoint of sh times dsh/dcac
    aCacOld += aShD;
    r.m(adjOld, cac) = aCacOld;
    G(h_mdp) -= aShD;
    G(h_scale) += aShD * (hMdp - ca) * hInvA;
}

}  // namespace

void reverseCelegans(const Block& b, const double* raw, const double* der, const double* old, const double* neu,
                     const double* kept, const double* adjNew, double* adjOld, double* adjInput, double* grad,
                     double dt) {
    // Half as many elements at a time as the forward step: the reverse keeps more values live.
    constexpr int width = std::max(packet, wide / 2);
    int k = b.begin;
    for (; k + width <= b.begin + b.n; k += width)
        reverseElements<width>(b, k, raw, der, old, neu, kept, adjNew, adjOld, adjInput, grad, dt);
    for (; k < b.begin + b.n; k += packet)
        reverseElements<packet>(b, k, raw, der, old, neu, kept, adjNew, adjOld, adjInput, grad, dt);
}

}  // namespace odynn::detail::ODYNN_ISA
