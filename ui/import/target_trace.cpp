#include "import/target_trace.hpp"

#include "odynn/csv.hpp"

namespace odynn::ui {

odynn::RecordedTarget toCore(const TargetTrace& trace) {
    odynn::RecordedTarget out;
    out.source = trace.source.toStdString();
    out.time = trace.time;
    for (const TargetColumn& c : trace.columns) out.columns.push_back({c.neuron.toStdString(), c.calcium, c.values});
    for (const auto& [neuron, values] : trace.currents) out.currents.emplace_back(neuron.toStdString(), values);
    out.targetSmoothing = trace.targetSmoothing;
    return out;
}

TargetTrace fromCore(const odynn::RecordedTarget& trace) {
    TargetTrace out;
    out.source = QString::fromStdString(trace.source);
    out.time = trace.time;
    for (const odynn::RecordedColumn& c : trace.columns)
        out.columns.push_back({QString::fromStdString(c.neuron), c.calcium, c.values});
    for (const auto& [neuron, values] : trace.currents) out.currents.emplace_back(QString::fromStdString(neuron), values);
    out.targetSmoothing = trace.targetSmoothing;
    return out;
}

TargetTrace loadTargetCsv(const QString& path, const QString& defaultNeuron) {
    TargetTrace trace = fromCore(targetFromTable(readCsv(path.toStdString()), defaultNeuron.toStdString()));
    trace.source = path;
    return trace;
}

FitDataset toDataset(const TargetTrace& trace, const Circuit& circuit, const Stimulus& fallback) {
    return datasetFromTarget(toCore(trace), circuit, &fallback);
}

}  // namespace odynn::ui
