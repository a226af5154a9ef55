#pragma once
// Recorded traces a circuit is fitted to, from table to fitting data: one path shared by the
// CLI and the desktop app, so one file gives one target and one loss everywhere.
//
// Layouts read:
//  - the CLI's tables: a "t" column (ms) with V / cac / Ca / i_inj for one neuron, or
//    V_<label> / cac_<label> / Ca_<label> / i_<label> per neuron;
//  - ODYNN's calcium-imaging files (trace, inputCurrent, timeVector in s): scaled as ODYNN does
//    (time x1000 to ms, trace x10, current x10), the calcium of one neuron, resampled with
//    ODYNN's smoothing spline (s = 0.25 for the trace, 0 for the current).
//
// Time convention (ODYNN's and the simulator's): row k of the data holds the current injected
// during step k and the target compared with the simulator's row k; both are sampled at
// t0 + k*dt.
#include <string>
#include <utility>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/csv.hpp"
#include "odynn/fitting.hpp"

namespace odynn {

struct RecordedColumn {
    std::string neuron;
    bool calcium = false;  // false: membrane potential V (mV)
    std::vector<double> values;
};

struct RecordedTarget {
    std::string source;
    std::vector<double> time;  // ms, strictly increasing
    std::vector<RecordedColumn> columns;
    std::vector<std::pair<std::string, std::vector<double>>> currents;  // neuron -> injected current
    double targetSmoothing = 0;  // splrep smoothing factor s of the target columns when resampled

    int steps() const { return static_cast<int>(time.size()); }
};

// `defaultNeuron` receives columns that name no neuron (V, cac, Ca, i_inj, trace). Throws
// InputError naming file, line and column for a missing time column, no target column or time
// that does not increase.
RecordedTarget targetFromTable(const CsvTable& table, const std::string& defaultNeuron);

// Samples every column at t0 + k*dt, k = 0.. while within the recording. A time axis that is
// already uniform with step dt (relative 1e-5) is kept as it is; otherwise targets and
// currents go through the smoothing spline (s = targetSmoothing for targets, 0 for currents:
// an interpolating cubic spline), which needs at least 4 samples.
RecordedTarget resampleTarget(const RecordedTarget& trace, double dt);

// One batch entry: the trace resampled to the circuit's dt; currents from the trace, and for
// neurons without a recorded current `fallback`'s first batch entry (zero when `fallback` is
// null or shorter); targets [time][1][neuron], NaN where a neuron is not observed.
FitDataset datasetFromTarget(const RecordedTarget& trace, const Circuit& circuit, const Stimulus* fallback = nullptr);

// Batch entries side by side, all cut to the shortest.
FitDataset stackBatch(const std::vector<FitDataset>& entries);

}  // namespace odynn
