#include "fit_bounds.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"

namespace odynn::cli {

namespace {

// "inf" and "-inf" leave a side unbounded.
bool number(const std::string& text, double& x) {
    if (text.empty()) return false;
    char* end = nullptr;
    x = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && !std::isnan(x);
}

void fromFile(const std::string& path, std::vector<ParameterBound>& out) {
    const nlohmann::json doc = readJsonFile(path);
    if (!doc.is_object()) throw InputError(path, 0, {}, "expected {\"NAME\": [LO, HI], ...}");
    for (const auto& [name, b] : doc.items()) {
        if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
            throw InputError(path, 0, name, "expected [LO, HI]");
        out.push_back({name, b[0].get<double>(), b[1].get<double>()});
    }
}

}  // namespace

std::vector<ParameterBound> parseBounds(const std::vector<std::string>& items) {
    std::vector<ParameterBound> out;
    for (const std::string& item : items) {
        const auto eq = item.find('=');
        if (eq == std::string::npos) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(item, ec))
                throw InputError({}, 0, "--bounds", "'" + item + "' is neither NAME=LO:HI nor a JSON file");
            fromFile(item, out);
            continue;
        }
        const std::string name = item.substr(0, eq), range = item.substr(eq + 1);
        const auto colon = range.find(':');
        ParameterBound b{name, 0, 0};
        if (name.empty() || colon == std::string::npos || !number(range.substr(0, colon), b.lower) ||
            !number(range.substr(colon + 1), b.upper))
            throw InputError({}, 0, "--bounds", "'" + item + "': expected NAME=LO:HI with numbers");
        out.push_back(b);
    }
    return out;
}

}  // namespace odynn::cli
