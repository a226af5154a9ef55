#include "lstm_cli.hpp"

#include "odynn/circuit_io.hpp"
#include "odynn/datasets.hpp"
#include "odynn/errors.hpp"
#include "validators.hpp"

namespace odynn::cli {

namespace {

// The data files of an LSTM neuron use a single neuron's columns; a leaky neuron with the
// data's dt stands in for it when reading and checking them.
Circuit columnsOf(double dt) { return singleNeuronCircuit("leaky", dt); }

// One weight file: a {"format": "odynn-lstm", ...} object or a list of them, all of one shape.
std::vector<double> readWeightSets(const std::string& path, LstmSpec& spec, int& count) {
    const auto doc = readJsonFile(path);
    const auto list = doc.is_array() ? doc : nlohmann::json::array({doc});
    if (list.empty()) throw InputError(path, 0, {}, "no weight set in the file");
    std::vector<double> all;
    for (size_t k = 0; k < list.size(); ++k) {
        LstmSpec s;
        const auto w = lstmWeightsFromJson(list[k], path, s);
        if (k > 0 && !(s == spec)) throw InputError(path, 0, "units", "weight sets of different network shapes");
        spec = s;
        all.insert(all.end(), w.begin(), w.end());
    }
    count = int(list.size());
    return all;
}

}  // namespace

std::shared_ptr<LstmArgs> addLstmOptions(CLI::App* sub) {
    auto a = std::make_shared<LstmArgs>();
    a->units = sub->add_option("--units", a->spec.units, "LSTM: units per hidden layer (default 50)")
                   ->check(positive);
    a->layers = sub->add_option("--layers", a->spec.layers, "LSTM: hidden layers before the output layer (default 1)")
                    ->check(nonNegative);
    a->calciumLayers =
        sub->add_option("--calcium-layers", a->spec.calciumLayers,
                        "LSTM: hidden layers of a calcium head fed by the voltage network (default 0: Ca = V)")
            ->check(nonNegative);
    return a;
}

LstmFitRun newLstmFit(const LstmArgs& lstm, const CircuitArgs& circuit, const std::vector<std::string>& test,
                      FitOptions o, const std::string& init, bool populationGiven) {
    if (!circuit.params.empty())
        throw InputError({}, 0, "--params", "an LSTM neuron has no model parameters; give weights with --init");
    const double dt = uniformStep(readCsv(circuit.data.front()), "t");
    const Circuit columns = columnsOf(dt);
    LstmSpec spec = lstm.spec;
    if (!populationGiven) o.population = 1;
    if (!init.empty()) {
        LstmSpec fileSpec;
        int count = 0;
        o.initial = readWeightSets(init, fileSpec, count);
        if (lstm.shapeGiven() && !(fileSpec == spec))
            throw InputError(init, 0, "units", "the weights' network shape differs from --units/--layers/--calcium-layers");
        spec = fileSpec;
        if (!populationGiven) o.population = count;
    }
    std::optional<FitDataset> testData;
    if (!test.empty()) testData = circuit.dataset(columns, test);
    return LstmFitRun(spec, dt, circuit.dataset(columns, circuit.data), std::move(testData), std::move(o));
}

int simulateLstmFiles(const std::string& params, int population, const std::vector<CsvTable>& inputs, double dt,
                      const std::string& out, OutputNamer outputName) {
    if (population > 0) throw InputError({}, 0, "--population", "an LSTM neuron is simulated from weights: give --params");
    if (params.empty()) throw InputError({}, 0, "--params", "give the network's weights (best.json of an lstm fit)");
    LstmSpec spec;
    int sets = 0;
    const std::vector<double> weights = readWeightSets(params, spec, sets);
    const Circuit columns = columnsOf(dt);
    const int B = int(inputs.size());
    Stimulus stim(inputs[0].rows(), B, 1);
    for (int b = 0; b < B; ++b) {
        if (inputs[b].rows() != stim.steps)
            throw InputError(inputs[b].source, 0, "t", "all inputs need the same number of rows");
        const Stimulus one = stimulusFromTable(columns, inputs[b]);
        for (int t = 0; t < stim.steps; ++t) stim.at(t, b, 0) = one.at(t, 0, 0);
    }
    const auto traces = simulateLstm(LstmNetwork(spec), weights, sets, stim);
    for (int s = 0; s < sets; ++s)
        for (int b = 0; b < B; ++b) {
            std::vector<double> V(stim.steps), Ca(stim.steps);
            for (int t = 0; t < stim.steps; ++t) V[t] = traces[s].at(t, 0, b, 0), Ca[t] = traces[s].at(t, 1, b, 0);
            writeCsv(outputName(out, sets, B, s, b), {"t", "i_inj", "V", "cac"},
                     {&inputs[b].column("t"), &inputs[b].column("i_inj"), &V, &Ca});
        }
    return 0;
}

}  // namespace odynn::cli
