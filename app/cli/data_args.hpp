#pragma once
// Options shared by `gradient` and `fit`: the circuit (--model or --circuit), data files,
// loss weights.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/fitting.hpp"

namespace odynn::cli {

struct CircuitArgs {
    std::string model, circuit, params;
    std::vector<std::string> data;
    std::string weights;  // "wv,wca"
    std::string neuronWeights;  // "AVA=2,AVB=0.5"

    void addTo(CLI::App* sub, bool dataRequired);
    // The circuit with dt taken from the first data file; parameters from --params if given.
    Circuit load() const;
    FitDataset dataset(const Circuit& c, const std::vector<std::string>& files) const;
    // Per-neuron weights need the circuit (nullptr: none may be given).
    LossWeights lossWeights(const Circuit* c) const;
};

// Parameter sets from a JSON file: one {name: value} object or a list of them, with the
// layout's names (a lone neuron's "C_m"; a circuit's "AVA/C_m", "A->B/G", "A--B/G_gap").
// Names left out keep the circuit's values. Returns [count x layout size].
std::vector<double> parameterSetsFromFile(const std::string& path, const Circuit& circuit, int& count);

// The model a --model argument names: a registered model, or a model file (FILE.odm), which
// is read, compiled and registered. Throws InputError naming --model, or the file's position.
const ModelSpec& modelArgument(const std::string& argument);

// "a,b,c" -> numbers; throws InputError naming the option.
std::vector<double> parseNumbers(const std::string& text, const std::string& option, size_t expected);
std::vector<std::string> splitNames(const std::string& text);

}  // namespace odynn::cli
