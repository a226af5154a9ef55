#pragma once
// Where a parameter value makes physical sense. Bounds (ParamSpec) are for the optimizer; the
// domain holds for every value a user or a file gives: a capacitance and a time constant are
// positive, a conductance is not negative, a sigmoid's slope is not zero, a fraction lies in
// [0, 1]. The kind follows the naming every model uses (SPEC section 1): C_m, g_*, *tau*,
// decay_*, *__scale, *__alpha, rho_*; synapses G and scale, gap junctions G_gap.
#include <string>

namespace odynn {

// Empty when `value` lies in the domain of the parameter called `name` (a model parameter such
// as "C_m" or "e__tau", or "G", "scale", "G_gap"), else what it must be, e.g. "must be > 0".
std::string outsideDomain(const std::string& name, double value);

}  // namespace odynn
