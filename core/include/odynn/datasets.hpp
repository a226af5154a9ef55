#pragma once
// Conversions between the CLI's CSV tables and stimuli / fitting data.
//   single neuron: t,i_inj[,V][,cac]
//   circuit:       t, i_<label> for neurons receiving current, V_<label> / cac_<label> targets
#include <string>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/csv.hpp"
#include "odynn/fitting.hpp"
#include "odynn/simulator.hpp"

namespace odynn {

// True when the circuit is used with single-neuron column names (t, i_inj, V, cac).
bool usesSingleNeuronColumns(const Circuit& circuit);

// One batch entry from a table; checks that t is uniform and that its step equals dt
// (relative 1e-6), and that every i_<label> names a neuron of the circuit.
Stimulus stimulusFromTable(const Circuit& circuit, const CsvTable& table);
// Columns of an input or data table that this circuit does not use (e.g. the gates and
// currents of a simulation's output), in file order. Columns named i_/V_/cac_<label> with a
// label not in the circuit are errors (InputError, line 1).
std::vector<std::string> ignoredColumns(const Circuit& circuit, const CsvTable& table);

// Each table is one batch entry; all must have the same number of rows and the circuit's dt.
// Targets are optional columns; a circuit's observed neurons are those with target columns.
FitDataset datasetFromTables(const Circuit& circuit, const std::vector<CsvTable>& tables);

// Time vector k * dt for k = 0..steps-1 (ms).
std::vector<double> timeVector(int steps, double dt);

}  // namespace odynn
