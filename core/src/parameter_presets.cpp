#include "odynn/parameter_presets.hpp"

#include <utility>

#include "odynn/model.hpp"

namespace odynn {

namespace {

// ODYNN's DEFAULT_2: the celegans defaults with these changes.
const std::vector<std::pair<const char*, double>>& default2Changes() {
    static const std::vector<std::pair<const char*, double>> changes = {
        {"q__tau", 100.0}, {"n__tau", 1050.0}, {"n__scale", 20.0},   {"n__mdp", 2.0},  {"f__tau", 301.0},
        {"f__scale", -20.03}, {"f__mdp", 5.2}, {"e__tau", 20.0},     {"e__scale", 15.0}, {"e__mdp", -6.0},
        {"h__mdp", 302.0},  {"g_Ks", 6.0}};
    return changes;
}

}  // namespace

std::vector<std::string> parameterPresetNames(const std::string& model) {
    if (!findModel(model) || model == "lstm") return {};
    if (model == "celegans") return {"default", "default2"};
    return {"default"};
}

std::optional<std::vector<double>> parameterPreset(const std::string& model, const std::string& name) {
    const ModelSpec* spec = findModel(model);
    if (!spec || model == "lstm") return std::nullopt;
    std::vector<double> p = spec->defaults();
    if (name == "default") return p;
    if (name != "default2" || model != "celegans") return std::nullopt;
    for (const auto& [param, value] : default2Changes()) {
        const int i = spec->paramIndex(param);
        if (i < 0) return std::nullopt;
        p[size_t(i)] = value;
    }
    return p;
}

}  // namespace odynn
