#include "editor/stimulus_spec.hpp"

#include <cmath>

#include "odynn/errors.hpp"

namespace odynn::ui {

QString shapeName(StimulusShape shape) {
    switch (shape) {
    case StimulusShape::Ramp: return QStringLiteral("ramp");
    case StimulusShape::PulseTrain: return QStringLiteral("pulses");
    case StimulusShape::Step: break;
    }
    return QStringLiteral("step");
}

StimulusShape shapeFromName(const QString& name) {
    if (name == QLatin1String("ramp")) return StimulusShape::Ramp;
    if (name == QLatin1String("pulses")) return StimulusShape::PulseTrain;
    return StimulusShape::Step;
}

double CurrentSource::at(double t) const {
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
    }
    return 0.0;
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
