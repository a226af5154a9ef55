#pragma once
// Shaping a fitting data set before a fit: choosing batch entries (the training and the test
// split) and masking neurons that are not observed (their targets become NaN, which the loss
// leaves out). Qt-free.
#include <vector>

#include "odynn/fitting.hpp"

namespace odynn {
namespace ui {

// Batch entries [first, first + count) of a data set, targets included.
FitDataset batchEntries(const FitDataset& data, int first, int count);

// Targets of neurons with observed[k] == false become NaN. `observed` has one flag per neuron.
void keepObserved(FitDataset& data, const std::vector<bool>& observed);

// True when some neuron has at least one finite V or Ca target.
bool hasTargets(const FitDataset& data);

// V and Ca of one parameter set (a layout vector) of `circuit` on the stimulus's batch entries.
Trajectory traceOfSet(const Circuit& circuit, const std::vector<double>& params, const Stimulus& stimulus,
                      int threads);

}  // namespace ui
}  // namespace odynn
