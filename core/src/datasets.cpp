#include "odynn/datasets.hpp"

#include <cmath>
#include <limits>

#include "odynn/errors.hpp"
#include "odynn/target_store.hpp"

namespace odynn {

bool usesSingleNeuronColumns(const Circuit& c) {
    return c.neurons.size() == 1 && c.synapses.empty() && c.gaps.empty();
}

std::vector<double> timeVector(int steps, double dt) {
    std::vector<double> t(steps);
    for (int k = 0; k < steps; ++k) t[k] = k * dt;
    return t;
}

namespace {

void checkTimeStep(const Circuit& c, const CsvTable& table) {
    const double dt = uniformStep(table, "t");
    if (std::abs(dt - c.dt) > 1e-6 * c.dt)
        throw InputError(table.source, 3, "t",
                         "time step " + std::to_string(dt) + " ms differs from the model's dt " + std::to_string(c.dt) +
                             " ms");
}

// Columns with the prefixes i_, V_, cac_ must name a neuron of the circuit (a typo would
// otherwise drop data silently); other columns are returned as ignored.
std::vector<std::string> checkColumns(const Circuit& c, const CsvTable& table) {
    const bool single = usesSingleNeuronColumns(c);
    std::vector<std::string> ignored;
    for (const auto& h : table.header) {
        if (h == "t") continue;
        if (single && (h == "i_inj" || h == "V" || h == "cac")) continue;
        bool prefixed = false;
        for (const char* prefix : {"i_", "V_", "cac_"}) {
            const std::string p(prefix);
            if (h.rfind(p, 0) != 0) continue;
            if (c.neuronIndex(h.substr(p.size())) < 0)
                throw InputError(table.source, 1, h, "unknown neuron '" + h.substr(p.size()) + "'");
            prefixed = true;
            break;
        }
        if (!prefixed) ignored.push_back(h);
    }
    return ignored;
}

const std::vector<double>* currentColumn(const Circuit& c, const CsvTable& table, int neuron) {
    const int i = usesSingleNeuronColumns(c) ? table.columnIndex("i_inj") : table.columnIndex("i_" + c.neurons[neuron].label);
    return i < 0 ? nullptr : &table.columns[i];
}

}  // namespace

std::vector<std::string> ignoredColumns(const Circuit& c, const CsvTable& table) { return checkColumns(c, table); }

Stimulus stimulusFromTable(const Circuit& c, const CsvTable& table) {
    checkTimeStep(c, table);
    checkColumns(c, table);
    const int N = int(c.neurons.size());
    Stimulus s(table.rows(), 1, N);
    if (usesSingleNeuronColumns(c)) table.column("i_inj");  // required: throws naming the column
    for (int n = 0; n < N; ++n)
        if (const auto* col = currentColumn(c, table, n))
            for (int t = 0; t < s.steps; ++t) s.at(t, 0, n) = (*col)[t];
    return s;
}

FitDataset datasetFromTables(const Circuit& c, const std::vector<CsvTable>& tables) {
    if (tables.empty()) throw InputError({}, 0, "data", "at least one data file is needed");
    const int T = tables[0].rows();
    const bool single = usesSingleNeuronColumns(c);
    bool anyTarget = false;
    for (const CsvTable& tab : tables)
        for (const std::string& h : tab.header)
            anyTarget = anyTarget || h == "V" || h == "cac" || h.rfind("V_", 0) == 0 || h.rfind("cac_", 0) == 0;
    if (!anyTarget)
        throw InputError(tables[0].source, 1, single ? "V" : "V_<label>", "no target column (V or cac) in the data");
    // The same path as the desktop app's targets (target_store): the table's own time grid,
    // already the model's dt, so values are taken as they are.
    std::vector<FitDataset> entries;
    for (const CsvTable& tab : tables) {
        if (tab.rows() != T)
            throw InputError(tab.source, 0, "t", "has " + std::to_string(tab.rows()) + " rows; the first data file has " +
                                                     std::to_string(T));
        checkTimeStep(c, tab);
        const std::vector<std::string> ignored = checkColumns(c, tab);
        if (single) tab.column("i_inj");  // required: throws naming the column
        CsvTable used = tab;  // without the columns this circuit does not use (gates, currents)
        for (const std::string& name : ignored) {
            const int k = used.columnIndex(name);
            used.header.erase(used.header.begin() + k);
            used.columns.erase(used.columns.begin() + k);
        }
        entries.push_back(datasetFromTarget(targetFromTable(used, single ? c.neurons[0].label : std::string()), c));
    }
    return stackBatch(entries);
}

}  // namespace odynn
