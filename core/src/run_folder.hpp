#pragma once
// Files of a fit's run folder:
//   settings.json   circuit and options          data.json     training and test data
//   checkpoint.json optimizer state after the last finished epoch (exact doubles)
//   history.csv     epoch,lr,loss_0..loss_{N-1}[,test_0..test_{N-1}] (with test data; cells empty
//                   in epochs without a test evaluation)
//   params.csv      epoch,set,<parameter names>: every set's parameters after each epoch
//   best.json       {name: value} of the best set (usable as --params / --init)
//   best_circuit.json the circuit with the best set applied
//   summary.json    best_loss, best_index, epochs, wall_seconds, termination
#include <string>
#include <vector>

#include "odynn/fitting.hpp"

namespace odynn {

void appendRunHistory(const std::string& dir, const EpochSummary& s, const ParameterLayout& layout,
                      const std::vector<double>& theta, int sets, bool withTest);
void writeRunResult(const std::string& dir, const FitResult& r, const ParameterLayout& layout, const Circuit& circuit,
                    double wallSeconds);

}  // namespace odynn
