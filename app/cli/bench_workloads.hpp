#pragma once
// Named speed workloads of `odynn-cli bench`; each returns the median of several timed runs.
#include <string>
#include <vector>

namespace odynn::cli {

struct WorkloadResult {
    std::string name;
    double neuronSteps = 0;  // neurons x steps (x sets x batch) of one run
    double seconds = 0;      // median wall time of one run
    std::string note;
};

std::vector<std::string> workloadNames();
// threads: 0 uses every core (the single-neuron workload always runs on one thread).
WorkloadResult runWorkload(const std::string& name, int repeats, int threads = 0);

// Threads a circuit workload runs on: `threads`, or with 0 every core. Left to itself a simulation
// splits a circuit across threads only when each step holds much more work than these circuits
// (engine.hpp, Engine::threadsFor), which a benchmark of every core must not do.
int circuitThreads(int threads);

}  // namespace odynn::cli
