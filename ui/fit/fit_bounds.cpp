#include "fit/fit_bounds.hpp"

#include <cmath>
#include <cstdio>

#include "odynn/errors.hpp"
#include "odynn/parameters.hpp"

namespace odynn::ui {

namespace {
std::string number(double x) {
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", x);
    return text;
}
}  // namespace

nlohmann::json fitBoundsToJson(const std::vector<ParameterBound>& bounds) {
    nlohmann::json j = nlohmann::json::object();
    for (const ParameterBound& b : bounds) j[b.name] = {b.lower, b.upper};
    return j;
}

std::vector<ParameterBound> fitBoundsFromJson(const nlohmann::json& bounds, const std::string& source) {
    if (!bounds.is_object())
        throw InputError(source, 0, "fit.bounds", "expected an object of \"name\": [lower, upper]");
    std::vector<ParameterBound> out;
    for (const auto& [name, b] : bounds.items()) {
        if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
            throw InputError(source, 0, "fit.bounds." + name, "expected [lower, upper]");
        const double lower = b[0].get<double>(), upper = b[1].get<double>();
        if (!(lower < upper)) throw InputError(source, 0, "fit.bounds." + name, "lower must be below upper");
        out.push_back({name, lower, upper});
    }
    return out;
}

std::vector<ParameterBound> boundsInCircuit(const std::vector<ParameterBound>& bounds, const Circuit& circuit) {
    const ParameterLayout layout(circuit);
    std::vector<ParameterBound> kept;
    for (const ParameterBound& b : bounds)
        if (layout.find(b.name) >= 0) kept.push_back(b);
    return kept;
}

std::string fitBoundProblem(double lower, double upper, double modelLower, double modelUpper, const std::string& unit) {
    const std::string u = unit.empty() ? "" : " " + unit;
    if (!std::isfinite(lower) || !std::isfinite(upper)) return "Both bounds must be finite numbers.";
    if (!(lower < upper)) return "The lower bound " + number(lower) + u + " must be below the upper bound " + number(upper) + u + ".";
    if (lower < modelLower || upper > modelUpper)
        return "The bounds [" + number(lower) + ", " + number(upper) + "]" + u + " leave the model's bounds [" +
               number(modelLower) + ", " + number(modelUpper) + "]" + u + ".";
    return {};
}

}  // namespace odynn::ui
