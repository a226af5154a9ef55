#pragma once
// Currents computed after a simulation from its recorded rows, as ODYNN's plots do: every
// current of row t uses the states of row t (the state after step t) and the parameters.
// Units: conductances in mS/cm2 times mV, i.e. uA/cm2 (the models' current unit).
#include <string>
#include <vector>

#include "odynn/circuit.hpp"

namespace odynn {

// Names of a model's ionic currents: celegans I_Ca, I_Kf, I_Ks, I_L; hhsimple I_K, I_L;
// leaky I_L; none for lstm. Positive currents flow out of the cell (g (V - E)).
std::vector<std::string> ionicCurrentNames(const std::string& model);

// currents[c][t] for the names above. states[s][t] holds state s (the model's state order) at
// row t; params is the neuron's parameter vector (the model's parameter order).
//   celegans: I_Ca = g_Ca e^2 f h(cac) (V - E_Ca), h = 1 + (1/(1 + exp((h_mdp - cac)/h_scale)) - 1) h_alpha,
//             I_Kf = g_Kf p^4 q (V - E_K), I_Ks = g_Ks n (V - E_K), I_L = g_L (V - E_L)
//   hhsimple: I_K = g_K a^3 b (V - E_K), I_L = g_L (V - E_L);   leaky: I_L = g_L (V - E_L)
std::vector<std::vector<double>> ionicCurrents(const std::string& model, const std::vector<double>& params,
                                               const std::vector<std::vector<double>>& states);

// The total chemical-synapse and gap-junction current into each neuron at each row, from the
// recorded voltages (voltages[n][t]); as ODYNN's Circuit.calculate returns them, their sum at
// row t is the input the circuit adds to each neuron at step t + 1.
//   synapse pre -> post: G / (1 + exp((mdp - V_pre)/scale)) (E - V_post);  gap a-b: G_gap (V_other - V_self)
struct CircuitCurrents {
    std::vector<std::vector<double>> synaptic, gap;  // [neuron][t]
};
CircuitCurrents circuitCurrents(const Circuit& circuit, const std::vector<std::vector<double>>& voltages);

}  // namespace odynn
