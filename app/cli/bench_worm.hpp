#pragma once
// The `worm` workload of `odynn-cli bench`: the whole Cook 2019 connectome.
#include "bench_workloads.hpp"

namespace odynn::cli {

// threads: 0 uses every core.
WorkloadResult benchWorm(int repeats, int threads);

}  // namespace odynn::cli
