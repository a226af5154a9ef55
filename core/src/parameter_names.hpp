#pragma once
// How a name given by the user (--fix, --bounds) picks layout entries, and how values are quoted
// in messages.
#include <cstdio>
#include <string>

namespace odynn::detail {

// Exact, or in a circuit a bare parameter name ("C_m", "G") picks that parameter of every
// neuron or connection.
inline bool matchesParameter(const std::string& entry, const std::string& name) {
    if (entry == name) return true;
    if (name.find('/') != std::string::npos) return false;
    const auto slash = entry.rfind('/');
    return slash != std::string::npos && entry.compare(slash + 1, std::string::npos, name) == 0;
}

inline std::string formatValue(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", x);
    return b;
}

}  // namespace odynn::detail
