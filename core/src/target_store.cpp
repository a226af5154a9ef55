#include "odynn/target_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "odynn/errors.hpp"
#include "odynn/trace_import.hpp"

namespace odynn {

namespace {

// ODYNN's scales for its calcium-imaging files (SPEC 5) and its spline smoothing of the trace.
constexpr double calciumTimeScale = 1000.0;  // s -> ms
constexpr double calciumValueScale = 10.0;
constexpr double calciumSmoothing = 0.25;

std::vector<double> scaled(const std::vector<double>& v, double factor) {
    std::vector<double> out(v.size());
    for (size_t k = 0; k < v.size(); ++k) out[k] = v[k] * factor;
    return out;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

RecordedTarget targetFromTable(const CsvTable& table, const std::string& defaultNeuron) {
    RecordedTarget trace;
    trace.source = table.source;
    if (table.rows() < 2) throw InputError(table.source, 0, "", "needs at least two rows of data");
    if (table.columnIndex("timeVector") >= 0 && table.columnIndex("trace") >= 0) {
        trace.time = scaled(table.column("timeVector"), calciumTimeScale);
        trace.columns.push_back({defaultNeuron, true, scaled(table.column("trace"), calciumValueScale)});
        if (table.columnIndex("inputCurrent") >= 0)
            trace.currents.emplace_back(defaultNeuron, scaled(table.column("inputCurrent"), calciumValueScale));
        trace.targetSmoothing = calciumSmoothing;
    } else if (table.columnIndex("t") >= 0) {
        trace.time = table.column("t");
        for (size_t c = 0; c < table.header.size(); ++c) {
            const std::string& name = table.header[c];
            const std::vector<double>& values = table.columns[c];
            auto neuronOf = [&](const std::string& prefix) {
                return name.size() > prefix.size() ? name.substr(prefix.size()) : defaultNeuron;
            };
            if (name == "V" || startsWith(name, "V_"))
                trace.columns.push_back({neuronOf("V_"), false, values});
            else if (name == "cac" || startsWith(name, "cac_"))
                trace.columns.push_back({neuronOf("cac_"), true, values});
            else if (name == "Ca" || startsWith(name, "Ca_"))
                trace.columns.push_back({neuronOf("Ca_"), true, values});
            else if (name == "i_inj")
                trace.currents.emplace_back(defaultNeuron, values);
            else if (startsWith(name, "i_"))
                trace.currents.emplace_back(name.substr(2), values);
        }
    } else {
        throw InputError(table.source, 1, "header",
                         "expected a time column: \"t\" (ms) or \"timeVector\" (s, ODYNN calcium imaging)");
    }
    if (trace.columns.empty())
        throw InputError(table.source, 1, "header", "no target column: expected V, cac, V_<neuron>, cac_<neuron> or trace");
    for (size_t k = 1; k < trace.time.size(); ++k)
        if (!(trace.time[k] > trace.time[k - 1]))
            throw InputError(table.source, CsvTable::lineOfRow(static_cast<int>(k)), "time",
                             "time must increase from row to row");
    return trace;
}

namespace {

bool uniformWithStep(const std::vector<double>& t, double dt) {
    for (size_t k = 1; k < t.size(); ++k)
        if (std::abs((t[k] - t[k - 1]) - dt) > 1e-5 * dt) return false;  // CSV round-off
    return true;
}

}  // namespace

RecordedTarget resampleTarget(const RecordedTarget& trace, double dt) {
    if (!(dt > 0)) throw InputError(trace.source, 0, "dt", "the time step must be positive");
    if (trace.time.empty()) return trace;
    RecordedTarget out = trace;
    if (uniformWithStep(trace.time, dt) && trace.targetSmoothing == 0) return out;
    if (trace.time.size() < 4)
        throw InputError(trace.source, 0, "time", "resampling to the model's dt needs at least 4 rows");
    try {
        for (RecordedColumn& c : out.columns) c.values = resample(trace.time, c.values, dt, trace.targetSmoothing);
        for (auto& [neuron, values] : out.currents) values = resample(trace.time, values, dt, 0.0);
    } catch (const std::invalid_argument& e) {
        throw InputError(trace.source, 0, "time", e.what());
    }
    const size_t steps = out.columns.empty() ? 0 : out.columns.front().values.size();
    out.time.resize(steps);
    for (size_t k = 0; k < steps; ++k) out.time[k] = trace.time.front() + static_cast<double>(k) * dt;
    return out;
}

FitDataset datasetFromTarget(const RecordedTarget& trace, const Circuit& circuit, const Stimulus* fallback) {
    const RecordedTarget r = resampleTarget(trace, circuit.dt);
    const int steps = r.steps();
    const int n = static_cast<int>(circuit.neurons.size());
    if (steps < 2) throw InputError(trace.source, 0, "time", "the trace is shorter than two time steps");
    FitDataset data;
    data.stimulus = Stimulus(steps, 1, n);
    if (fallback)
        for (int t = 0; t < steps && t < fallback->steps; ++t)
            for (int k = 0; k < n && k < fallback->neurons; ++k) data.stimulus.at(t, 0, k) = fallback->at(t, 0, k);
    for (const auto& [neuron, values] : r.currents) {
        const int k = circuit.neuronIndex(neuron);
        if (k < 0) throw InputError(trace.source, 1, "i_" + neuron, "no such neuron in the circuit");
        for (int t = 0; t < steps; ++t) data.stimulus.at(t, 0, k) = values[static_cast<size_t>(t)];
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const RecordedColumn& c : r.columns) {
        const int k = circuit.neuronIndex(c.neuron);
        if (k < 0) throw InputError(trace.source, 1, c.neuron, "no such neuron in the circuit");
        std::vector<double>& target = c.calcium ? data.targetCa : data.targetV;
        if (target.empty()) target.assign(static_cast<size_t>(steps) * n, nan);
        for (int t = 0; t < steps; ++t) target[static_cast<size_t>(t) * n + k] = c.values[static_cast<size_t>(t)];
    }
    return data;
}

FitDataset stackBatch(const std::vector<FitDataset>& entries) {
    if (entries.empty()) return {};
    int steps = std::numeric_limits<int>::max();
    for (const FitDataset& e : entries) steps = std::min(steps, e.stimulus.steps);
    const int n = entries.front().stimulus.neurons;
    int batch = 0;
    for (const FitDataset& e : entries) batch += e.stimulus.batch;
    FitDataset data;
    data.stimulus = Stimulus(steps, batch, n);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const size_t size = static_cast<size_t>(steps) * batch * n;
    int first = 0;  // batch index of the entry's first entry in the stack
    for (const FitDataset& e : entries) {
        const int eb = e.stimulus.batch;
        for (int t = 0; t < steps; ++t)
            for (int b = 0; b < eb; ++b)
                for (int k = 0; k < n; ++k) {
                    data.stimulus.at(t, first + b, k) = e.stimulus.at(t, b, k);
                    const size_t from = (static_cast<size_t>(t) * eb + b) * n + k;
                    const size_t to = (static_cast<size_t>(t) * batch + first + b) * n + k;
                    if (!e.targetV.empty()) {
                        if (data.targetV.empty()) data.targetV.assign(size, nan);
                        data.targetV[to] = e.targetV[from];
                    }
                    if (!e.targetCa.empty()) {
                        if (data.targetCa.empty()) data.targetCa.assign(size, nan);
                        data.targetCa[to] = e.targetCa[from];
                    }
                }
        first += eb;
    }
    return data;
}

}  // namespace odynn
