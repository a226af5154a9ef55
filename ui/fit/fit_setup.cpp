#include "fit/fit_setup.hpp"

#include <cmath>
#include <limits>

#include "odynn/errors.hpp"

namespace odynn::ui {

using nlohmann::json;

namespace {

// NaN (a missing sample) travels as null.
json numbers(const std::vector<double>& v) {
    json a = json::array();
    for (double x : v) a.push_back(std::isfinite(x) ? json(x) : json(nullptr));
    return a;
}

class Reader {
public:
    Reader(const json& fit, const std::string& source) : fit_(fit), source_(source) {}
    [[noreturn]] void fail(const std::string& field, const std::string& why) const {
        throw InputError(source_, 0, "fit." + field, why);
    }
    const json* find(const char* key) const { return fit_.contains(key) ? &fit_[key] : nullptr; }
    int integer(const char* key, int fallback, int lo, int hi) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (!v->is_number_integer() || v->get<long long>() < lo || v->get<long long>() > hi)
            fail(key, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
        return int(v->get<long long>());
    }
    double number(const json& j, const std::string& field, double lo) const {
        if (!j.is_number() || !std::isfinite(j.get<double>()) || j.get<double>() < lo)
            fail(field, "expected a finite number of at least " + std::to_string(lo));
        return j.get<double>();
    }
    std::vector<double> samples(const json& j, const std::string& field) const {
        if (!j.is_array()) fail(field, "expected an array of numbers");
        std::vector<double> v;
        v.reserve(j.size());
        for (const json& x : j) {
            if (x.is_null())
                v.push_back(std::numeric_limits<double>::quiet_NaN());
            else if (x.is_number())
                v.push_back(x.get<double>());
            else
                fail(field, "expected numbers (null for a missing sample)");
        }
        return v;
    }
    std::string text(const json& j, const std::string& field) const {
        if (!j.is_string()) fail(field, "expected a string");
        return j.get<std::string>();
    }

private:
    const json& fit_;
    const std::string& source_;
};

// Resampled targets have uniform time: {start, step, count} when start + k * step gives every
// sample exactly, else every sample.
json timeToJson(const std::vector<double>& time) {
    if (time.size() >= 2) {
        const double start = time[0], step = time[1] - time[0];
        bool uniform = step > 0;
        for (size_t k = 0; uniform && k < time.size(); ++k) uniform = start + double(k) * step == time[k];
        if (uniform) return {{"start", start}, {"step", step}, {"count", time.size()}};
    }
    return numbers(time);
}

json targetToJson(const RecordedTarget& t) {
    json columns = json::array(), currents = json::array();
    for (const RecordedColumn& c : t.columns)
        columns.push_back({{"neuron", c.neuron}, {"calcium", c.calcium}, {"values", numbers(c.values)}});
    for (const auto& [neuron, values] : t.currents)
        currents.push_back({{"neuron", neuron}, {"values", numbers(values)}});
    return {{"source", t.source},
            {"time", timeToJson(t.time)},
            {"columns", columns},
            {"currents", currents},
            {"target_smoothing", t.targetSmoothing}};
}

RecordedTarget targetFromJson(const Reader& r, const json& j, const std::string& field) {
    if (!j.is_object()) r.fail(field, "expected an object");
    RecordedTarget t;
    if (j.contains("source")) t.source = r.text(j["source"], field + ".source");
    if (!j.contains("time")) r.fail(field + ".time", "missing");
    if (const json& time = j["time"]; time.is_object()) {
        const std::string f = field + ".time";
        if (!time.contains("start") || !time.contains("step") || !time.contains("count") ||
            !time["count"].is_number_unsigned() || time["count"].get<std::uint64_t>() > 1'000'000'000)
            r.fail(f, "expected {start, step, count} or an array of times");
        const double start = r.number(time["start"], f + ".start", -std::numeric_limits<double>::max());
        const double step = r.number(time["step"], f + ".step", std::numeric_limits<double>::min());
        const auto count = time["count"].get<std::uint64_t>();
        t.time.reserve(count);
        for (std::uint64_t k = 0; k < count; ++k) t.time.push_back(start + double(k) * step);
    } else {
        t.time = r.samples(time, field + ".time");
    }
    for (size_t k = 1; k < t.time.size(); ++k)
        if (!(t.time[k] > t.time[k - 1])) r.fail(field + ".time", "time must increase");
    if (j.contains("target_smoothing"))
        t.targetSmoothing = r.number(j["target_smoothing"], field + ".target_smoothing", 0);
    auto sized = [&](std::vector<double> v, const std::string& f) {
        if (v.size() != t.time.size()) r.fail(f, "expected as many values as time samples");
        return v;
    };
    if (!j.contains("columns") || !j["columns"].is_array() || j["columns"].empty())
        r.fail(field + ".columns", "expected at least one target column");
    for (size_t k = 0; k < j["columns"].size(); ++k) {
        const json& c = j["columns"][k];
        const std::string f = field + ".columns[" + std::to_string(k) + "]";
        if (!c.is_object() || !c.contains("neuron") || !c.contains("values")) r.fail(f, "expected neuron and values");
        t.columns.push_back({r.text(c["neuron"], f + ".neuron"), c.value("calcium", false),
                             sized(r.samples(c["values"], f + ".values"), f + ".values")});
    }
    if (j.contains("currents")) {
        if (!j["currents"].is_array()) r.fail(field + ".currents", "expected an array");
        for (size_t k = 0; k < j["currents"].size(); ++k) {
            const json& c = j["currents"][k];
            const std::string f = field + ".currents[" + std::to_string(k) + "]";
            if (!c.is_object() || !c.contains("neuron") || !c.contains("values"))
                r.fail(f, "expected neuron and values");
            t.currents.emplace_back(r.text(c["neuron"], f + ".neuron"),
                                    sized(r.samples(c["values"], f + ".values"), f + ".values"));
        }
    }
    return t;
}

}  // namespace

void fitSetupToJson(const FitSetup& s, json& fit) {
    fit["target"] = s.loadedTargets ? "loaded" : "simulation";
    json targets = json::array();
    for (const RecordedTarget& t : s.targets) targets.push_back(targetToJson(t));
    fit["targets"] = targets;
    if (s.observed) fit["observed"] = *s.observed;
    fit["free"] = s.scope == FreeScope::Everything ? "all" : "observed";
    fit["test_split"] = s.testSplit;
    fit["method"] = methodName(s.method);
    fit["population"] = s.population;
    fit["epochs"] = s.epochs;
    fit["hops"] = s.hops;
    fit["validation"] = s.validation;
    if (s.learningRate)
        fit["learning_rate"] = {s.learningRate->initial, s.learningRate->decaySteps, s.learningRate->decayRate};
    fit["weights"] = {{"v", s.weightV}, {"ca", s.weightCa}};
    fit["seed"] = s.seed;
}

FitSetup fitSetupFromJson(const json& fit, const std::string& source) {
    FitSetup s;
    if (!fit.is_object()) return s;
    const Reader r(fit, source);
    if (const json* v = r.find("target")) {
        const std::string t = r.text(*v, "target");
        if (t != "loaded" && t != "simulation") r.fail("target", "expected \"loaded\" or \"simulation\"");
        s.loadedTargets = t == "loaded";
    }
    if (const json* v = r.find("targets")) {
        if (!v->is_array()) r.fail("targets", "expected an array");
        for (size_t k = 0; k < v->size(); ++k)
            s.targets.push_back(targetFromJson(r, (*v)[k], "targets[" + std::to_string(k) + "]"));
    }
    if (const json* v = r.find("observed")) {
        if (!v->is_array()) r.fail("observed", "expected an array of neuron labels");
        s.observed.emplace();
        for (const json& label : *v) s.observed->push_back(r.text(label, "observed"));
    }
    if (const json* v = r.find("free")) {
        const std::string f = r.text(*v, "free");
        if (f != "observed" && f != "all") r.fail("free", "expected \"observed\" or \"all\"");
        s.scope = f == "all" ? FreeScope::Everything : FreeScope::ObservedNeurons;
    }
    if (const json* v = r.find("test_split")) {
        if (!v->is_boolean()) r.fail("test_split", "expected true or false");
        s.testSplit = v->get<bool>();
    }
    if (const json* v = r.find("method")) {
        const auto m = methodFromName(r.text(*v, "method"));
        if (!m) r.fail("method", "expected \"odynn\" or \"robust\"");
        s.method = *m;
    }
    s.population = r.integer("population", s.population, 1, 10000);
    s.epochs = r.integer("epochs", s.epochs, 1, 100000);
    s.hops = r.integer("hops", s.hops, 0, 1000);
    if (const json* v = r.find("validation")) {
        s.validation = r.number(*v, "validation", 0);
        if (s.validation > kMaxValidation) r.fail("validation", "expected a fraction from 0 to 0.5");
    }
    if (const json* v = r.find("learning_rate")) {
        if (!v->is_array() || v->size() != 3) r.fail("learning_rate", "expected [l0, k, r]");
        s.learningRate = LearningRate{r.number((*v)[0], "learning_rate", 1e-300), r.number((*v)[1], "learning_rate", 1),
                                      r.number((*v)[2], "learning_rate", 1e-300)};
    }
    if (const json* v = r.find("weights")) {
        if (!v->is_object()) r.fail("weights", "expected {\"v\": w_V, \"ca\": w_Ca}");
        if (v->contains("v")) s.weightV = r.number((*v)["v"], "weights.v", 0);
        if (v->contains("ca")) s.weightCa = r.number((*v)["ca"], "weights.ca", 0);
    }
    if (const json* v = r.find("seed")) {
        if (!v->is_number_unsigned()) r.fail("seed", "expected a non-negative integer");
        s.seed = v->get<std::uint64_t>();
    }
    return s;
}

}  // namespace odynn::ui
