// This level's KernelLevel table (kernel_level.hpp); compiled once per level.
#include "kernel_math.hpp"

namespace odynn::detail::ODYNN_ISA {

const KernelLevel& table() {
    static const KernelLevel level{
        ODYNN_ISA_NAME,
        {celegans::DerivedCount, deriveCelegans, stepCelegans, celegans::KeptCount, stepKeepingCelegans, reverseCelegans},
        {hhsimple::DerivedCount, deriveHhSimple, stepHhSimple, 0, nullptr, reverseHhSimple},
        {leaky::DerivedCount, deriveLeaky, stepLeaky, 0, nullptr, reverseLeaky},
        synapseSigmoid,
        connectionSums,
        odmRun,
        lossTerms,
    };
    return level;
}

}  // namespace odynn::detail::ODYNN_ISA
