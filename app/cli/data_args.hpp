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

    void addTo(CLI::App* sub, bool dataRequired);
    // The circuit with dt taken from the first data file; parameters from --params if given.
    Circuit load() const;
    FitDataset dataset(const Circuit& c, const std::vector<std::string>& files) const;
    LossWeights lossWeights() const;
};

// "a,b,c" -> numbers; throws InputError naming the option.
std::vector<double> parseNumbers(const std::string& text, const std::string& option, size_t expected);
std::vector<std::string> splitNames(const std::string& text);

}  // namespace odynn::cli
