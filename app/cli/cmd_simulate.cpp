#include <memory>

#include "commands.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/datasets.hpp"
#include "odynn/errors.hpp"
#include "odynn/simulator.hpp"

namespace odynn::cli {

namespace {
struct SimulateArgs {
    std::string model, circuit, params, input, out;
};

// The circuit described by --model/--params or --circuit, with dt taken from the input.
Circuit circuitFor(const SimulateArgs& a, double dt) {
    if (!a.circuit.empty()) {
        Circuit c = loadCircuit(a.circuit);
        c.dt = dt;  // the input's uniform step is the simulation step
        return c;
    }
    const ModelSpec* spec = findModel(a.model);
    if (!spec) throw InputError({}, 0, "--model", "unknown model '" + a.model + "'");
    std::vector<double> p = spec->defaults();
    if (!a.params.empty()) p = paramsFromJson(*spec, readJsonFile(a.params), a.params);
    return singleNeuronCircuit(spec->name, dt, p);
}
}  // namespace

Command addSimulateCommand(CLI::App& app) {
    auto* sub = app.add_subcommand("simulate", "Simulate one neuron or a circuit on an input current file");
    auto a = std::make_shared<SimulateArgs>();
    auto* m = sub->add_option("--model", a->model, "Neuron model (celegans, hhsimple, leaky)");
    auto* c = sub->add_option("--circuit", a->circuit, "Circuit file (odynn-circuit JSON)");
    m->excludes(c);
    sub->add_option("--params", a->params, "Parameters of the single neuron (JSON object name: value)")->excludes(c);
    sub->add_option("--input", a->input, "Input CSV: t,i_inj (neuron) or t,i_<label>... (circuit); t in ms")->required();
    sub->add_option("--out", a->out, "Output CSV")->required();
    return {sub, [a] {
        if (a->model.empty() && a->circuit.empty()) throw InputError({}, 0, "--model", "give --model or --circuit");
        const CsvTable in = readCsv(a->input);
        const double dt = uniformStep(in, "t");
        const Circuit circuit = circuitFor(*a, dt);
        const Stimulus stim = stimulusFromTable(circuit, in);
        const bool single = usesSingleNeuronColumns(circuit);
        SimulationOptions opt;
        opt.record = single ? Record::AllStates : Record::VoltageCalcium;
        const SimulationResult r = simulate(circuit, stim, opt);
        const Trajectory& tr = r.sets[0];
        std::vector<std::string> header{"t"};
        std::vector<std::vector<double>> cols;
        cols.push_back(in.column("t"));
        if (single) {
            header.push_back("i_inj");
            cols.push_back(in.column("i_inj"));
            const ModelSpec& spec = modelSpec(circuit.neurons[0].model);
            for (int s = 0; s < spec.stateCount(); ++s) {
                header.push_back(spec.stateNames[s]);
                std::vector<double> col(stim.steps);
                for (int t = 0; t < stim.steps; ++t) col[t] = tr.at(t, s, 0, 0);
                cols.push_back(std::move(col));
            }
        } else {
            for (size_t n = 0; n < circuit.neurons.size(); ++n)
                for (int s = 0; s < 2; ++s) {
                    header.push_back((s == 0 ? "V_" : "cac_") + circuit.neurons[n].label);
                    std::vector<double> col(stim.steps);
                    for (int t = 0; t < stim.steps; ++t) col[t] = tr.at(t, s, 0, int(n));
                    cols.push_back(std::move(col));
                }
        }
        std::vector<const std::vector<double>*> ptrs;
        for (const auto& col : cols) ptrs.push_back(&col);
        writeCsv(a->out, header, ptrs);
        return 0;
    }};
}

}  // namespace odynn::cli
