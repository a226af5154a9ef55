#pragma once
// A parsed model file: declarations, and update lines whose right sides are GiNaC
// expressions over the symbols of parameters, states (their old values), i_inj and dt, with
// helpers already substituted.
#include <ginac/ginac.h>

#include <string>
#include <vector>

#include "odynn/model.hpp"

namespace odynn::detail::odm {

// Extra functions of the language, with the derivatives the reverse pass needs.
DECLARE_FUNCTION_1P(sigmoid)     // 1 / (1 + exp(-x))
DECLARE_FUNCTION_1P(absolute)    // |x|, derivative sign(x)
DECLARE_FUNCTION_1P(signum)      // sign(x), derivative 0
DECLARE_FUNCTION_2P(minimum)
DECLARE_FUNCTION_2P(maximum)
DECLARE_FUNCTION_2P(atLeast)     // 1 when x >= y else 0, derivative 0
DECLARE_FUNCTION_1P(phi)         // (exp(x) - 1) / x, 1 at 0
DECLARE_FUNCTION_1P(dphi)        // phi'(x)

enum class Method { Implicit, Exponential, Euler, Map };

struct Location {
    int line = 0, column = 0;
};

struct StateDecl {
    std::string name, unit, description;
    double initial = 0;
    Location at;
};

struct Update {
    int state = -1;
    Method method = Method::Implicit;
    GiNaC::ex rhs;  // f of dX/dt = f, or the new value of X' = f
    Location at;    // of the state's name on the update line
};

struct ModelAst {
    std::string source;  // file name for errors
    ModelSpec spec;      // name, description, parameters, states, voltage / calcium (no kernels)
    std::vector<StateDecl> states;
    std::vector<GiNaC::symbol> paramSymbols, stateSymbols;
    GiNaC::symbol iInj{"i_inj"}, dt{"dt"};
    std::vector<Update> updates;  // file order
    std::vector<std::pair<std::string, GiNaC::ex>> helpers;  // file order, over parameters and old states
};

// Throws InputError(file, line, column, symbol, message) on bad input.
ModelAst parseModel(const std::string& text, const std::string& source);

}  // namespace odynn::detail::odm
