#include "bench_worm.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "connectome_data.hpp"
#include "odynn/connectome.hpp"
#include "odynn/simulator.hpp"

namespace odynn::cli {

// 302 celegans neurons wired as in Cook et al. 2019 (3,671 chemical synapses, 1,093 gap
// junctions, see odynn/connectome.hpp for the rules), 1 s of biological time at dt 0.1 ms,
// 10 uA/cm2 into every sensory neuron from 200 to 600 ms, final state only.
WorkloadResult benchWorm(int repeats, int threads) {
    const Connectome con = loadConnectome(bundledConnectomeDir(), ConnectomeSource::Cook2019);
    const Circuit c = connectomeCircuit(con, allConnectomeNeurons(con), 0.1);
    const int steps = 10000, n = int(c.neurons.size());
    Stimulus s(steps, 1, n);
    for (int k = 0; k < n; ++k)
        if (c.neurons[size_t(k)].role == Role::Sensory)
            for (int t = 2000; t < 6000; ++t) s.at(t, 0, k) = 10.0;
    SimulationOptions opt;
    opt.record = Record::None;
    opt.threads = circuitThreads(threads);
    SimulationResult last;
    auto run = [&] { last = simulate(c, s, opt); };
    run();  // warm-up
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        const auto a = std::chrono::steady_clock::now();
        run();
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
    }
    std::sort(times.begin(), times.end());
    if (std::any_of(last.finalState.begin(), last.finalState.end(), [](double v) { return std::isinf(v); }))
        throw std::runtime_error("worm workload: the simulation diverged");
    return {"worm", double(n) * steps, times[times.size() / 2],
            "whole Cook 2019 connectome: 302 celegans neurons, 3,671 chemical synapses, 1,093 gap junctions, "
            "10,000 steps at dt 0.1 (1 s of biological time), final state only, " + std::to_string(opt.threads) +
                " thread(s)"};
}

}  // namespace odynn::cli
