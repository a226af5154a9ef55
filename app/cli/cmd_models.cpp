#include <cstdio>

#include "commands.hpp"
#include "odynn/model.hpp"

namespace odynn::cli {

Command addModelsCommand(CLI::App& app) {
    auto* sub = app.add_subcommand("models", "List the neuron models with their parameters, defaults, bounds and units");
    return {sub, [] {
        for (const auto& m : builtinModels()) {
            std::printf("%s — %s\n  state: ", m.name.c_str(), m.description.c_str());
            for (size_t i = 0; i < m.stateNames.size(); ++i)
                std::printf("%s%s=%g", i ? ", " : "", m.stateNames[i].c_str(), m.initialState[i]);
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
        return 0;
    }};
}

}  // namespace odynn::cli
