#pragma once
// The stimuli a user builds in the editor: per-neuron step, ramp, pulse-train, Gaussian-bump
// and recorded-waveform currents,
// grouped into batch entries that are simulated side by side. Stored in the project file
// under "stimuli" and turned into an odynn::Stimulus [time][batch][neuron] for the core.
#include <QString>
#include <QVector>

#include <nlohmann/json.hpp>

#include "odynn/circuit.hpp"
#include "odynn/simulator.hpp"

namespace odynn::ui {

enum class StimulusShape { Step, Ramp, PulseTrain, Gaussian, Waveform };
QString shapeName(StimulusShape shape);
StimulusShape shapeFromName(const QString& name);  // Step when unknown

// One current source into one neuron. Times in ms, amplitudes in the models' current units.
struct CurrentSource {
    QString neuron;
    StimulusShape shape = StimulusShape::Step;
    double start = 100.0, stop = 900.0;  // active in [start, stop)
    double amplitude = 10.0;             // step and pulse height; ramp value at `start`
    double endAmplitude = 20.0;          // ramp value at `stop`
    double period = 100.0, width = 30.0; // pulse train: a pulse of `width` every `period`;
                                         // Gaussian: amplitude exp(-(t - c)^2 / (2 width^2)), c = (start + stop) / 2
    // Waveform: samples (ms from `start`, current) linearly interpolated, 0 outside them.
    QVector<double> waveTime, waveCurrent;

    double at(double t) const;  // current at time t (ms)
    // A waveform source from a CSV with a time column t (ms) and a current column (i_inj, the
    // first i_<label>, or the second column), starting at `start`. Throws InputError.
    static CurrentSource waveformFromCsv(const QString& path, const QString& neuron, double start = 0.0);
    bool operator==(const CurrentSource&) const = default;
};

struct BatchEntry {
    QString name;
    QVector<CurrentSource> sources;
    bool operator==(const BatchEntry&) const = default;
};

struct StimulusSpec {
    double duration = 1000.0;  // ms
    QVector<BatchEntry> entries;

    int steps(double dt) const;  // number of time steps of length dt (ms) in `duration`
    // Neurons are matched by label; sources into unknown neurons are ignored.
    Stimulus build(const Circuit& circuit) const;
    nlohmann::json toJson() const;
    // Throws InputError naming the bad field.
    static StimulusSpec fromJson(const nlohmann::json& doc, const std::string& sourceName = {});
    // A step into each sensory neuron (or the first neuron), at two amplitudes.
    static StimulusSpec defaultFor(const Circuit& circuit);
    bool operator==(const StimulusSpec&) const = default;
};

}  // namespace odynn::ui
