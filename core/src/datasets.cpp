#include "odynn/datasets.hpp"

#include <cmath>
#include <limits>

#include "odynn/errors.hpp"

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
    const int N = int(c.neurons.size()), B = int(tables.size()), T = tables[0].rows();
    const bool single = usesSingleNeuronColumns(c);
    FitDataset d;
    d.stimulus = Stimulus(T, B, N);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> tv(size_t(T) * B * N, nan), tc(size_t(T) * B * N, nan);
    bool anyV = false, anyCa = false;
    for (int b = 0; b < B; ++b) {
        const CsvTable& tab = tables[b];
        if (tab.rows() != T)
            throw InputError(tab.source, 0, "t", "has " + std::to_string(tab.rows()) + " rows; the first data file has " +
                                                     std::to_string(T));
        const Stimulus one = stimulusFromTable(c, tab);
        for (int t = 0; t < T; ++t)
            for (int n = 0; n < N; ++n) d.stimulus.at(t, b, n) = one.at(t, 0, n);
        for (int n = 0; n < N; ++n) {
            const int iv = tab.columnIndex(single ? "V" : "V_" + c.neurons[n].label);
            const int ic = tab.columnIndex(single ? "cac" : "cac_" + c.neurons[n].label);
            for (int t = 0; t < T; ++t) {
                const size_t at = (size_t(t) * B + b) * N + n;
                if (iv >= 0) { tv[at] = tab.columns[iv][t]; anyV = true; }
                if (ic >= 0) { tc[at] = tab.columns[ic][t]; anyCa = true; }
            }
        }
    }
    if (!anyV && !anyCa)
        throw InputError(tables[0].source, 1, single ? "V" : "V_<label>", "no target column (V or cac) in the data");
    if (anyV) d.targetV = std::move(tv);
    if (anyCa) d.targetCa = std::move(tc);
    return d;
}

}  // namespace odynn
