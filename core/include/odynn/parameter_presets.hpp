#pragma once
// Named parameter sets of a model: "default" (the model's table defaults) and, for celegans,
// "default2" (ODYNN's DEFAULT_2, SPEC 1.1: q tau 100; n tau 1050, scale 20, mdp 2; f tau 301,
// scale -20.03, mdp 5.2; e tau 20, scale 15, mdp -6; h mdp 302; g_Ks 6).
#include <optional>
#include <string>
#include <vector>

namespace odynn {

std::vector<std::string> parameterPresetNames(const std::string& model);
// The parameter vector (the model's parameter order); nullopt for an unknown model or name.
std::optional<std::vector<double>> parameterPreset(const std::string& model, const std::string& name);

}  // namespace odynn
