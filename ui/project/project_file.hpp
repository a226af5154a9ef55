#pragma once
// The project file: the odynn-circuit JSON document (neuron "position" included) with the
// app's own top-level keys beside it: "stimuli" (the stimulus editor) and "fit" (parameters
// kept fixed, the inspector's fit bounds and the fit setup: targets, observed neurons, method,
// population, epochs, weights). Other tools read the circuit part and ignore the rest. The project's model
// files travel in the circuit's "models" (their sources), used by a neuron or not.
#include <QSet>
#include <QString>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odynn/circuit.hpp"
#include "editor/stimulus_spec.hpp"
#include "fit/fit_bounds.hpp"
#include "fit/fit_setup.hpp"

namespace odynn::ui {

struct Project {
    Circuit circuit;
    StimulusSpec stimulus;
    QSet<QString> fixedParameters;  // ParameterLayout names, e.g. "AVA/C_m"
    std::vector<ParameterBound> fitBounds;  // the inspector's, by ParameterLayout name
    std::vector<std::string> models;  // names of the project's model files (registered)
    FitSetup fit;
};

nlohmann::json projectToJson(const Project& project);
// Throws InputError naming `sourceName` and the bad field.
Project projectFromJson(const nlohmann::json& doc, const std::string& sourceName = {});

// Atomic: a crash while saving never leaves a half-written file.
void saveProject(const Project& project, const QString& path);
Project loadProject(const QString& path);  // throws InputError

// The example bundled with the app (resource :/examples/avoidance.json).
Project exampleProject();

}  // namespace odynn::ui
