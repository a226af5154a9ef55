#include "odynn/parameter_domain.hpp"

#include <string_view>

namespace odynn {

namespace {
bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool endsWith(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }
}  // namespace

std::string outsideDomain(const std::string& name, double value) {
    // Capacitances (uF/cm2) and time constants (ms) divide the update: positive.
    if (name == "C_m" || endsWith(name, "tau") || startsWith(name, "decay_"))
        return value > 0 ? std::string() : "must be > 0";
    // Conductances (mS/cm2) and influx factors: a negative one would be a source of current.
    if (startsWith(name, "g_") || name == "G" || name == "G_gap" || startsWith(name, "rho_"))
        return value >= 0 ? std::string() : "must be >= 0";
    // Sigmoid slopes (mV, uM) divide the voltage: not zero.
    if (name == "scale" || endsWith(name, "__scale")) return value != 0 ? std::string() : "must not be 0";
    // Fractions of inactivation.
    if (endsWith(name, "__alpha")) return value >= 0 && value <= 1 ? std::string() : "must lie in [0, 1]";
    return {};
}

}  // namespace odynn
