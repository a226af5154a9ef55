// The chemical synapse's activation, the one exp() per synapse and step of a circuit.
#include "kernel_math.hpp"

namespace odynn::detail::ODYNN_ISA {

void synapseSigmoid(const double* mdp, const double* inv, const double* vPre, double* out, int n) {
    for (int k = 0; k < n; k += packet)
        PkMap(out + k) = 1.0 / (1.0 + ((PkCMap(mdp + k) - PkCMap(vPre + k)) * PkCMap(inv + k)).exp());
}

}  // namespace odynn::detail::ODYNN_ISA
