#pragma once
// The LSTM neuron in `fit` and `simulate` (--model lstm): network-shape options, the fit run
// built from the usual data files, and simulation of weight files.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "data_args.hpp"
#include "odynn/csv.hpp"
#include "odynn/lstm.hpp"

namespace odynn::cli {

struct LstmArgs {
    LstmSpec spec;
    CLI::Option *units = nullptr, *layers = nullptr, *calciumLayers = nullptr;
    bool shapeGiven() const { return units->count() + layers->count() + calciumLayers->count() > 0; }
};

// Adds --units, --layers and --calcium-layers to a subcommand.
std::shared_ptr<LstmArgs> addLstmOptions(CLI::App* sub);

// A new LSTM fit from the fit command's arguments: data files as for a single neuron
// (t,i_inj[,V][,cac]); --init is a weight file (one set or a list), whose shape is used unless
// --units/--layers/--calcium-layers say otherwise; population 1 unless given.
LstmFitRun newLstmFit(const LstmArgs& lstm, const CircuitArgs& circuit, const std::vector<std::string>& test,
                      FitOptions options, const std::string& init, bool populationGiven);

// simulate --model lstm: the weight sets of `params` on every input; writes t,i_inj,V,cac per
// set and input to outputName(out, sets, inputs, set, input).
using OutputNamer = std::string (*)(const std::string& out, int sets, int batch, int set, int entry);
int simulateLstmFiles(const std::string& params, int population, const std::vector<CsvTable>& inputs, double dt,
                      const std::string& out, OutputNamer outputName);

}  // namespace odynn::cli
