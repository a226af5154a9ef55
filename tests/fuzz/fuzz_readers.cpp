// libFuzzer target for the readers of untrusted files: numeric CSV tables, text CSV tables,
// calcium recordings (with their import), odynn-circuit JSON and model files (.odm). The first byte picks the
// reader, the rest is the file. Rejecting bad input with odynn::InputError is the contract;
// any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/model_file.hpp"
#include "odynn/trace_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        switch (data[0] % 5) {
        case 0: {
            const odynn::CsvTable t = odynn::parseCsv(text, "fuzz.csv");
            if (t.columnIndex("t") >= 0) odynn::uniformStep(t);
            break;
        }
        case 1:
            odynn::parseTextCsv(text, "fuzz.csv");
            break;
        case 2: {
            const odynn::RawTrace raw = odynn::parseTraceCsv(text, "fuzz.csv");
            odynn::TraceImportOptions o;
            o.dt = 0.5;
            o.timeScale = 1.0;
            // Bound the output size: only recordings spanning at most 10,000 steps are resampled.
            if (raw.time.back() - raw.time.front() <= 5000) odynn::importTrace(raw, o);
            break;
        }
        case 4:
            odynn::compileModel(text, "fuzz.odm");
            break;
        default: {
            const nlohmann::json doc = odynn::parseJsonText(text, "fuzz.json");
            const odynn::Circuit c = odynn::circuitFromJson(doc, "fuzz.json");
            odynn::circuitToJson(c).dump();
            break;
        }
        }
    } catch (const odynn::InputError&) {
    }
    return 0;
}
