// Runs a model file's bytecode with the evaluator of the instruction-set level in use
// (program.cpp, compiled per level), on per-thread registers.
#include <cstddef>

#include "../kernel_level.hpp"
#include "program.hpp"

namespace odynn::detail::odm {

void run(const Program& p, const double* const* arrays, int E, int k0, int n, int blockBegin,
         const std::vector<double>& consts) {
    thread_local std::vector<double> registers;
    if (registers.size() < std::size_t(p.registers) * chunk) registers.resize(std::size_t(p.registers) * chunk);
    kernels().odmRun(p.code.data(), int(p.code.size()), registers.data(), arrays, E, k0, n, blockBegin,
                     consts.data());
}

}  // namespace odynn::detail::odm
