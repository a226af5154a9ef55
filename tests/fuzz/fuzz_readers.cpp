// libFuzzer target for the readers of untrusted files: numeric CSV tables, text CSV tables,
// calcium recordings (with their import), odynn-circuit JSON, model files (.odm) and a fit's
// run-folder files (settings.json options, data.json datasets, checkpoint.json, data.bin). The
// first byte picks the reader (from 250 on: the run-folder readers, 250 + 3k settings and data.json,
// 251 + 3k checkpoint.json, 252 + 3k data.bin; below, the byte modulo 5), the rest is the file. Rejecting bad input with odynn::InputError is the contract;
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
#include "run_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        switch (data[0] >= 250 ? 5 + (data[0] - 250) % 3 : data[0] % 5) {
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
        case 3: {
            const nlohmann::json doc = odynn::parseJsonText(text, "fuzz.json");
            const odynn::Circuit c = odynn::circuitFromJson(doc, "fuzz.json");
            odynn::circuitToJson(c).dump();
            break;
        }
        case 5: {
            // settings.json's options and data.json's datasets (bounded in size by the reader).
            const nlohmann::json doc = odynn::parseJsonText(text, "settings.json");
            if (doc.is_object() && doc.contains("options")) odynn::detail::optionsFromJson(doc["options"], "settings.json");
            if (doc.is_object() && doc.contains("train") && doc["train"].is_object() && doc["train"].contains("steps") &&
                doc["train"]["steps"].is_number_integer() && doc["train"]["steps"].get<long long>() < 100000)
                odynn::detail::datasetFromJson(doc["train"], "data.json");
            if (doc.is_object() && doc.contains("values")) odynn::detail::runShapesFromJson(doc, "data.json");
            break;
        }
        case 7: {
            // data.bin of a run with 50 steps x 2 inputs of training data and 20 steps of test data.
            odynn::detail::RunData shapes;
            shapes.train.stimulus = odynn::Stimulus(0, 2, 1);
            shapes.train.stimulus.steps = 50;
            shapes.test.emplace();
            shapes.test->stimulus.steps = 20;
            odynn::detail::decodeRunValues(shapes, text, "data.bin");
            break;
        }
        default: {
            // checkpoint.json of a run of 2 sets x 3 parameters with 2 free variables each.
            const nlohmann::json doc = odynn::parseJsonText(text, "checkpoint.json");
            odynn::detail::checkpointFromJson(doc, "checkpoint.json", 6, 4, 2);
            break;
        }
        }
    } catch (const odynn::InputError&) {
    }
    return 0;
}
