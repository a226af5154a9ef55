#pragma once
// Recorded traces a circuit is fitted to, in the window's terms (QString names). Reading,
// resampling and the fitting data set are the core's target store (odynn/target_store.hpp),
// the same path the CLI takes, so the app and `odynn-cli fit` give one loss for one file.
#include <QString>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/fitting.hpp"
#include "odynn/target_store.hpp"

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
    double targetSmoothing = 0;  // splrep s of the targets when resampled (ODYNN calcium files: 0.25)

    bool empty() const { return columns.empty(); }
    int steps() const { return static_cast<int>(time.size()); }
};

odynn::RecordedTarget toCore(const TargetTrace& trace);
TargetTrace fromCore(const odynn::RecordedTarget& trace);

// `defaultNeuron` receives columns that name no neuron. Throws InputError with the file,
// line and column of the problem.
TargetTrace loadTargetCsv(const QString& path, const QString& defaultNeuron);
// The fitting data set (odynn::datasetFromTarget): recorded currents, `fallback`'s first batch
// entry for neurons without one, and targets [time][1][neuron], NaN where not observed.
FitDataset toDataset(const TargetTrace& trace, const Circuit& circuit, const Stimulus& fallback);

}  // namespace odynn::ui
