#pragma once
// The x86-64 instruction-set level of the numerical kernels. A portable build carries the
// kernels for x86-64 (v1), v2, v3 (AVX2) and v4 (AVX-512) and runs the best one this CPU has;
// every level gives the same numbers bit for bit. The environment variable ODYNN_ISA
// (v1, v2, v3 or v4) chooses a lower level, for tests and benchmarks.
#include <string>
#include <vector>

namespace odynn {

// The level in use: "x86-64-v1" ... "x86-64-v4", or "native" in a -march=native build.
std::string kernelLevel();

// The levels this build carries that this CPU runs, lowest first.
std::vector<std::string> supportedKernelLevels();

// Uses level `name` ("v3" or "x86-64-v3") from now on; false, changing nothing, when the build
// lacks it or this CPU cannot run it. Not while a simulation runs.
bool setKernelLevel(const std::string& name);

}  // namespace odynn
