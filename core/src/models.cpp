// The model registry: parameter tables of the built-in models, exactly as SPEC section 1
// (ODYNN's values), the LSTM entry, and the models of model files registered at run time.
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>

#include "model_kernels.hpp"
#include "odynn/model.hpp"

namespace odynn {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

ModelSpec makeCelegans() {
    ModelSpec m;
    m.name = "celegans";
    m.kernels = detail::celegansKernels();
    m.description = "C. elegans Hodgkin-Huxley neuron: Ca (e, f, h), slow K (n), fast K (p, q), leak, calcium";
    m.stateNames = {"V", "p", "q", "n", "e", "f", "cac"};
    m.initialState = {-60.0, 0.0, 0.95, 0.0, 0.0, 1.0, 1e-7};
    m.calciumIndex = 6;
    // name, default, random range, bounds, unit, description (alphabetical, as ODYNN sorts them)
    m.params = {
        {"C_m", 20.0, 0.5, 40.0, 0.5, inf, "uF/cm2", "membrane capacitance"},
        {"E_Ca", 20.0, 0.0, 40.0, -inf, inf, "mV", "calcium reversal potential"},
        {"E_K", -60.0, -80.0, -40.0, -inf, inf, "mV", "potassium reversal potential"},
        {"E_L", -60.0, -80.0, -40.0, -inf, inf, "mV", "leak reversal potential"},
        {"decay_ca", 110.0, 10.0, 500.0, 0.1, inf, "ms", "calcium decay time constant"},
        {"e__mdp", -3.36, -30.0, 0.0, -inf, inf, "mV", "Ca activation e: half-activation voltage"},
        {"e__scale", 6.75, 1.0, 200.0, 1.0, inf, "mV", "Ca activation e: slope"},
        {"e__tau", 10.0, 1.0, 200.0, 1.0, inf, "ms", "Ca activation e: time constant"},
        {"f__mdp", 25.2, -50.0, 50.0, -inf, inf, "mV", "Ca inactivation f: half-activation voltage"},
        {"f__scale", -5.03, -200.0, -1.0, -inf, -1.0, "mV", "Ca inactivation f: slope"},
        {"f__tau", 151.0, 1.0, 200.0, 1.0, inf, "ms", "Ca inactivation f: time constant"},
        {"g_Ca", 3.0, 0.1, 10.0, 1e-5, 10.0, "mS/cm2", "calcium conductance"},
        {"g_Kf", 0.07, 0.1, 10.0, 1e-5, 10.0, "mS/cm2", "fast potassium conductance"},
        {"g_Ks", 10.0, 0.1, 10.0, 1e-5, 10.0, "mS/cm2", "slow potassium conductance"},
        {"g_L", 0.005, 1e-4, 0.5, 1e-5, 10.0, "mS/cm2", "leak conductance"},
        {"h__alpha", 0.282, 0.1, 0.9, 0.0, 1.0, "1", "Ca-dependent inactivation h: strength"},
        {"h__mdp", 6.42, 1.0, 100.0, -inf, inf, "uM", "Ca-dependent inactivation h: half-activation calcium"},
        {"h__scale", -1.0, -200.0, -1.0, -inf, -1.0, "uM", "Ca-dependent inactivation h: slope"},
        {"n__mdp", 19.9, -50.0, 50.0, -inf, inf, "mV", "slow K activation n: half-activation voltage"},
        {"n__scale", 15.9, 1.0, 200.0, 1.0, inf, "mV", "slow K activation n: slope"},
        {"n__tau", 25.0, 200.0, 1000.0, 1.0, inf, "ms", "slow K activation n: time constant"},
        {"p__mdp", -8.05, -50.0, 50.0, -inf, inf, "mV", "fast K activation p: half-activation voltage"},
        {"p__scale", 7.43, 1.0, 200.0, 1.0, inf, "mV", "fast K activation p: slope"},
        {"p__tau", 100.0, 1.0, 200.0, 1.0, inf, "ms", "fast K activation p: time constant"},
        {"q__mdp", -15.6, -50.0, 50.0, -inf, inf, "mV", "fast K inactivation q: half-activation voltage"},
        {"q__scale", -9.97, -200.0, -1.0, -inf, -1.0, "mV", "fast K inactivation q: slope"},
        {"q__tau", 150.0, 1.0, 200.0, 1.0, inf, "ms", "fast K inactivation q: time constant"},
        {"rho_ca", 0.23, 1e-5, 10.0, 1e-5, 100.0, "1", "calcium influx per unit calcium current"},
    };
    return m;
}

ModelSpec makeHhSimple() {
    ModelSpec m;
    m.name = "hhsimple";
    m.kernels = detail::hhSimpleKernels();
    m.description = "Simple Hodgkin-Huxley neuron: one potassium current (a^3 b) and leak, explicit Euler";
    m.stateNames = {"V", "a", "b"};
    m.initialState = {-60.0, 0.0, 1.0};
    m.params = {
        {"C_m", 1.0, 0.5, 40.0, 0.5, 40.0, "uF/cm2", "membrane capacitance"},
        {"E_K", 30.0, -40.0, 30.0, -inf, inf, "mV", "potassium reversal potential"},
        {"E_L", -60.0, -70.0, -45.0, -inf, inf, "mV", "leak reversal potential"},
        {"a__mdp", -30.0, -50.0, 0.0, -inf, inf, "mV", "K activation a: half-activation voltage"},
        {"a__scale", 20.0, 1.0, 200.0, 1.0, 200.0, "mV", "K activation a: slope"},
        {"a__tau", 500.0, 1.0, 1000.0, 1.0, 1000.0, "ms", "K activation a: time constant"},
        {"b__mdp", -5.0, -30.0, 20.0, -inf, inf, "mV", "K inactivation b: half-activation voltage"},
        {"b__scale", -3.0, -200.0, -1.0, -200.0, -1.0, "mV", "K inactivation b: slope"},
        {"b__tau", 30.0, 1.0, 1000.0, 1.0, 1000.0, "ms", "K inactivation b: time constant"},
        {"g_K", 0.5, 1e-5, 10.0, 1e-9, 10.0, "mS/cm2", "potassium conductance"},
        {"g_L", 0.1, 1e-5, 10.0, 1e-9, 10.0, "mS/cm2", "leak conductance"},
    };
    return m;
}

ModelSpec makeLeaky() {
    ModelSpec m;
    m.name = "leaky";
    m.kernels = detail::leakyKernels();
    m.description = "Leaky integrator, implicit Euler";
    m.stateNames = {"V"};
    m.initialState = {-60.0};
    m.params = {
        {"C_m", 1.0, 0.5, 40.0, 0.5, 40.0, "uF/cm2", "membrane capacitance"},
        {"E_L", -60.0, -70.0, -45.0, -inf, inf, "mV", "leak reversal potential"},
        {"g_L", 0.1, 1e-5, 10.0, 1e-9, 10.0, "mS/cm2", "leak conductance"},
    };
    return m;
}

}  // namespace

int ModelSpec::paramIndex(std::string_view paramName) const {
    for (size_t i = 0; i < params.size(); ++i)
        if (params[i].name == paramName) return static_cast<int>(i);
    return -1;
}

std::vector<double> ModelSpec::defaults() const {
    std::vector<double> v;
    v.reserve(params.size());
    for (const auto& p : params) v.push_back(p.defaultValue);
    return v;
}

const std::vector<ModelSpec>& builtinModels() {
    static const std::vector<ModelSpec> models = {makeCelegans(), makeHhSimple(), makeLeaky()};
    return models;
}

const ModelSpec& lstmModelSpec() {
    static const ModelSpec lstm = [] {
        ModelSpec m;
        m.name = "lstm";
        m.networkWeights = true;
        m.kernels = detail::lstmKernels();
        m.description = "LSTM network standing in for a neuron (input i_inj/60, V = out*100 - 60)";
        m.stateNames = {"V", "cac"};
        m.initialState = {-60.0, -60.0};
        m.calciumIndex = 1;
        return m;
    }();
    return lstm;
}

namespace {
// Model files registered at run time. Every entry ever registered stays alive (references to
// it may be held by circuits, engines and the UI); `current` maps a name to its latest entry.
struct Registry {
    std::shared_mutex mutex;
    std::vector<std::shared_ptr<const ModelSpec>> all;
    std::vector<const ModelSpec*> current;
};
Registry& registry() {
    static Registry r;
    return r;
}
const ModelSpec* findBuiltin(std::string_view name) {
    for (const auto& m : builtinModels())
        if (m.name == name) return &m;
    if (name == lstmModelSpec().name) return &lstmModelSpec();
    return nullptr;
}
}  // namespace

const ModelSpec* findModel(std::string_view name) {
    if (const ModelSpec* m = findBuiltin(name)) return m;
    Registry& r = registry();
    std::shared_lock lock(r.mutex);
    for (const ModelSpec* m : r.current)
        if (m->name == name) return m;
    return nullptr;
}

const ModelSpec& modelSpec(std::string_view name) {
    if (const ModelSpec* m = findModel(name)) return *m;
    std::string known;
    for (const ModelSpec* m : registeredModels()) known += (known.empty() ? "" : ", ") + m->name;
    throw std::invalid_argument("unknown model '" + std::string(name) + "' (known: " + known + ")");
}

const ModelSpec& registerModel(std::shared_ptr<const ModelSpec> model) {
    if (findBuiltin(model->name))
        throw std::invalid_argument("model name '" + model->name + "' is taken by a built-in model");
    Registry& r = registry();
    std::unique_lock lock(r.mutex);
    for (const ModelSpec*& m : r.current) {
        if (m->name != model->name) continue;
        if (m->source == model->source) return *m;
        m = model.get();
        r.all.push_back(std::move(model));
        return *m;
    }
    r.current.push_back(model.get());
    r.all.push_back(std::move(model));
    return *r.current.back();
}

std::vector<const ModelSpec*> registeredModels() {
    std::vector<const ModelSpec*> out;
    for (const auto& m : builtinModels()) out.push_back(&m);
    out.push_back(&lstmModelSpec());
    Registry& r = registry();
    std::shared_lock lock(r.mutex);
    out.insert(out.end(), r.current.begin(), r.current.end());
    return out;
}

std::vector<double> randomParams(const ModelSpec& spec, Rng& rng) {
    std::vector<double> v;
    v.reserve(spec.params.size());
    for (const auto& p : spec.params) {
        std::uniform_real_distribution<double> dist(p.randomLow, p.randomHigh);
        v.push_back(dist(rng));
    }
    return v;
}

}  // namespace odynn
