#pragma once
// What each column of an imported CSV means when its header does not say so in the formats
// loadTargetCsv() knows: time (ms or s), a neuron's membrane potential, calcium or injected
// current, or nothing. A guess from the header names comes first; the user corrects it in
// ColumnMappingDialog; traceFromMapping() builds the target trace and explains bad mappings.
#include <QString>
#include <vector>

#include "odynn/csv.hpp"
#include "import/target_trace.hpp"

namespace odynn::ui {

enum class ColumnRole { Ignore, TimeMs, TimeS, Voltage, Calcium, Current };
QString roleLabel(ColumnRole role);

struct ColumnMapping {
    ColumnRole role = ColumnRole::Ignore;
    QString neuron;       // for Voltage, Calcium and Current
    double scale = 1.0;   // values are multiplied by it (ODYNN scales imaging traces x10)
    bool operator==(const ColumnMapping&) const = default;
};

// True when loadTargetCsv() understands the header without help.
bool headerIsKnown(const CsvTable& table);

// A first guess from the names: "time"/"t" columns are time (seconds when the last time is
// below 100, else ms), names with "ca"/"calcium"/"fluo"/"trace" calcium, "v"/"volt"/"mem"
// voltage, "i"/"current"/"stim" current; everything else is ignored.
std::vector<ColumnMapping> guessMapping(const CsvTable& table, const QString& defaultNeuron);

// Throws InputError naming the file and the problem: no time column or more than one, no
// target column, a neuron missing for a target, or time that does not increase.
TargetTrace traceFromMapping(const CsvTable& table, const std::vector<ColumnMapping>& mapping);

}  // namespace odynn::ui
