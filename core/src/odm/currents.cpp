// Currents of model files: their helpers named I_*, evaluated after a run from each recorded
// row's states and the parameters (as currents.hpp does for the built-in models).
#include <cmath>

#include "model_ast.hpp"
#include "odynn/model_file.hpp"

namespace odynn {
namespace {

using GiNaC::ex;

// The helpers named I_* that depend only on parameters and states.
std::vector<std::pair<std::string, ex>> currentHelpers(const detail::odm::ModelAst& ast) {
    std::vector<std::pair<std::string, ex>> out;
    for (const auto& [name, value] : ast.helpers)
        if (name.rfind("I_", 0) == 0 && !value.has(ast.iInj) && !value.has(ast.dt)) out.emplace_back(name, value);
    return out;
}

}  // namespace

std::vector<std::string> modelFileCurrentNames(const ModelSpec& spec) {
    std::vector<std::string> names;
    if (spec.source.empty()) return names;
    for (const auto& h : currentHelpers(detail::odm::parseModel(spec.source, spec.name))) names.push_back(h.first);
    return names;
}

std::vector<std::vector<double>> modelFileCurrents(const ModelSpec& spec, const std::vector<double>& params,
                                                   const std::vector<std::vector<double>>& states) {
    if (spec.source.empty()) return {};
    const detail::odm::ModelAst ast = detail::odm::parseModel(spec.source, spec.name);
    GiNaC::exmap byParam;
    for (size_t p = 0; p < ast.paramSymbols.size() && p < params.size(); ++p) byParam[ast.paramSymbols[p]] = params[p];
    const size_t T = states.empty() ? 0 : states[0].size();
    std::vector<std::vector<double>> out;
    for (const auto& [name, value] : currentHelpers(ast)) {
        const ex withParams = value.subs(byParam);
        std::vector<double> current(T);
        for (size_t t = 0; t < T; ++t) {
            GiNaC::exmap byState;
            for (size_t s = 0; s < ast.stateSymbols.size() && s < states.size(); ++s) byState[ast.stateSymbols[s]] = states[s][t];
            const ex v = withParams.subs(byState).evalf();
            current[t] = GiNaC::is_a<GiNaC::numeric>(v) ? GiNaC::ex_to<GiNaC::numeric>(v).to_double() : std::nan("");
        }
        out.push_back(std::move(current));
    }
    return out;
}

}  // namespace odynn
