#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "bench_workloads.hpp"
#include "commands.hpp"
#include "validators.hpp"

namespace odynn::cli {

Command addBenchCommand(CLI::App& app) {
    auto* sub = app.add_subcommand("bench", "Measure simulation speed (neuron-steps per second) on named workloads");
    struct Args {
        bool json = false;
        int repeats = 5;
        int threads = 0;
        std::vector<std::string> only;
    };
    auto a = std::make_shared<Args>();
    sub->add_flag("--json", a->json, "Print {\"workloads\":[{name, neuron_steps_per_s, seconds}]}");
    sub->add_option("--repeats", a->repeats, "Timed runs per workload (median reported)")->check(positive);
    sub->add_option("--workload", a->only, "Run only these workloads (repeatable)");
    sub->add_option("--threads", a->threads, "Threads (default: every core)")->check(nonNegative);
    return {sub, [a] {
        nlohmann::json out;
        out["workloads"] = nlohmann::json::array();
        const auto names = a->only.empty() ? workloadNames() : a->only;
        for (const auto& name : names) {
            const WorkloadResult r = runWorkload(name, a->repeats, a->threads);
            const double rate = r.neuronSteps / r.seconds;
            out["workloads"].push_back({{"name", r.name}, {"neuron_steps_per_s", rate}, {"seconds", r.seconds},
                                        {"description", r.note}});
            if (!a->json) {
                std::printf("%-12s %12.4g neuron-steps/s  %10.5f s   %s\n", r.name.c_str(), rate, r.seconds,
                            r.note.c_str());
                std::fflush(stdout);
            }
        }
        if (a->json) std::printf("%s\n", out.dump(1).c_str());
        return 0;
    }};
}

}  // namespace odynn::cli
