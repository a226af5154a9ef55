#include "import/target_trace.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "odynn/csv.hpp"
#include "odynn/errors.hpp"

namespace odynn::ui {

TargetTrace loadTargetCsv(const QString& path, const QString& defaultNeuron) {
    const CsvTable table = readCsv(path.toStdString());
    TargetTrace trace;
    trace.source = path;
    if (table.rows() < 2) throw InputError(table.source, 0, "", "needs at least two rows of data");

    if (table.columnIndex("timeVector") >= 0 && table.columnIndex("trace") >= 0) {
        // ODYNN's calcium imaging layout (SPEC 5): seconds -> ms, trace and current x10.
        for (double t : table.column("timeVector")) trace.time.push_back(t * 1000.0);
        TargetColumn ca{defaultNeuron, true, {}};
        for (double v : table.column("trace")) ca.values.push_back(v * 10.0);
        trace.columns.push_back(std::move(ca));
        if (table.columnIndex("inputCurrent") >= 0) {
            std::vector<double> current;
            for (double i : table.column("inputCurrent")) current.push_back(i * 10.0);
            trace.currents.emplace_back(defaultNeuron, std::move(current));
        }
    } else if (table.columnIndex("t") >= 0) {
        trace.time = table.column("t");
        for (size_t c = 0; c < table.header.size(); ++c) {
            const QString name = QString::fromStdString(table.header[c]);
            const std::vector<double>& values = table.columns[c];
            auto neuronOf = [&](const QString& prefix) {
                return name.size() > prefix.size() ? name.mid(prefix.size()) : defaultNeuron;
            };
            if (name == QLatin1String("V") || name.startsWith(QLatin1String("V_")))
                trace.columns.push_back({neuronOf(QStringLiteral("V_")), false, values});
            else if (name == QLatin1String("cac") || name.startsWith(QLatin1String("cac_")))
                trace.columns.push_back({neuronOf(QStringLiteral("cac_")), true, values});
            else if (name == QLatin1String("Ca") || name.startsWith(QLatin1String("Ca_")))
                trace.columns.push_back({neuronOf(QStringLiteral("Ca_")), true, values});
            else if (name == QLatin1String("i_inj"))
                trace.currents.emplace_back(defaultNeuron, values);
            else if (name.startsWith(QLatin1String("i_")))
                trace.currents.emplace_back(name.mid(2), values);
        }
    } else {
        throw InputError(table.source, 1, "header",
                         "expected a time column: \"t\" (ms) or \"timeVector\" (s, ODYNN calcium imaging)");
    }
    if (trace.columns.empty())
        throw InputError(table.source, 1, "header",
                         "no target column: expected V, cac, V_<neuron>, cac_<neuron> or trace");
    for (size_t k = 1; k < trace.time.size(); ++k)
        if (!(trace.time[k] > trace.time[k - 1]))
            throw InputError(table.source, CsvTable::lineOfRow(static_cast<int>(k)), "time",
                             "time must increase from row to row");
    return trace;
}

namespace {
double interpolate(const std::vector<double>& t, const std::vector<double>& v, double at) {
    auto it = std::upper_bound(t.begin(), t.end(), at);
    if (it == t.begin()) return v.front();
    if (it == t.end()) return v.back();
    const size_t k = static_cast<size_t>(it - t.begin());
    const double w = (at - t[k - 1]) / (t[k] - t[k - 1]);
    return v[k - 1] + w * (v[k] - v[k - 1]);
}
}  // namespace

TargetTrace resampled(const TargetTrace& trace, double dt) {
    TargetTrace out;
    out.source = trace.source;
    if (trace.time.empty() || dt <= 0) return out;
    const double t0 = trace.time.front(), t1 = trace.time.back();
    // Row k of a simulation is the state after step k, i.e. at time (k+1)*dt from the start.
    const int steps = static_cast<int>(std::floor((t1 - t0) / dt + 1e-9));
    for (int k = 0; k < steps; ++k) out.time.push_back(t0 + (k + 1) * dt);
    for (const TargetColumn& c : trace.columns) {
        TargetColumn r{c.neuron, c.calcium, {}};
        for (double t : out.time) r.values.push_back(interpolate(trace.time, c.values, t));
        out.columns.push_back(std::move(r));
    }
    for (const auto& [neuron, values] : trace.currents) {
        std::vector<double> r;
        // The current of step k acts during [t0 + k dt, t0 + (k+1) dt): sample at its start.
        for (int k = 0; k < steps; ++k) r.push_back(interpolate(trace.time, values, t0 + k * dt));
        out.currents.emplace_back(neuron, std::move(r));
    }
    return out;
}

FitDataset toDataset(const TargetTrace& trace, const Circuit& circuit, const Stimulus& fallback) {
    const TargetTrace r = resampled(trace, circuit.dt);
    const int steps = r.steps();
    const int n = static_cast<int>(circuit.neurons.size());
    if (steps < 2) throw InputError(trace.source.toStdString(), 0, "time", "the trace is shorter than two time steps");
    FitDataset data;
    data.stimulus = Stimulus(steps, 1, n);
    for (int t = 0; t < steps && t < fallback.steps; ++t)
        for (int k = 0; k < n && k < fallback.neurons; ++k) data.stimulus.at(t, 0, k) = fallback.at(t, 0, k);
    for (const auto& [neuron, values] : r.currents) {
        const int k = circuit.neuronIndex(neuron.toStdString());
        if (k < 0) throw InputError(trace.source.toStdString(), 1, "i_" + neuron.toStdString(), "no such neuron in the circuit");
        for (int t = 0; t < steps; ++t) data.stimulus.at(t, 0, k) = values[static_cast<size_t>(t)];
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const TargetColumn& c : r.columns) {
        const int k = circuit.neuronIndex(c.neuron.toStdString());
        if (k < 0)
            throw InputError(trace.source.toStdString(), 1, c.neuron.toStdString(), "no such neuron in the circuit");
        std::vector<double>& target = c.calcium ? data.targetCa : data.targetV;
        if (target.empty()) target.assign(static_cast<size_t>(steps) * n, nan);
        for (int t = 0; t < steps; ++t) target[static_cast<size_t>(t) * n + k] = c.values[static_cast<size_t>(t)];
    }
    return data;
}

}  // namespace odynn::ui
