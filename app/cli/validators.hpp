#pragma once
// Checks of numeric options whose messages a person can read: CLI11's own PositiveNumber says
// "not in range 0.000000 to 179769313486231570814527...000000".
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

namespace odynn::cli {

namespace detail {
inline CLI::Validator numberCheck(bool allowZero) {
    return CLI::Validator(
        [allowZero](std::string& text) -> std::string {
            char* end = nullptr;
            const double x = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0') return "'" + text + "' is not a number";
            if (!std::isfinite(x)) return "must be a finite number, not " + text;
            if (allowZero ? x < 0 : x <= 0) return std::string(allowZero ? "must be 0 or more" : "must be more than 0") +
                                                   ", not " + text;
            return {};
        },
        allowZero ? "NUMBER >= 0" : "NUMBER > 0");
}
}  // namespace detail

inline const CLI::Validator positive = detail::numberCheck(false);
inline const CLI::Validator nonNegative = detail::numberCheck(true);

}  // namespace odynn::cli
