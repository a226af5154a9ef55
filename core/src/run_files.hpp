#pragma once
// Files of a fit's run folder (written by run_folder.cpp for every objective):
//   settings.json   the problem (circuit, or LSTM network and dt) and the options
//   data.json       the shapes of the training and test data; data.bin their values (run_data.cpp)
//   checkpoint.json optimizer state after the last finished epoch (exact doubles)
//   history.csv     epoch,lr,loss_0..loss_{N-1}[,test_0..test_{N-1}][,stage]
//   params.csv      epoch,set,<parameter names>: every set's parameters after each epoch (circuits)
//   best.json       the best set (circuits: {name: value}, usable as --params / --init; LSTM: a weight file)
//   best_circuit.json the circuit with the best set applied (circuits)
//   best_iterate.json, best_iterate_circuit.json: the same for the lowest loss seen at any epoch
//   summary.json    best_loss, best_index, epochs, wall_seconds, termination, method,
//                   best_iterate_loss, best_iterate_epoch, best_iterate_index
// and the optimizer update ODYNN's method uses.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "odynn/fitting.hpp"

namespace odynn::detail {

std::string formatNumber(double x);  // %.17g (round trip), "nan" when not finite

// NaN travels as null in JSON; doubles keep round-trip precision.
nlohmann::json numbersToJson(const std::vector<double>& v);
std::vector<double> numbersFromJson(const nlohmann::json& a, const std::string& src, const std::string& field);

// j[key] of an object; a missing key or a j that is no object names `field` of file `src`.
const nlohmann::json& member(const nlohmann::json& j, const char* key, const std::string& src, const std::string& field);

// Fields of run-folder files, checked: a damaged file gives one line naming the file and field.
// integerField: a JSON integer in [lo, hi]; numberField: a finite number in [lo, hi];
// finiteNumbersFromJson: an array of finite numbers (no nulls).
long long integerField(const nlohmann::json& j, const char* key, long long lo, long long hi, const std::string& src,
                       const std::string& where = {});
double numberField(const nlohmann::json& j, const char* key, double lo, double hi, const std::string& src,
                   const std::string& where = {});
std::vector<double> finiteNumbersFromJson(const nlohmann::json& a, const std::string& src, const std::string& field);

// checkpoint.json: the optimizer state after `epoch` finished epochs. Sizes are checked against
// what the settings imply (theta: sets x parameters, m and v: sets x free variables).
struct Checkpoint {
    int epoch = 0;
    std::vector<double> theta, m, v, lastLoss;
    double wallSeconds = 0;
};
nlohmann::json checkpointToJson(const Checkpoint& c);
// The checkpoint's "best_iterate": {loss, epoch, set, params} (exact doubles); absent in
// checkpoints written before it existed (then no best iterate is known yet).
nlohmann::json bestIterateToJson(const BestIterate& b);
BestIterate bestIterateFromJson(const nlohmann::json& j, const std::string& src, size_t paramsSize, int sets);
Checkpoint checkpointFromJson(const nlohmann::json& j, const std::string& src, size_t thetaSize, size_t momentSize,
                              int sets);

// A dataset with its values in JSON arrays: data.json of earlier run folders.
nlohmann::json datasetToJson(const FitDataset& d);
FitDataset datasetFromJson(const nlohmann::json& j, const std::string& src);

// data.json and data.bin (run_data.cpp): the training and test data of a run folder, written
// atomically (data.bin first; data.json records its size and hash) and read back bit for bit.
// readRunData also reads the earlier form, the values in data.json itself.
struct RunData {
    FitDataset train;
    std::optional<FitDataset> test;
};
void writeRunData(const std::string& dir, const FitDataset& train, const std::optional<FitDataset>& test);
RunData readRunData(const std::string& dir);
// The parts of reading and writing: data.bin's bytes; the shapes in data.json's header;
// decoding data.bin's bytes into those shapes (checked field by field); and both, after
// checking the bytes against the size and hash the header records.
std::string encodeRunData(const FitDataset& train, const std::optional<FitDataset>& test);
RunData runShapesFromJson(const nlohmann::json& header, const std::string& src);
void decodeRunValues(RunData& shapes, std::string_view bytes, const std::string& src);
RunData decodeRunData(const nlohmann::json& header, std::string_view bytes, const std::string& headerSrc,
                      const std::string& binarySrc);

// A fit's options in settings.json (the learning rate as resolved for the run); fixed
// parameters and groups may be absent (LSTM runs have none).
nlohmann::json optionsToJson(const FitOptions& o, const LearningRate& lr);
FitOptions optionsFromJson(const nlohmann::json& j, const std::string& src);

// history.csv: epoch,lr,loss_0..loss_{N-1}[,test_0..test_{N-1}] (test cells empty in epochs
// without a test evaluation), and the stage of a method that has stages.
std::string historyHeader(int sets, bool withTest, bool withStage);
std::string historyLine(const EpochSummary& s, int sets, bool withTest, bool withStage);

void appendLine(const std::filesystem::path& file, const std::string& line);
// Keeps the header and the first `rows` data lines (drops rows written after the checkpoint).
std::vector<std::string> keepLines(const std::filesystem::path& file, size_t rows);

// summary.json: best_loss, best_index, epochs, wall_seconds, termination, method[, message]
// and, when a best iterate exists, best_iterate_loss, best_iterate_epoch, best_iterate_index.
void writeSummary(const std::string& dir, const FitResult& r, double wallSeconds, FitMethod method);

// Adam in TensorFlow 1's form: lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t) at step t (from 1),
// m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, x -= lr_t m / (sqrt(v) + eps),
// with g scaled by `clip` (global-norm clipping of the set's gradient).
struct AdamTf1 {
    static constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    static double stepSize(double lr, int t);
    static void update(double* x, double* m, double* v, const double* g, int n, double lrT, double clip);
};
// Index of the lowest finite loss (-1 when every loss is NaN or infinite) and that loss (+inf).
std::pair<int, double> bestFinite(const std::vector<double>& losses);

// Factor that scales a gradient of squared norm `norm2` to a norm of at most clipNorm.
double clipFactor(double norm2, double clipNorm);

}  // namespace odynn::detail
