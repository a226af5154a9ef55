// Chooses the instruction-set level of the kernels (kernel_level.hpp) once per process: the
// highest level whose instructions this CPU and its operating system support (x86-64 psABI
// levels, read from CPUID and XCR0), or the level ODYNN_ISA names.
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "kernel_level.hpp"
#include "odynn/kernel_level.hpp"

#if defined(ODYNN_KERNEL_LEVELS) && (defined(__x86_64__) || defined(__i386__))
#include <cpuid.h>
#endif

namespace odynn::detail {
namespace {

struct Level {
    std::string_view name;
    const KernelLevel& (*table)();
    bool supported;
};

#ifdef ODYNN_KERNEL_LEVELS
struct Cpu {
    bool v2 = false, v3 = false, v4 = false;
};

bool bit(unsigned reg, int i) { return (reg >> i) & 1u; }

Cpu detect() {
    Cpu c;
    unsigned a, b, cx, d;
    if (!__get_cpuid(1, &a, &b, &cx, &d)) return c;
    const unsigned ecx1 = cx;
    unsigned ecx81 = 0;
    if (__get_cpuid(0x80000001, &a, &b, &cx, &d)) ecx81 = cx;
    unsigned ebx7 = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &cx, &d)) ebx7 = b;
    // Register state the operating system saves on a context switch (XCR0): SSE and AVX for
    // v3; the AVX-512 mask and upper registers too for v4.
    unsigned long long xcr0 = 0;
    if (bit(ecx1, 27)) {  // OSXSAVE
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = (static_cast<unsigned long long>(hi) << 32) | lo;
    }
    // SSE3, SSSE3, CMPXCHG16B, SSE4.1, SSE4.2, POPCNT; LAHF/SAHF in 64-bit mode.
    c.v2 = bit(ecx1, 0) && bit(ecx1, 9) && bit(ecx1, 13) && bit(ecx1, 19) && bit(ecx1, 20) && bit(ecx1, 23) &&
           bit(ecx81, 0);
    // AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, XSAVE enabled for SSE and AVX state.
    c.v3 = c.v2 && bit(ecx1, 12) && bit(ecx1, 22) && bit(ecx1, 28) && bit(ecx1, 29) && bit(ebx7, 3) &&
           bit(ebx7, 5) && bit(ebx7, 8) && bit(ecx81, 5) && (xcr0 & 0x6) == 0x6;
    // AVX512F, AVX512DQ, AVX512CD, AVX512BW, AVX512VL, with the AVX-512 state enabled.
    c.v4 = c.v3 && bit(ebx7, 16) && bit(ebx7, 17) && bit(ebx7, 28) && bit(ebx7, 30) && bit(ebx7, 31) &&
           (xcr0 & 0xe6) == 0xe6;
    return c;
}

const std::vector<Level>& levels() {
    static const std::vector<Level> all = [] {
        const Cpu c = detect();
        return std::vector<Level>{{"x86-64-v1", isa_v1::table, true},
                                  {"x86-64-v2", isa_v2::table, c.v2},
                                  {"x86-64-v3", isa_v3::table, c.v3},
                                  {"x86-64-v4", isa_v4::table, c.v4}};
    }();
    return all;
}
#else
// A -march=native build (or a processor without x86-64 levels): one level, this machine's.
const std::vector<Level>& levels() {
    static const std::vector<Level> all{{"native", isa_native::table, true}};
    return all;
}
#endif

// "v3" or "x86-64-v3" -> the level, if this build has it.
const Level* find(std::string_view name) {
    for (const Level& l : levels())
        if (l.name == name || (name.size() == 2 && l.name.ends_with(name))) return &l;
    return nullptr;
}

const KernelLevel* chooseAtStart() {
    const Level* best = nullptr;
    for (const Level& l : levels())
        if (l.supported) best = &l;
    if (const char* wanted = std::getenv("ODYNN_ISA"); wanted && *wanted) {
        const Level* l = find(wanted);
        if (l && l->supported) return &l->table();
        std::cerr << "warning: ODYNN_ISA=" << wanted << ": "
                  << (l ? "this CPU cannot run that level" : "not a level of this build (v1, v2, v3 or v4)")
                  << "; using " << best->name << "\n";
    }
    return &best->table();
}

std::atomic<const KernelLevel*>& current() {
    static std::atomic<const KernelLevel*> level{chooseAtStart()};
    return level;
}

}  // namespace

const KernelLevel& kernels() { return *current().load(std::memory_order_relaxed); }

}  // namespace odynn::detail

namespace odynn {

std::string kernelLevel() { return detail::kernels().name; }

std::vector<std::string> supportedKernelLevels() {
    std::vector<std::string> names;
    for (const auto& l : detail::levels())
        if (l.supported) names.emplace_back(l.name);
    return names;
}

bool setKernelLevel(const std::string& name) {
    const auto* l = detail::find(name);
    if (!l || !l->supported) return false;
    detail::current().store(&l->table(), std::memory_order_relaxed);
    return true;
}

}  // namespace odynn
