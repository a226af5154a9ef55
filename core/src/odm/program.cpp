// The bytecode evaluator of model files (program.hpp), compiled once per instruction-set level
// (kernel_level.hpp).
#include <cmath>

#include "../kernel_math.hpp"
#include "program.hpp"

namespace odynn::detail::ODYNN_ISA {
using namespace odm;
namespace {

// exp(x) with x clipped to the largest argument that stays finite: an exp that overflows then
// gives its limit in sigmoid-like quotients (1/(1+e^x) -> 0, e^x/(1+e^x) -> 1), never inf/inf.
constexpr double maxExpArgument = 709.0;

// Runs every instruction over M elements, M being a whole chunk or one packet. Fixed sizes
// only: Eigen then evaluates every element with the same vector code, while an expression of
// run-time size starts with scalar library calls up to the first aligned address, which would
// make the last bits depend on where the heap put the arrays and on the level's packet width.
template <int M, class At>
void execute(const Instruction* code, int count, At at) {
    using R = Eigen::Array<double, M, 1>;
    constexpr int m = M;
    struct V : Eigen::Map<R> {
        V(double* x, int n) : Eigen::Map<R>(x, n) {}
        using Eigen::Map<R>::operator=;
    };
    struct C : Eigen::Map<const R> {
        C(const double* x, int n) : Eigen::Map<const R>(x, n) {}
    };
    for (int i = 0; i < count; ++i) {
        const Instruction& ins = code[i];
        V d(at(ins.dst), m);
        const C a(at(ins.a), m);
        switch (ins.op) {
        case Op::Copy: d = a; break;
        case Op::Add: d = a + C(at(ins.b), m); break;
        case Op::Sub: d = a - C(at(ins.b), m); break;
        case Op::Mul: d = a * C(at(ins.b), m); break;
        // inf/inf only arises from an overflowed exp: in a sigmoid-like quotient the denominator
        // carries the higher power of e^u, so the limit is 0.
        case Op::Div: {
            const C b(at(ins.b), m);
            d = (a.isInf() && b.isInf()).select(R::Zero(m), a / b);
            break;
        }
        case Op::Neg: d = -a; break;
        case Op::Exp: d = a.min(maxExpArgument).exp(); break;
        case Op::Log: d = a.log(); break;
        case Op::Sqrt: d = a.sqrt(); break;
        case Op::Abs: d = a.abs(); break;
        case Op::Sign: d = a.sign(); break;
        case Op::Tanh: d = a.tanh(); break;
        case Op::Cosh: d = a.min(maxExpArgument).max(-maxExpArgument).unaryExpr([](double x) { return std::cosh(x); }); break;
        case Op::Sinh: d = a.min(maxExpArgument).max(-maxExpArgument).unaryExpr([](double x) { return std::sinh(x); }); break;
        // The C library's pow, element by element: Eigen's vectorised pow rounds differently with
        // and without SSE4.1 and FMA, so its last bits would depend on the level.
        case Op::Pow: d = a.binaryExpr(C(at(ins.b), m), [](double x, double y) { return std::pow(x, y); }); break;
        case Op::Square: d = a.square(); break;
        case Op::Cube: d = a.cube(); break;
        // 1 / (1 + e^-x), the form of the built-in gates
        case Op::Sigmoid: d = 1.0 / (1.0 + (-a).min(maxExpArgument).exp()); break;
        // phi(x) = (e^x - 1) / x, 1 at x = 0 (the exponential integrator's factor)
        case Op::Phi: d = (a == 0.0).select(1.0, a.min(maxExpArgument).expm1() / a); break;
        // phi'(x) = (x e^x - e^x + 1) / x^2, 1/2 at x = 0
        case Op::DPhi: {
            const R e = a.min(maxExpArgument).exp();
            d = (a == 0.0).select(0.5, (a * e - e + 1.0) / a.square());
            break;
        }
        case Op::Min: d = a.min(C(at(ins.b), m)); break;
        case Op::Max: d = a.max(C(at(ins.b), m)); break;
        case Op::GreaterEqual: d = (a >= C(at(ins.b), m)).select(R::Ones(m), R::Zero(m)); break;
        }
    }
}

}  // namespace

void odmRun(const Instruction* code, int count, double* registers, const double* const* arrays, int E, int k0, int n,
            int blockBegin, const double* consts) {
    for (int c0 = 0; c0 < n;) {
        const int m = n - c0 >= chunk ? chunk : packet, k = k0 + c0;
        // Address of each base for this chunk.
        double* base[int(Base::Count)];
        for (int b = 0; b <= int(Base::Grad); ++b)
            base[b] = arrays[b] ? const_cast<double*>(arrays[b]) + k : nullptr;
        for (int b : {int(Base::Input), int(Base::AdjInput)})
            base[b] = arrays[b] ? const_cast<double*>(arrays[b]) + (k - blockBegin) : nullptr;
        base[int(Base::Temp)] = registers;
        base[int(Base::Const)] = const_cast<double*>(consts);
        auto at = [&](const Operand& o) -> double* {
            const Base b = o.base;
            if (b == Base::Temp || b == Base::Const) return base[int(b)] + size_t(o.row) * chunk;
            if (b == Base::Input || b == Base::AdjInput) return base[int(b)];
            return base[int(b)] + size_t(o.row) * E;
        };
        if (m == chunk) execute<chunk>(code, count, at);
        else execute<packet>(code, count, at);
        c0 += m;
    }
}

}  // namespace odynn::detail::ODYNN_ISA
