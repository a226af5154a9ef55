#include "editor/stimulus_spec.hpp"

#include <algorithm>
#include <cmath>

#include "odynn/csv.hpp"
#include "odynn/errors.hpp"

namespace odynn::ui {

QString shapeName(StimulusShape shape) {
    switch (shape) {
    case StimulusShape::Ramp: return QStringLiteral("ramp");
    case StimulusShape::PulseTrain: return QStringLiteral("pulses");
    case StimulusShape::Gaussian: return QStringLiteral("gaussian");
    case StimulusShape::Waveform: return QStringLiteral("waveform");
    case StimulusShape::Step: break;
    }
    return QStringLiteral("step");
}

StimulusShape shapeFromName(const QString& name) {
    if (name == QLatin1String("ramp")) return StimulusShape::Ramp;
    if (name == QLatin1String("pulses")) return StimulusShape::PulseTrain;
    if (name == QLatin1String("gaussian")) return StimulusShape::Gaussian;
    if (name == QLatin1String("waveform")) return StimulusShape::Waveform;
    return StimulusShape::Step;
}

double CurrentSource::at(double t) const {
    if (shape == StimulusShape::Gaussian) {
        // The bump's tails reach beyond [start, stop): it is not cut there.
        const double c = 0.5 * (start + stop), d = t - c;
        return width > 0 ? amplitude * std::exp(-d * d / (2 * width * width)) : 0.0;
    }
    if (shape == StimulusShape::Waveform) {
        const double x = t - start;
        if (waveTime.isEmpty() || x < waveTime.front() || x > waveTime.back()) return 0.0;
        const auto hi = std::lower_bound(waveTime.begin(), waveTime.end(), x);
        const auto k = static_cast<int>(hi - waveTime.begin());
        if (waveTime[k] == x || k == 0) return waveCurrent[k];
        const double w = (x - waveTime[k - 1]) / (waveTime[k] - waveTime[k - 1]);
        return waveCurrent[k - 1] + w * (waveCurrent[k] - waveCurrent[k - 1]);
    }
    if (t < start || t >= stop) return 0.0;
    switch (shape) {
    case StimulusShape::Step: return amplitude;
    case StimulusShape::Ramp: {
        const double span = stop - start;
        return span > 0 ? amplitude + (endAmplitude - amplitude) * (t - start) / span : amplitude;
    }
    case StimulusShape::PulseTrain: {
        if (period <= 0) return amplitude;
        const double phase = std::fmod(t - start, period);
        return phase < width ? amplitude : 0.0;
    }
    case StimulusShape::Gaussian:
    case StimulusShape::Waveform: break;
    }
    return 0.0;
}

CurrentSource CurrentSource::waveformFromCsv(const QString& path, const QString& neuron, double start) {
    const CsvTable table = readCsv(path.toStdString());
    const int t = table.columnIndex("t");
    if (t < 0) throw InputError(table.source, 1, "t", "a waveform needs a time column t (ms)");
    int i = table.columnIndex("i_inj");
    for (size_t c = 0; i < 0 && c < table.header.size(); ++c)
        if (table.header[c].rfind("i_", 0) == 0) i = static_cast<int>(c);
    if (i < 0) i = t == 0 ? 1 : 0;
    if (i >= static_cast<int>(table.header.size()))
        throw InputError(table.source, 1, "i_inj", "a waveform needs a current column (i_inj)");
    if (table.rows() < 2) throw InputError(table.source, 2, "t", "a waveform needs at least 2 rows");
    CurrentSource src;
    src.neuron = neuron;
    src.shape = StimulusShape::Waveform;
    src.start = start;
    const auto& tc = table.columns[static_cast<size_t>(t)];
    const auto& ic = table.columns[static_cast<size_t>(i)];
    for (int r = 0; r < table.rows(); ++r) {
        if (r > 0 && !(tc[r] > tc[r - 1]))
            throw InputError(table.source, CsvTable::lineOfRow(r), "t", "time must increase strictly");
        src.waveTime.append(tc[r] - tc[0]);
        src.waveCurrent.append(ic[r]);
    }
    src.stop = start + src.waveTime.back();
    src.amplitude = *std::max_element(src.waveCurrent.begin(), src.waveCurrent.end());
    return src;
}

int StimulusSpec::steps(double dt) const {
    if (dt <= 0 || duration <= 0) return 0;
    // Round so that 1000 ms at dt 0.1 gives exactly 10000 steps despite binary fractions.
    return static_cast<int>(std::floor(duration / dt + 1e-9));
}

Stimulus StimulusSpec::build(const Circuit& circuit) const {
    const int n = static_cast<int>(circuit.neurons.size());
    const int batch = std::max<int>(1, static_cast<int>(entries.size()));
    Stimulus s(steps(circuit.dt), batch, std::max(n, 1));
    for (int b = 0; b < static_cast<int>(entries.size()); ++b) {
        for (const CurrentSource& src : entries[b].sources) {
            const int neuron = circuit.neuronIndex(src.neuron.toStdString());
            if (neuron < 0) continue;
            for (int t = 0; t < s.steps; ++t) s.at(t, b, neuron) += src.at(t * circuit.dt);
        }
    }
    return s;
}

nlohmann::json StimulusSpec::toJson() const {
    nlohmann::json doc;
    doc["duration"] = duration;
    nlohmann::json list = nlohmann::json::array();
    for (const BatchEntry& e : entries) {
        nlohmann::json sources = nlohmann::json::array();
        for (const CurrentSource& s : e.sources) {
            nlohmann::json j{{"neuron", s.neuron.toStdString()},
                             {"shape", shapeName(s.shape).toStdString()},
                             {"start", s.start},
                             {"stop", s.stop},
                             {"amplitude", s.amplitude}};
            if (s.shape == StimulusShape::Ramp) j["endAmplitude"] = s.endAmplitude;
            if (s.shape == StimulusShape::PulseTrain) {
                j["period"] = s.period;
                j["width"] = s.width;
            }
            if (s.shape == StimulusShape::Gaussian) j["width"] = s.width;
            if (s.shape == StimulusShape::Waveform) {
                j["waveTime"] = std::vector<double>(s.waveTime.begin(), s.waveTime.end());
                j["waveCurrent"] = std::vector<double>(s.waveCurrent.begin(), s.waveCurrent.end());
            }
            sources.push_back(j);
        }
        list.push_back({{"name", e.name.toStdString()}, {"sources", sources}});
    }
    doc["entries"] = list;
    return doc;
}

namespace {
double number(const nlohmann::json& obj, const char* key, double fallback, const std::string& source,
              const std::string& where) {
    if (!obj.contains(key)) return fallback;
    const auto& v = obj.at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()))
        throw InputError(source, 0, where + key, "expected a finite number");
    return v.get<double>();
}
}  // namespace

StimulusSpec StimulusSpec::fromJson(const nlohmann::json& doc, const std::string& sourceName) {
    if (!doc.is_object()) throw InputError(sourceName, 0, "stimuli", "expected an object");
    StimulusSpec spec;
    spec.duration = number(doc, "duration", spec.duration, sourceName, "stimuli.");
    if (spec.duration <= 0) throw InputError(sourceName, 0, "stimuli.duration", "must be positive");
    if (doc.contains("entries")) {
        const auto& list = doc.at("entries");
        if (!list.is_array()) throw InputError(sourceName, 0, "stimuli.entries", "expected an array");
        for (size_t i = 0; i < list.size(); ++i) {
            const auto& e = list[i];
            const std::string where = "stimuli.entries[" + std::to_string(i) + "].";
            BatchEntry entry;
            entry.name = QString::fromStdString(e.value("name", std::string("entry ") + std::to_string(i + 1)));
            for (const auto& s : e.value("sources", nlohmann::json::array())) {
                CurrentSource src;
                src.neuron = QString::fromStdString(s.value("neuron", std::string()));
                src.shape = shapeFromName(QString::fromStdString(s.value("shape", std::string("step"))));
                src.start = number(s, "start", src.start, sourceName, where);
                src.stop = number(s, "stop", src.stop, sourceName, where);
                src.amplitude = number(s, "amplitude", src.amplitude, sourceName, where);
                src.endAmplitude = number(s, "endAmplitude", src.endAmplitude, sourceName, where);
                src.period = number(s, "period", src.period, sourceName, where);
                src.width = number(s, "width", src.width, sourceName, where);
                if (src.shape == StimulusShape::Waveform) {
                    const auto samples = [&](const char* key) {
                        QVector<double> out;
                        if (!s.contains(key) || !s.at(key).is_array())
                            throw InputError(sourceName, 0, where + key, "expected an array of numbers");
                        for (const auto& v : s.at(key)) {
                            if (!v.is_number() || !std::isfinite(v.get<double>()))
                                throw InputError(sourceName, 0, where + key, "expected finite numbers");
                            out.append(v.get<double>());
                        }
                        return out;
                    };
                    src.waveTime = samples("waveTime");
                    src.waveCurrent = samples("waveCurrent");
                    if (src.waveTime.size() != src.waveCurrent.size() || src.waveTime.size() < 2)
                        throw InputError(sourceName, 0, where + "waveCurrent", "needs as many values as waveTime (>= 2)");
                    for (int k = 1; k < src.waveTime.size(); ++k)
                        if (!(src.waveTime[k] > src.waveTime[k - 1]))
                            throw InputError(sourceName, 0, where + "waveTime", "must increase strictly");
                }
                entry.sources.append(src);
            }
            spec.entries.append(entry);
        }
    }
    return spec;
}

StimulusSpec StimulusSpec::defaultFor(const Circuit& circuit) {
    QStringList targets;
    for (const Neuron& n : circuit.neurons)
        if (n.role == Role::Sensory) targets << QString::fromStdString(n.label);
    if (targets.isEmpty() && !circuit.neurons.empty()) targets << QString::fromStdString(circuit.neurons[0].label);
    StimulusSpec spec;
    const double amplitudes[] = {10.0, 20.0};
    for (double amp : amplitudes) {
        BatchEntry entry;
        entry.name = QStringLiteral("step %1").arg(amp);
        for (const QString& label : targets) {
            CurrentSource src;
            src.neuron = label;
            src.amplitude = amp;
            src.start = 100.0;
            src.stop = 700.0;
            entry.sources.append(src);
        }
        spec.entries.append(entry);
    }
    return spec;
}

}  // namespace odynn::ui
