#pragma once
// A register bytecode over chunks of elements: the evaluator of model files. Each
// instruction applies one operation to a whole chunk (up to `chunk` elements, vectorised by
// Eigen), so dispatch costs little per element. Operands address either a row of one of the
// kernel's arrays (parameters, derived constants, states, adjoints, gradients), a temporary
// register or a constant, always as base[kind] + offset.
#include <cstdint>
#include <vector>

namespace odynn::detail::odm {

inline constexpr int chunk = 64;  // elements per instruction

enum class Op : std::uint8_t {
    Copy, Add, Sub, Mul, Div, Neg, Exp, Log, Sqrt, Abs, Sign, Tanh, Cosh, Sinh, Pow, Square, Cube,
    Sigmoid, Phi, DPhi, Min, Max, GreaterEqual
};

// Where an operand lives. Rows of element arrays have a stride of E elements; Input and
// AdjInput are block-local arrays of one row.
enum class Base : std::uint8_t {
    Raw, Derived, Old, New, AdjNew, AdjOld, Grad, Input, AdjInput, Temp, Const, Count
};

struct Operand {
    Base base = Base::Const;  // an unused operand (b of a unary operation) names no register
    int row = 0;  // row of an element array, register number, or constant index
};

struct Instruction {
    Op op;
    Operand dst, a, b;
};

// A straight-line program; temporaries are already allocated to `registers` registers.
struct Program {
    std::vector<Instruction> code;
    int registers = 0;
};

// Runs `p` over elements [k0, k0 + n) (n a multiple of the packet size). rows[base] is the
// array of that base (nullptr when unused); `E` is the row stride of element arrays, and
// block-local arrays start at element `blockBegin`. `consts` holds `chunk` copies of each constant.
void run(const Program& p, const double* const* arrays, int E, int k0, int n, int blockBegin,
         const std::vector<double>& consts);

}  // namespace odynn::detail::odm
