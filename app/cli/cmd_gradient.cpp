#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "data_args.hpp"
#include "odynn/circuit_io.hpp"

namespace odynn::cli {

Command addGradientCommand(CLI::App& app) {
    auto* sub = app.add_subcommand("gradient", "Loss and its exact gradient for one parameter set");
    auto a = std::make_shared<CircuitArgs>();
    auto out = std::make_shared<std::string>();
    a->addTo(sub, true);
    sub->add_option("--out", *out, "Output JSON {\"loss\": x, \"gradient\": {name: g}}")->required();
    return {sub, [a, out] {
        const Circuit c = a->load();
        const FitDataset d = a->dataset(c, a->data);
        const ParameterLayout layout(c);
        const LossGradient lg = lossAndGradient(c, layout.values(c), 1, d, a->lossWeights(&c));
        nlohmann::json doc;
        doc["loss"] = lg.loss[0];
        doc["gradient"] = nlohmann::json::object();
        for (int p = 0; p < layout.size(); ++p) doc["gradient"][layout.entries()[p].name] = lg.gradient[p];
        writeFileAtomically(*out, doc.dump(1) + "\n");
        return 0;
    }};
}

}  // namespace odynn::cli
