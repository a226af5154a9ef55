// `uncertainty`: which parameters the recordings determine. Linearised standard errors of the
// free parameters at one set (the circuit's values, or --params) for a stated measurement
// noise; a parameter whose relative error exceeds --tolerance is reported as not determined.
#include <cmath>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "data_args.hpp"
#include "odynn/circuit_fixed.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/uncertainty.hpp"
#include "validators.hpp"

namespace odynn::cli {

namespace {
struct UncertaintyArgs {
    CircuitArgs circuit;
    std::string fix, out;
    double noiseV = 0.1, noiseCa = 0.01, tolerance = 0.01;
};
}  // namespace

Command addUncertaintyCommand(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "uncertainty", "Standard errors of the parameters at one set: which ones the recordings determine");
    auto a = std::make_shared<UncertaintyArgs>();
    a->circuit.addTo(sub, true);
    sub->add_option("--fix", a->fix, "Parameters kept constant, comma-separated (as for fit)");
    sub->add_option("--noise-v", a->noiseV, "Noise of each voltage sample, mV (default 0.1)")->check(positive);
    sub->add_option("--noise-ca", a->noiseCa, "Noise of each calcium sample, in the data's unit (default 0.01)")
        ->check(positive);
    sub->add_option("--tolerance", a->tolerance, "Relative error below which a parameter counts as determined (default 0.01)")
        ->check(positive);
    sub->add_option("--out", a->out, "Also write JSON {name: {value, standard_error, relative, determined}}");
    return {sub, [a] {
        const Circuit c = a->circuit.load();
        FitOptions o;
        o.population = 1;
        o.weights = a->circuit.lossWeights(&c);
        o.fixed = splitNames(a->fix);
        if (!a->circuit.circuit.empty())
            for (auto& name : fixedParameterNames(readJsonFile(a->circuit.circuit), c, a->circuit.circuit))
                o.fixed.push_back(std::move(name));
        if (const std::string why = o.problem(c); !why.empty()) throw InputError({}, 0, "uncertainty", why);
        const CircuitObjective objective(c, a->circuit.dataset(c, a->circuit.data), std::nullopt, o);
        const ParameterLayout layout(c);
        const auto result = parameterUncertainty(objective, layout.values(c), {a->noiseV, a->noiseCa});
        nlohmann::json doc = nlohmann::json::object();
        int determined = 0;
        std::printf("%-24s %14s %14s %10s  %s\n", "parameter", "value", "std error", "relative", "determined");
        for (const auto& u : result) {
            const double rel = u.standardError / std::abs(u.value);
            const bool ok = rel <= a->tolerance;
            determined += ok;
            std::printf("%-24s %14.6g %14.4g %10.3g  %s\n", u.name.c_str(), u.value, u.standardError, rel,
                        ok ? "yes" : "no");
            doc[u.name] = {{"value", u.value},
                           {"standard_error", std::isfinite(u.standardError) ? nlohmann::json(u.standardError) : nlohmann::json()},
                           {"relative", std::isfinite(rel) ? nlohmann::json(rel) : nlohmann::json()},
                           {"determined", ok}};
        }
        std::printf("%d of %zu free parameters determined within %g (noise %g mV, %g Ca)\n", determined,
                    result.size(), a->tolerance, a->noiseV, a->noiseCa);
        if (!a->out.empty()) writeFileAtomically(a->out, doc.dump(1) + "\n");
        return 0;
    }};
}

}  // namespace odynn::cli
