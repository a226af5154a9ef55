// The training and test data of a run folder. data.json holds each dataset's shape and names
// data.bin, which holds the values as exact IEEE doubles: a column of repeated values (step
// currents, absent calcium targets) as runs of (count, value), any other as its raw doubles.
// A 10-million-sample recording then takes a third of its former JSON text, and a resumed fit
// reads back the very bits it wrote. Run folders that keep the values in data.json itself (the
// earlier form) are still read.
//
// data.bin: "ODYNNDAT", then for train (and test) the columns current, target_v, target_ca,
// each one byte of encoding (0 absent, 1 raw: n doubles, 2 runs: a count of runs, then per run
// a count and a double), all little-endian; data.json records its size and FNV-1a hash.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "odynn/atomic_file.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "run_files.hpp"

namespace odynn::detail {
using nlohmann::json;
namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little, "data.bin is written in the machine's byte order");

namespace {

constexpr std::string_view magic = "ODYNNDAT";
constexpr const char* columnNames[3] = {"current", "target_v", "target_ca"};
enum Encoding : std::uint8_t { Absent = 0, Raw = 1, Runs = 2 };

std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : bytes) h = (h ^ std::uint8_t(c)) * 1099511628211ull;
    return h;
}

std::string hexHash(std::string_view bytes) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(bytes)));
    return hex;
}

std::uint64_t bitsOf(double x) { return std::bit_cast<std::uint64_t>(x); }

void put(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

void encodeColumn(std::string& out, const std::vector<double>& v) {
    if (v.empty()) {
        out.push_back(char(Absent));
        return;
    }
    std::uint64_t runs = 1;
    for (size_t i = 1; i < v.size(); ++i) runs += bitsOf(v[i]) != bitsOf(v[i - 1]);
    if (runs * 2 >= v.size()) {
        out.push_back(char(Raw));
        out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
        return;
    }
    out.push_back(char(Runs));
    put(out, runs);
    for (size_t i = 0; i < v.size();) {
        size_t j = i + 1;
        while (j < v.size() && bitsOf(v[j]) == bitsOf(v[i])) ++j;
        put(out, j - i);
        put(out, bitsOf(v[i]));
        i = j;
    }
}

// Reads data.bin front to back; every read is checked against the bytes left.
class Decoder {
public:
    Decoder(std::string_view bytes, std::string src) : bytes_(bytes), src_(std::move(src)) {}

    std::string_view take(size_t n, const std::string& field) {
        if (n > bytes_.size() - at_) throw InputError(src_, 0, field, "the file ends early (damaged)");
        const std::string_view s = bytes_.substr(at_, n);
        at_ += n;
        return s;
    }
    std::uint64_t u64(const std::string& field) {
        std::uint64_t v;
        std::memcpy(&v, take(sizeof v, field).data(), sizeof v);
        return v;
    }
    double f64(const std::string& field) { return std::bit_cast<double>(u64(field)); }

    // A column of n values (or none when absent and `optional`); current must be finite, targets
    // finite or NaN (missing).
    std::vector<double> column(size_t n, const std::string& field, bool optional, bool allowNaN) {
        const std::uint8_t encoding = std::uint8_t(take(1, field)[0]);
        std::vector<double> v;
        if (encoding == Absent) {
            if (!optional) throw InputError(src_, 0, field, "missing");
            return v;
        }
        if (encoding == Raw) {
            if (n > (bytes_.size() - at_) / sizeof(double)) throw InputError(src_, 0, field, "the file ends early (damaged)");
            v.resize(n);
            std::memcpy(v.data(), take(n * sizeof(double), field).data(), n * sizeof(double));
        } else if (encoding == Runs) {
            const std::uint64_t runs = u64(field);
            if (runs == 0 || runs > n) throw InputError(src_, 0, field, "bad count of runs " + std::to_string(runs));
            v.reserve(n);
            for (std::uint64_t r = 0; r < runs; ++r) {
                const std::uint64_t count = u64(field);
                const double x = f64(field);
                if (count == 0 || count > n - v.size())
                    throw InputError(src_, 0, field, "runs do not add up to steps x batch x neurons");
                v.insert(v.end(), count, x);
            }
            if (v.size() != n) throw InputError(src_, 0, field, "runs do not add up to steps x batch x neurons");
        } else {
            throw InputError(src_, 0, field, "unknown encoding " + std::to_string(encoding));
        }
        for (size_t i = 0; i < v.size(); ++i)
            if (std::isinf(v[i]) || (std::isnan(v[i]) && !allowNaN))
                throw InputError(src_, 0, field + "[" + std::to_string(i) + "]", "expected a finite number");
        return v;
    }
    bool atEnd() const { return at_ == bytes_.size(); }

private:
    std::string_view bytes_;
    size_t at_ = 0;
    std::string src_;
};

// A dataset's shape in data.json; its values come from data.bin.
FitDataset shapeFromJson(const json& j, const std::string& src, const std::string& where) {
    const int steps = int(integerField(j, "steps", 1, 1'000'000'000, src, where));
    const int batch = int(integerField(j, "batch", 1, 1'000'000, src, where));
    const int neurons = int(integerField(j, "neurons", 1, 1'000'000, src, where));
    if (double(steps) * batch * neurons > 1e10) throw InputError(src, 0, where + ".steps", "steps x batch x neurons is too large");
    FitDataset d;
    d.stimulus.steps = steps;
    d.stimulus.batch = batch;
    d.stimulus.neurons = neurons;
    return d;
}

void decodeValues(Decoder& in, FitDataset& d, const std::string& where) {
    const size_t n = size_t(d.stimulus.steps) * d.stimulus.batch * d.stimulus.neurons;
    d.stimulus.current = in.column(n, where + "." + columnNames[0], false, false);
    d.targetV = in.column(n, where + "." + columnNames[1], true, true);
    d.targetCa = in.column(n, where + "." + columnNames[2], true, true);
}

std::string readAll(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(path.string(), 0, {}, "cannot open");
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

std::string encodeRunData(const FitDataset& train, const std::optional<FitDataset>& test) {
    std::string out(magic);
    for (const FitDataset* d : {&train, test ? &*test : nullptr}) {
        if (!d) continue;
        encodeColumn(out, d->stimulus.current);
        encodeColumn(out, d->targetV);
        encodeColumn(out, d->targetCa);
    }
    return out;
}

RunData runShapesFromJson(const json& header, const std::string& src) {
    RunData r{shapeFromJson(member(header, "train", src, "train"), src, "train"), std::nullopt};
    if (header.contains("test")) r.test = shapeFromJson(header["test"], src, "test");
    return r;
}

void decodeRunValues(RunData& shapes, std::string_view bytes, const std::string& src) {
    Decoder in(bytes, src);
    if (in.take(magic.size(), "header") != magic) throw InputError(src, 0, "header", "not an ODYNN data file");
    decodeValues(in, shapes.train, "train");
    if (shapes.test) decodeValues(in, *shapes.test, "test");
    if (!in.atEnd()) throw InputError(src, 0, {}, "unexpected bytes after the data");
}

RunData decodeRunData(const json& header, std::string_view bytes, const std::string& headerSrc,
                      const std::string& binarySrc) {
    RunData r = runShapesFromJson(header, headerSrc);
    const auto size = integerField(header, "bytes", 0, std::numeric_limits<long long>::max(), headerSrc);
    const json& hash = member(header, "fnv1a64", headerSrc, "fnv1a64");
    if (!hash.is_string()) throw InputError(headerSrc, 0, "fnv1a64", "expected a string");
    if (std::uint64_t(size) != bytes.size() || hash.get<std::string>() != hexHash(bytes))
        throw InputError(binarySrc, 0, {}, "does not match " + headerSrc + " (damaged, or from another run)");
    decodeRunValues(r, bytes, binarySrc);
    return r;
}

void writeRunData(const std::string& dir, const FitDataset& train, const std::optional<FitDataset>& test) {
    const std::string bytes = encodeRunData(train, test);
    AtomicFile bin((fs::path(dir) / "data.bin").string());
    bin.write(bytes);
    bin.commit();
    auto shape = [](const FitDataset& d) {
        return json{{"steps", d.stimulus.steps}, {"batch", d.stimulus.batch}, {"neurons", d.stimulus.neurons}};
    };
    json header = {{"format", "odynn-fit-data"}, {"version", 2},            {"values", "data.bin"},
                   {"bytes", bytes.size()},       {"fnv1a64", hexHash(bytes)}, {"train", shape(train)}};
    if (test) header["test"] = shape(*test);
    writeFileAtomically((fs::path(dir) / "data.json").string(), header.dump(1) + "\n");
}

RunData readRunData(const std::string& dir) {
    const fs::path d(dir);
    const std::string dp = (d / "data.json").string();
    const json header = readJsonFile(dp);
    // The earlier form: the values themselves in data.json.
    if (header.is_object() && !header.contains("values")) {
        RunData r{datasetFromJson(member(header, "train", dp, "train"), dp), std::nullopt};
        if (header.contains("test")) r.test = datasetFromJson(header["test"], dp);
        return r;
    }
    const json& values = member(header, "values", dp, "values");
    if (values != "data.bin") throw InputError(dp, 0, "values", "expected \"data.bin\"");
    const fs::path bp = d / "data.bin";
    return decodeRunData(header, readAll(bp), dp, bp.string());
}

}  // namespace odynn::detail
