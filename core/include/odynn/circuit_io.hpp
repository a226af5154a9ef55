#pragma once
// The "odynn-circuit" exchange format (JSON), read and written by the CLI and the app.
// Extra top-level keys (the app's stimuli, datasets, fit settings) are ignored when reading;
// the app writes its own keys beside those of circuitToJson.
#include <string>

#include <nlohmann/json.hpp>

#include "odynn/circuit.hpp"

namespace odynn {

// Parameters left out take the model's defaults; unknown keys are an error naming the key.
// `sourceName` names the file in error messages.
Circuit circuitFromJson(const nlohmann::json& doc, const std::string& sourceName = {});
nlohmann::json circuitToJson(const Circuit& circuit);

Circuit loadCircuit(const std::string& path);                  // throws InputError
void saveCircuit(const Circuit& circuit, const std::string& path);  // atomic

// Reads a JSON file (throws InputError with line/column on a syntax error).
nlohmann::json readJsonFile(const std::string& path);
// The same for text already read; `sourceName` names it in messages.
nlohmann::json parseJsonText(const std::string& text, const std::string& sourceName);
// Writes text atomically: a temporary file beside `path`, flushed, then renamed over it.
void writeFileAtomically(const std::string& path, const std::string& text);

// A single neuron's parameters as {"name": value}; missing names take defaults,
// unknown names or non-finite values are errors.
std::vector<double> paramsFromJson(const ModelSpec& spec, const nlohmann::json& obj,
                                   const std::string& sourceName = {});
nlohmann::json paramsToJson(const ModelSpec& spec, const std::vector<double>& params);

}  // namespace odynn
