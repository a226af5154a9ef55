#pragma once
// Recorded traces a circuit is fitted to, read from CSV:
//  - ODYNN's calcium-imaging files (columns trace, inputCurrent, timeVector; time in s):
//    scaled as ODYNN does (time x1000 to ms, trace x10, current x10) and taken as the
//    calcium of one neuron;
//  - the CLI's tables: a "t" column (ms) with V / cac / i_inj for one neuron, or
//    V_<label> / cac_<label> / Ca_<label> / i_<label> per neuron.
// Traces are resampled to the circuit's dt by linear interpolation.
#include <QString>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/fitting.hpp"

namespace odynn::ui {

struct TargetColumn {
    QString neuron;
    bool calcium = false;  // false: membrane potential V (mV)
    std::vector<double> values;
};

struct TargetTrace {
    QString source;
    std::vector<double> time;            // ms
    std::vector<TargetColumn> columns;
    std::vector<std::pair<QString, std::vector<double>>> currents;  // neuron -> injected current

    bool empty() const { return columns.empty(); }
    int steps() const { return static_cast<int>(time.size()); }
};

// `defaultNeuron` receives columns that name no neuron. Throws InputError with the file,
// line and column of the problem.
TargetTrace loadTargetCsv(const QString& path, const QString& defaultNeuron);
// Samples every column at k*dt for k = 1.. up to the last recorded time.
TargetTrace resampled(const TargetTrace& trace, double dt);
// The fitting data set: recorded currents (or `fallback`'s first batch entry where the file
// has none) and targets [time][1][neuron], NaN where a neuron is not observed.
FitDataset toDataset(const TargetTrace& trace, const Circuit& circuit, const Stimulus& fallback);

}  // namespace odynn::ui
