#include "odynn/run_records.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "run_files.hpp"

namespace odynn {
namespace fs = std::filesystem;
using detail::integerField;
using detail::numberField;
using nlohmann::json;

std::optional<RunSummary> readRunSummary(const std::string& dir) {
    const fs::path path = fs::path(dir) / "summary.json";
    if (!fs::exists(path)) return std::nullopt;
    const std::string src = path.string();
    constexpr double inf = std::numeric_limits<double>::infinity();
    const json j = readJsonFile(src);
    if (!j.is_object()) throw InputError(src, 0, {}, "expected a JSON object");
    RunSummary s;
    s.epochs = int(integerField(j, "epochs", 0, 1'000'000'000, src));
    s.bestIndex = int(integerField(j, "best_index", -1, std::numeric_limits<int>::max(), src));
    // A run whose every set diverged has a null best loss.
    s.bestLoss = j.contains("best_loss") && j["best_loss"].is_number() ? j["best_loss"].get<double>()
                                                                       : std::numeric_limits<double>::quiet_NaN();
    s.wallSeconds = numberField(j, "wall_seconds", 0, inf, src);
    s.termination = j.value("termination", "");
    s.method = j.value("method", "");
    if (j.contains("best_iterate_loss")) {
        s.bestIterateLoss = numberField(j, "best_iterate_loss", -inf, inf, src);
        s.bestIterateEpoch = int(integerField(j, "best_iterate_epoch", 0, 1'000'000'000, src));
        s.bestIterateIndex = int(integerField(j, "best_iterate_index", 0, std::numeric_limits<int>::max(), src));
    }
    return s;
}

std::optional<std::vector<double>> readBestSet(const std::string& dir, const std::vector<std::string>& names,
                                               const std::string& stem) {
    const fs::path path = fs::path(dir) / (stem + ".json");
    if (!fs::exists(path)) return std::nullopt;
    const std::string src = path.string();
    const json j = readJsonFile(src);
    if (!j.is_object()) throw InputError(src, 0, {}, "expected an object of parameter values");
    std::vector<double> values;
    values.reserve(names.size());
    for (const std::string& name : names) {
        if (!j.contains(name) || !j[name].is_number()) throw InputError(src, 0, name, "missing or not a number");
        values.push_back(j[name].get<double>());
    }
    return values;
}

std::vector<std::vector<double>> readParameterRows(const std::string& dir, const std::vector<int>& setOfEpoch,
                                                   int size) {
    std::vector<std::vector<double>> rows(setOfEpoch.size());
    std::ifstream in(fs::path(dir) / "params.csv");
    std::string line;
    if (!in || !std::getline(in, line)) return rows;  // no file, or no header
    while (std::getline(in, line)) {
        // epoch,set,value...: only the wanted set of each epoch is parsed further.
        char* end = nullptr;
        const long epoch = std::strtol(line.c_str(), &end, 10);
        if (*end != ',' || epoch < 0 || size_t(epoch) >= rows.size()) continue;
        const long set = std::strtol(end + 1, &end, 10);
        if (*end != ',' || set != setOfEpoch[size_t(epoch)]) continue;
        std::vector<double> values;
        values.reserve(size_t(size));
        const char* p = end;
        while (*p == ',' && values.size() < size_t(size)) {
            char* next = nullptr;
            values.push_back(std::strtod(p + 1, &next));
            p = next;
        }
        if (values.size() == size_t(size)) rows[size_t(epoch)] = std::move(values);
    }
    return rows;
}

}  // namespace odynn
