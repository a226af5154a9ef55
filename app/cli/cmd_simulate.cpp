#include <cmath>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "validators.hpp"
#include "data_args.hpp"
#include "lstm_cli.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/currents.hpp"
#include "odynn/datasets.hpp"
#include "odynn/divergence.hpp"
#include "odynn/errors.hpp"
#include "odynn/parameters.hpp"
#include "odynn/simulator.hpp"

namespace odynn::cli {

namespace {
struct SimulateArgs {
    std::string model, circuit, params, out;
    std::vector<std::string> inputs;
    int population = 0;
    std::uint64_t seed = 0;
    bool currents = false;
    bool allowDivergence = false;
};

// The circuit described by --model or --circuit, with dt taken from the input.
Circuit circuitFor(const SimulateArgs& a, double dt) {
    if (!a.circuit.empty()) {
        Circuit c = loadCircuit(a.circuit);
        c.dt = dt;  // the input's uniform step is the simulation step
        return c;
    }
    return singleNeuronCircuit(modelArgument(a.model).name, dt);
}

// Parameter sets: --population N random sets, the sets of --params, or the circuit's own values.
std::vector<double> parameterSets(const SimulateArgs& a, const Circuit& c, int& sets) {
    const ParameterLayout layout(c);
    if (a.population > 0) {
        Rng rng(a.seed);
        std::vector<double> pop;
        for (int k = 0; k < a.population; ++k) {
            const auto v = layout.random(c, rng);
            pop.insert(pop.end(), v.begin(), v.end());
        }
        sets = a.population;
        return pop;
    }
    if (a.params.empty()) {
        sets = 1;
        return layout.values(c);
    }
    return parameterSetsFromFile(a.params, c, sets);
}

// O.csv for one set and one input, else O_s<set>_b<input>.csv beside it.
std::string outputName(const std::string& out, int sets, int batch, int s, int b) {
    if (sets == 1 && batch == 1) return out;
    const auto dot = out.rfind('.');
    const std::string stem = dot == std::string::npos ? out : out.substr(0, dot);
    const std::string ext = dot == std::string::npos ? ".csv" : out.substr(dot);
    return stem + "_s" + std::to_string(s) + "_b" + std::to_string(b) + ext;
}
}  // namespace

Command addSimulateCommand(CLI::App& app) {
    auto* sub = app.add_subcommand("simulate", "Simulate one neuron or a circuit on input current files");
    auto a = std::make_shared<SimulateArgs>();
    auto* m = sub->add_option("--model", a->model, "Neuron model (celegans, hhsimple, leaky, lstm) or model file (FILE.odm)");
    auto* c = sub->add_option("--circuit", a->circuit, "Circuit file (odynn-circuit JSON)");
    m->excludes(c);
    auto* p = sub->add_option("--params", a->params, "Parameter set(s): JSON {name: value} or a list of them, or a named set: default, "
                                                    "default2 (ODYNN's DEFAULT_2 celegans neuron)");
    auto* n = sub->add_option("--population", a->population, "Simulate N random parameter sets (seeded)")
                  ->check(positive);
    p->excludes(n);
    sub->add_option("--seed", a->seed, "Seed of --population");
    sub->add_option("--input", a->inputs, "Input CSV: t,i_inj (neuron) or t,i_<label>... (circuit); t in ms. "
                                          "Repeat for several currents simulated at once")->required();
    sub->add_option("--out", a->out, "Output CSV (with several sets or inputs: <name>_s<set>_b<input>.csv)")->required();
    sub->add_flag("--currents", a->currents,
                  "Add the currents (uA/cm2) computed from each recorded row: a neuron's ionic currents (celegans I_Ca, "
                  "I_Kf, I_Ks, I_L; hhsimple I_K, I_L; leaky I_L), a circuit's isyn_<label> and igap_<label> (total "
                  "synaptic and gap-junction current into each neuron)");
    sub->add_flag("--allow-divergence", a->allowDivergence,
                  "Write the output even when a state becomes inf or NaN (otherwise: exit 3, nothing written)");
    return {sub, [a] {
        if (a->model.empty() && a->circuit.empty()) throw InputError({}, 0, "--model", "give --model or --circuit");
        std::vector<CsvTable> inputs;
        for (const auto& f : a->inputs) inputs.push_back(readCsv(f));
        const double dt = uniformStep(inputs[0], "t");
        if (const ModelSpec* spec = findModel(a->model); spec && spec->networkWeights) return simulateLstmFiles(a->params, a->population, inputs, dt, a->out, outputName);
        const Circuit circuit = circuitFor(*a, dt);
        int sets = 0;
        const std::vector<double> pop = parameterSets(*a, circuit, sets);
        const int B = int(inputs.size()), N = int(circuit.neurons.size());
        Stimulus stim(inputs[0].rows(), B, N);
        for (int b = 0; b < B; ++b) {
            if (inputs[b].rows() != stim.steps)
                throw InputError(inputs[b].source, 0, "t", "all inputs need the same number of rows");
            const Stimulus one = stimulusFromTable(circuit, inputs[b]);
            for (int t = 0; t < stim.steps; ++t)
                for (int k = 0; k < N; ++k) stim.at(t, b, k) = one.at(t, 0, k);
        }
        const bool single = usesSingleNeuronColumns(circuit);
        SimulationOptions opt;
        opt.record = single ? Record::AllStates : Record::VoltageCalcium;
        const SimulationResult r = simulate(circuit, pop, sets, stim, opt);
        for (int s = 0; s < sets; ++s)
            if (const auto d = findDivergence(circuit, r.sets[s], opt.record)) {
                const std::string where = "the simulation diverged at " + describe(*d, circuit) + " (parameter set " +
                                          std::to_string(s) + ", input " + inputs[d->batch].source + ")";
                if (!a->allowDivergence) {
                    std::fprintf(stderr, "error: %s; nothing written (--allow-divergence writes it anyway)\n",
                                 where.c_str());
                    return 3;
                }
                std::fprintf(stderr, "warning: %s; written with non-finite values\n", where.c_str());
                break;
            }
        const ParameterLayout layout(circuit);
        for (int s = 0; s < sets; ++s) {
            // This set's parameters, for the currents.
            Circuit withSet = circuit;
            layout.apply(withSet, pop.data() + size_t(s) * size_t(layout.size()));
            for (int b = 0; b < B; ++b) {
                const Trajectory& tr = r.sets[s];
                std::vector<std::string> header{"t"};
                std::vector<std::vector<double>> cols{inputs[b].column("t")};
                auto recorded = [&](int state, int neuron) {
                    std::vector<double> col(stim.steps);
                    for (int t = 0; t < stim.steps; ++t) col[t] = tr.at(t, state, b, neuron);
                    return col;
                };
                auto add = [&](const std::string& name, std::vector<double> col) {
                    header.push_back(name);
                    cols.push_back(std::move(col));
                };
                if (single) {
                    add("i_inj", inputs[b].column("i_inj"));
                    const ModelSpec& spec = modelSpec(circuit.neurons[0].model);
                    std::vector<std::vector<double>> states;
                    for (int st = 0; st < spec.stateCount(); ++st) {
                        states.push_back(recorded(st, 0));
                        add(spec.stateNames[st], states.back());
                    }
                    if (a->currents) {
                        const auto names = ionicCurrentNames(spec.name);
                        auto currents = ionicCurrents(spec.name, withSet.neurons[0].params, states);
                        for (size_t c = 0; c < names.size(); ++c) add(names[c], std::move(currents[c]));
                    }
                } else {
                    // The inputs first, so that the file is fitting data for this circuit as it is.
                    std::vector<std::vector<double>> volts;
                    for (int k = 0; k < N; ++k) {
                        std::vector<double> in(stim.steps);
                        for (int t = 0; t < stim.steps; ++t) in[t] = stim.at(t, b, k);
                        add("i_" + circuit.neurons[k].label, std::move(in));
                    }
                    for (int k = 0; k < N; ++k) {
                        volts.push_back(recorded(0, k));
                        add("V_" + circuit.neurons[k].label, volts.back());
                        add("cac_" + circuit.neurons[k].label, recorded(1, k));
                    }
                    if (a->currents) {
                        CircuitCurrents cur = circuitCurrents(withSet, volts);
                        for (int k = 0; k < N; ++k) add("isyn_" + circuit.neurons[k].label, std::move(cur.synaptic[k]));
                        for (int k = 0; k < N; ++k) add("igap_" + circuit.neurons[k].label, std::move(cur.gap[k]));
                    }
                }
                std::vector<const std::vector<double>*> ptrs;
                for (const auto& col : cols) ptrs.push_back(&col);
                writeCsv(outputName(a->out, sets, B, s, b), header, ptrs);
            }
        }
        return 0;
    }};
}

}  // namespace odynn::cli
