#include "project/project_file.hpp"

#include <QFile>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/model_file.hpp"

namespace odynn::ui {

namespace {
constexpr const char* stimuliKey = "stimuli";
constexpr const char* fitKey = "fit";
}  // namespace

nlohmann::json projectToJson(const Project& project) {
    nlohmann::json doc = circuitToJson(project.circuit);
    // Positions travel with each neuron; written here too in case the exchange format drops
    // them, so a project always reopens with its layout.
    if (doc.contains("neurons") && doc["neurons"].is_array()) {
        auto& neurons = doc["neurons"];
        for (size_t i = 0; i < neurons.size() && i < project.circuit.neurons.size(); ++i) {
            const auto& pos = project.circuit.neurons[i].position;
            if (pos) neurons[i]["position"] = {(*pos)[0], (*pos)[1]};
        }
    }
    // Model files of the project that no neuron uses yet are saved too.
    for (const std::string& name : project.models) {
        const ModelSpec* spec = findModel(name);
        if (!spec || spec->source.empty()) continue;
        nlohmann::json& models = doc["models"];
        if (models.is_null()) models = nlohmann::json::array();
        bool present = false;
        for (const auto& m : models) present |= m.value("source", std::string()) == spec->source;
        if (!present) models.push_back({{"source", spec->source}});
    }
    doc[stimuliKey] = project.stimulus.toJson();
    nlohmann::json fixed = nlohmann::json::array();
    QStringList names(project.fixedParameters.begin(), project.fixedParameters.end());
    names.sort();
    for (const QString& name : names) fixed.push_back(name.toStdString());
    doc[fitKey] = {{"fixed", fixed}};
    if (!project.fitBounds.empty()) doc[fitKey]["bounds"] = fitBoundsToJson(project.fitBounds);
    fitSetupToJson(project.fit, doc[fitKey]);
    return doc;
}

Project projectFromJson(const nlohmann::json& input, const std::string& sourceName) {
    if (!input.is_object()) throw InputError(sourceName, 0, "", "expected a JSON object");
    nlohmann::json doc = input;
    Project project;
    bool haveStimuli = false;
    if (doc.contains(stimuliKey)) {
        project.stimulus = StimulusSpec::fromJson(doc[stimuliKey], sourceName);
        haveStimuli = true;
        doc.erase(stimuliKey);
    }
    if (doc.contains(fitKey)) {
        const auto& fit = doc[fitKey];
        if (fit.is_object() && fit.contains("fixed") && fit["fixed"].is_array())
            for (const auto& name : fit["fixed"])
                if (name.is_string()) project.fixedParameters.insert(QString::fromStdString(name.get<std::string>()));
        if (fit.is_object() && fit.contains("bounds")) project.fitBounds = fitBoundsFromJson(fit["bounds"], sourceName);
        project.fit = fitSetupFromJson(fit, sourceName);
        doc.erase(fitKey);
    }
    // Positions are read here so that files from tools that do not know them still load.
    std::vector<std::optional<std::array<double, 2>>> positions;
    if (doc.contains("neurons") && doc["neurons"].is_array()) {
        for (auto& neuron : doc["neurons"]) {
            std::optional<std::array<double, 2>> pos;
            if (neuron.is_object() && neuron.contains("position")) {
                const auto& p = neuron["position"];
                if (p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number())
                    pos = std::array<double, 2>{p[0].get<double>(), p[1].get<double>()};
                neuron.erase("position");
            }
            positions.push_back(pos);
        }
    }
    project.circuit = circuitFromJson(doc, sourceName);  // registers the model files it carries
    if (doc.contains("models") && doc["models"].is_array())
        for (const auto& m : doc["models"])
            if (m.is_object() && m.contains("source") && m["source"].is_string())
                project.models.push_back(registerModelSource(m["source"].get<std::string>(), sourceName).name);
    for (size_t i = 0; i < positions.size() && i < project.circuit.neurons.size(); ++i)
        if (positions[i]) project.circuit.neurons[i].position = positions[i];
    if (!haveStimuli) project.stimulus = StimulusSpec::defaultFor(project.circuit);
    return project;
}

void saveProject(const Project& project, const QString& path) {
    writeFileAtomically(path.toStdString(), projectToJson(project).dump(1) + "\n");
}

Project loadProject(const QString& path) {
    const std::string name = path.toStdString();
    return projectFromJson(readJsonFile(name), name);
}

Project exampleProject() {
    QFile file(QStringLiteral(":/examples/avoidance.json"));
    if (!file.open(QIODevice::ReadOnly))
        throw InputError(":/examples/avoidance.json", 0, "", "bundled example is missing");
    const QByteArray bytes = file.readAll();
    return projectFromJson(nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size()),
                           ":/examples/avoidance.json");
}

}  // namespace odynn::ui
