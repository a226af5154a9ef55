#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "data_args.hpp"
#include "odynn/model.hpp"

namespace odynn::cli {
namespace {

void printModel(const ModelSpec& m) {
    std::printf("%s — %s\n  state: ", m.name.c_str(), m.description.c_str());
    const bool fromFile = !m.source.empty();  // a model file says which states are V and Ca
    for (size_t i = 0; i < m.stateNames.size(); ++i)
        std::printf("%s%s=%g%s", i ? ", " : "", m.stateNames[i].c_str(), m.initialState[i],
                    fromFile && int(i) == m.voltageIndex   ? " (voltage)"
                    : fromFile && int(i) == m.calciumIndex ? " (calcium)"
                                                           : "");
    if (m.networkWeights) std::printf("\n  parameters: the weights of the neuron's network (see --units, --layers)");
    if (m.params.empty()) {
        std::printf("\n\n");
        return;
    }
    std::printf("\n  %-10s %12s %24s %24s  %-7s %s\n", "parameter", "default", "random range", "bounds", "unit",
                "description");
    for (const auto& p : m.params) {
        char rr[64], bb[64];
        std::snprintf(rr, sizeof rr, "[%g, %g]", p.randomLow, p.randomHigh);
        std::snprintf(bb, sizeof bb, "[%g, %g]", p.lowerBound, p.upperBound);
        std::printf("  %-10s %12g %24s %24s  %-7s %s\n", p.name.c_str(), p.defaultValue, rr, bb, p.unit.c_str(),
                    p.description.c_str());
    }
    std::printf("\n");
}

}  // namespace

Command addModelsCommand(CLI::App& app) {
    auto* sub = app.add_subcommand("models", "List the neuron models with their parameters, defaults, bounds and units, "
                                             "or the table of one model or model file (models FILE.odm)");
    auto model = std::make_shared<std::string>();
    sub->add_option("model", *model, "A model name or a model file (FILE.odm)");
    return {sub, [model] {
        if (!model->empty()) {
            printModel(modelArgument(*model));
            return 0;
        }
        for (const auto& m : builtinModels()) printModel(m);
        return 0;
    }};
}

}  // namespace odynn::cli
