// LSTM weight files, and the population fit of LSTM neurons: FitRun over an LstmObjective
// (objective.cpp), so the optimizer and the run folder are those of every other fit.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <tuple>
#include <sstream>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"
#include "odynn/objective.hpp"
#include "run_files.hpp"

namespace odynn {
using namespace detail;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* runFormat = "odynn-lstm-fit-run";

}  // namespace

json lstmWeightsToJson(const LstmNetwork& net, const double* w) {
    json tensors = json::object();
    for (const LstmTensor& t : net.tensors())
        tensors[t.name] = std::vector<double>(w + t.offset, w + t.offset + t.size());
    const LstmSpec& s = net.spec();
    return {{"format", "odynn-lstm"}, {"version", 1}, {"units", s.units}, {"layers", s.layers},
            {"calcium_layers", s.calciumLayers}, {"tensors", tensors}};
}

std::vector<double> lstmWeightsFromJson(const json& doc, const std::string& src, LstmSpec& spec) {
    if (!doc.is_object() || doc.value("format", "") != "odynn-lstm")
        throw InputError(src, 0, "format", "not an LSTM weight file (expected \"format\": \"odynn-lstm\")");
    try {
        spec.units = doc.at("units").get<int>();
        spec.layers = doc.at("layers").get<int>();
        spec.calciumLayers = doc.at("calcium_layers").get<int>();
    } catch (const json::exception&) {
        throw InputError(src, 0, "units", "units, layers and calcium_layers must be integers");
    }
    if (const std::string why = spec.problem(); !why.empty()) throw InputError(src, 0, "units", why);
    const LstmNetwork net(spec);
    const json& tensors = doc.contains("tensors") ? doc.at("tensors") : json();
    if (!tensors.is_object()) throw InputError(src, 0, "tensors", "expected {name: [values]}");
    std::vector<double> w(net.weightCount());
    for (const LstmTensor& t : net.tensors()) {
        if (!tensors.contains(t.name)) throw InputError(src, 0, t.name, "missing tensor");
        const json& a = tensors.at(t.name);
        if (!a.is_array() || a.size() != t.size())
            throw InputError(src, 0, t.name, "expected " + std::to_string(t.size()) + " numbers");
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (!a[i].is_number() || !std::isfinite(a[i].get<double>()))
                throw InputError(src, 0, t.name, "value " + std::to_string(i) + " is not a finite number");
            w[t.offset + i] = a[i].get<double>();
        }
    }
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
        bool known = false;
        for (const LstmTensor& t : net.tensors()) known |= t.name == it.key();
        if (!known) throw InputError(src, 0, it.key(), "unknown tensor for this network shape");
    }
    return w;
}

LstmFitRun::LstmFitRun(const LstmSpec& spec, double dt, FitDataset train, std::optional<FitDataset> test,
                       FitOptions options)
    : FitRun(std::make_shared<LstmObjective>(spec, dt, std::move(train), std::move(test), std::move(options))) {}

const LstmNetwork& LstmFitRun::network() const { return static_cast<const LstmObjective&>(objective()).network(); }
double LstmFitRun::dt() const { return static_cast<const LstmObjective&>(objective()).dt(); }

bool LstmFitRun::isRunFolder(const std::string& dir) {
    const fs::path sp = fs::path(dir) / "settings.json";
    std::error_code ec;
    if (!fs::exists(sp, ec)) return false;
    try {
        return readJsonFile(sp.string()).value("format", "") == runFormat;
    } catch (const std::exception&) {
        return false;
    }
}

LstmFitRun LstmFitRun::resume(const std::string& dir) { return LstmFitRun(resumeFolder(dir, runFormat)); }

}  // namespace odynn
