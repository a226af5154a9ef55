#pragma once
// What the engine needs of the kernels: aligned buffers and per-thread temporaries. The
// kernels themselves are compiled per instruction-set level (kernel_level.hpp, kernel_math.hpp).
#include <Eigen/Core>
#include <vector>

#include "kernel_level.hpp"

namespace odynn::detail {

// Buffers the kernels read and write are aligned to Eigen's packet size.
using AlignedVector = std::vector<double, Eigen::aligned_allocator<double>>;

using Arr = Eigen::ArrayXd;
using Map = Eigen::Map<Arr>;
using CMap = Eigen::Map<const Arr>;

// Per-thread temporaries, sized to the largest block.
struct Scratch {
    explicit Scratch(int n = 0) { resize(n); }
    void resize(int n) {
        for (Arr* a : {&a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8}) a->resize(n);
        input.resize(n);
    }
    Arr a0, a1, a2, a3, a4, a5, a6, a7, a8;
    Arr input;
};

}  // namespace odynn::detail
