#pragma once
// Models written as equations (SPEC 1.5): a model file (.odm) declares a model's parameters,
// states and update equations; it is parsed, differentiated symbolically and compiled into
// kernels of the same model interface as the built-in models (model.hpp), so that it can be
// simulated, differentiated and fitted everywhere.
//
//   model NAME ["description"]
//   parameter NAME = DEFAULT [bounds LO HI] [random LO HI] [unit UNIT] ["description"]
//   state NAME = INITIAL [voltage | calcium] [unit UNIT] ["description"]
//   NAME = EXPRESSION                                  # a helper
//   dNAME/dt = EXPRESSION [: implicit | exponential | euler]
//   NAME' = EXPRESSION                                 # an explicit discrete map
//
// Bad input throws InputError naming file:line:column and the symbol.
#include <memory>
#include <string>
#include <vector>

#include "odynn/model.hpp"

namespace odynn {

// Parses and compiles the text of a model file; `sourceName` names it in errors. The entry is
// not registered (neurons cannot name it yet).
std::shared_ptr<const ModelSpec> compileModel(const std::string& text, const std::string& sourceName = {});
// Compiles and registers the text of a model file (see registerModel); returns the registered entry.
const ModelSpec& registerModelSource(const std::string& text, const std::string& sourceName = {});
// Reads, compiles and registers a .odm file.
const ModelSpec& loadModelFile(const std::string& path);
// A model file's helpers named I_* (uA/cm2, with the sign they are written with), evaluated at
// each recorded row from the parameters and that row's states (states[s][t], the model's state
// order); helpers that use i_inj or dt are left out. Empty for built-in models.
std::vector<std::string> modelFileCurrentNames(const ModelSpec& spec);
std::vector<std::vector<double>> modelFileCurrents(const ModelSpec& spec, const std::vector<double>& params,
                                                   const std::vector<std::vector<double>>& states);

// Whether a --model argument names a model file rather than a registered model.
bool isModelFilePath(const std::string& argument);

}  // namespace odynn
