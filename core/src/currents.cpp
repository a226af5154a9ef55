#include "odynn/currents.hpp"

#include "odynn/model_file.hpp"

#include <cmath>
#include <stdexcept>

namespace odynn {

namespace {

// Looks parameters and states up by name, so that the formulas read as in the model tables.
struct Named {
    const ModelSpec& spec;
    const std::vector<double>& params;
    const std::vector<std::vector<double>>& states;

    double p(const char* name) const {
        const int i = spec.paramIndex(name);
        if (i < 0 || size_t(i) >= params.size())
            throw std::invalid_argument(spec.name + ": no parameter " + name + " for the currents");
        return params[size_t(i)];
    }
    const std::vector<double>& s(const char* name) const {
        for (size_t i = 0; i < spec.stateNames.size(); ++i)
            if (spec.stateNames[i] == name) {
                if (i >= states.size()) break;
                return states[i];
            }
        throw std::invalid_argument(spec.name + ": no recorded state " + name + " for the currents");
    }
};

}  // namespace

std::vector<std::string> ionicCurrentNames(const std::string& model) {
    if (const ModelSpec* spec = findModel(model); spec && !spec->source.empty()) return modelFileCurrentNames(*spec);
    if (model == "celegans") return {"I_Ca", "I_Kf", "I_Ks", "I_L"};
    if (model == "hhsimple") return {"I_K", "I_L"};
    if (model == "leaky") return {"I_L"};
    return {};
}

std::vector<std::vector<double>> ionicCurrents(const std::string& model, const std::vector<double>& params,
                                               const std::vector<std::vector<double>>& states) {
    if (const ModelSpec* spec = findModel(model); spec && !spec->source.empty())
        return modelFileCurrents(*spec, params, states);
    const std::vector<std::string> names = ionicCurrentNames(model);
    if (names.empty()) return {};
    const Named m{modelSpec(model), params, states};
    const std::vector<double>& V = m.s("V");
    const size_t T = V.size();
    std::vector<std::vector<double>> out(names.size(), std::vector<double>(T));
    const double gL = m.p("g_L"), eL = m.p("E_L");
    std::vector<double>& iL = out.back();
    for (size_t t = 0; t < T; ++t) iL[t] = gL * (V[t] - eL);
    if (model == "celegans") {
        const auto &e = m.s("e"), &f = m.s("f"), &cac = m.s("cac"), &p = m.s("p"), &q = m.s("q"), &n = m.s("n");
        const double gCa = m.p("g_Ca"), eCa = m.p("E_Ca"), gKf = m.p("g_Kf"), gKs = m.p("g_Ks"), eK = m.p("E_K");
        const double hAlpha = m.p("h__alpha"), hMdp = m.p("h__mdp"), hScale = m.p("h__scale");
        for (size_t t = 0; t < T; ++t) {
            const double h = 1 + (1 / (1 + std::exp((hMdp - cac[t]) / hScale)) - 1) * hAlpha;
            out[0][t] = gCa * e[t] * e[t] * f[t] * h * (V[t] - eCa);
            out[1][t] = gKf * p[t] * p[t] * p[t] * p[t] * q[t] * (V[t] - eK);
            out[2][t] = gKs * n[t] * (V[t] - eK);
        }
    } else if (model == "hhsimple") {
        const auto &a = m.s("a"), &b = m.s("b");
        const double gK = m.p("g_K"), eK = m.p("E_K");
        for (size_t t = 0; t < T; ++t) out[0][t] = gK * a[t] * a[t] * a[t] * b[t] * (V[t] - eK);
    }
    return out;
}

CircuitCurrents circuitCurrents(const Circuit& c, const std::vector<std::vector<double>>& voltages) {
    const size_t N = c.neurons.size();
    if (voltages.size() != N) throw std::invalid_argument("circuit currents: one voltage trace per neuron is needed");
    const size_t T = N ? voltages[0].size() : 0;
    CircuitCurrents out;
    out.synaptic.assign(N, std::vector<double>(T, 0.0));
    out.gap.assign(N, std::vector<double>(T, 0.0));
    for (const Synapse& s : c.synapses) {
        const auto &pre = voltages[size_t(s.pre)], &post = voltages[size_t(s.post)];
        auto& into = out.synaptic[size_t(s.post)];
        for (size_t t = 0; t < T; ++t)
            into[t] += s.p.G / (1 + std::exp((s.p.mdp - pre[t]) / s.p.scale)) * (s.p.E - post[t]);
    }
    for (const Gap& g : c.gaps) {
        const auto &va = voltages[size_t(g.a)], &vb = voltages[size_t(g.b)];
        for (size_t t = 0; t < T; ++t) {
            out.gap[size_t(g.a)][t] += g.G_gap * (vb[t] - va[t]);
            out.gap[size_t(g.b)][t] += g.G_gap * (va[t] - vb[t]);
        }
    }
    return out;
}

}  // namespace odynn
