#include "import/column_mapping.hpp"

#include "odynn/errors.hpp"

namespace odynn::ui {

QString roleLabel(ColumnRole role) {
    switch (role) {
    case ColumnRole::Ignore: return QStringLiteral("ignore");
    case ColumnRole::TimeMs: return QStringLiteral("time (ms)");
    case ColumnRole::TimeS: return QStringLiteral("time (s)");
    case ColumnRole::Voltage: return QStringLiteral("V (mV)");
    case ColumnRole::Calcium: return QStringLiteral("Ca");
    case ColumnRole::Current: return QStringLiteral("injected current");
    }
    return {};
}

bool headerIsKnown(const CsvTable& table) {
    if (table.columnIndex("timeVector") >= 0 && table.columnIndex("trace") >= 0) return true;
    if (table.columnIndex("t") < 0) return false;
    for (const std::string& h : table.header) {
        const QString name = QString::fromStdString(h);
        for (const char* prefix : {"V", "cac", "Ca"})
            if (name == QLatin1String(prefix) || name.startsWith(QLatin1String(prefix) + QLatin1Char('_'))) return true;
    }
    return false;
}

std::vector<ColumnMapping> guessMapping(const CsvTable& table, const QString& defaultNeuron) {
    std::vector<ColumnMapping> out;
    bool timeFound = false;
    for (size_t c = 0; c < table.header.size(); ++c) {
        const QString name = QString::fromStdString(table.header[c]).trimmed().toLower();
        ColumnMapping m;
        m.neuron = defaultNeuron;
        auto has = [&](std::initializer_list<const char*> words) {
            for (const char* w : words)
                if (name.contains(QLatin1String(w))) return true;
            return false;
        };
        if (!timeFound && (name == QLatin1String("t") || has({"time", "sec", "ms"}))) {
            const std::vector<double>& v = table.columns[c];
            m.role = !v.empty() && v.back() < 100.0 ? ColumnRole::TimeS : ColumnRole::TimeMs;
            timeFound = true;
        } else if (has({"calcium", "fluo", "trace", "ca", "gcamp", "df"})) {
            m.role = ColumnRole::Calcium;
        } else if (name == QLatin1String("v") || has({"volt", "mem", "vm"})) {
            m.role = ColumnRole::Voltage;
        } else if (name == QLatin1String("i") || has({"current", "stim", "inj"})) {
            m.role = ColumnRole::Current;
        }
        out.push_back(m);
    }
    return out;
}

TargetTrace traceFromMapping(const CsvTable& table, const std::vector<ColumnMapping>& mapping) {
    TargetTrace trace;
    trace.source = QString::fromStdString(table.source);
    int timeColumn = -1;
    for (size_t c = 0; c < mapping.size() && c < table.columns.size(); ++c) {
        const ColumnMapping& m = mapping[c];
        const std::string column = table.header[c];
        std::vector<double> values = table.columns[c];
        for (double& v : values) v *= m.scale;
        switch (m.role) {
        case ColumnRole::Ignore: break;
        case ColumnRole::TimeMs:
        case ColumnRole::TimeS:
            if (timeColumn >= 0)
                throw InputError(table.source, 1, column,
                                 "two time columns (" + table.header[static_cast<size_t>(timeColumn)] + " and " + column + ")");
            timeColumn = static_cast<int>(c);
            trace.time = table.columns[c];  // time is converted, never scaled by the user factor
            if (m.role == ColumnRole::TimeS)
                for (double& t : trace.time) t *= 1000.0;
            break;
        case ColumnRole::Voltage:
        case ColumnRole::Calcium:
        case ColumnRole::Current:
            if (m.neuron.isEmpty()) throw InputError(table.source, 1, column, "choose the neuron this column belongs to");
            if (m.role == ColumnRole::Current)
                trace.currents.emplace_back(m.neuron, std::move(values));
            else
                trace.columns.push_back({m.neuron, m.role == ColumnRole::Calcium, std::move(values)});
            break;
        }
    }
    if (timeColumn < 0) throw InputError(table.source, 1, "header", "no time column: mark one column as time (ms or s)");
    if (trace.columns.empty())
        throw InputError(table.source, 1, "header", "no target column: mark at least one column as V or Ca of a neuron");
    if (trace.time.size() < 2) throw InputError(table.source, 0, "", "needs at least two rows of data");
    for (size_t k = 1; k < trace.time.size(); ++k)
        if (!(trace.time[k] > trace.time[k - 1]))
            throw InputError(table.source, CsvTable::lineOfRow(static_cast<int>(k)),
                             table.header[static_cast<size_t>(timeColumn)], "time must increase from row to row");
    return trace;
}

}  // namespace odynn::ui
