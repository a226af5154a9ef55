#include "odynn/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "odynn/atomic_file.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"

namespace odynn {
namespace fs = std::filesystem;

namespace {
// Every file a run folder holds (biophysical and LSTM fits).
const char* const runFiles[] = {"settings.json",     "data.json",    "data.bin",          "checkpoint.json",
                                "history.csv",       "params.csv",   "best.json",         "best_circuit.json",
                                "summary.json",      "best_iterate.json", "best_iterate_circuit.json"};
}  // namespace

RunFolderLock::RunFolderLock(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir, 0, {}, "cannot create the run folder: " + ec.message());
    const std::string path = (fs::path(dir) / ".lock").string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError(dir, 0, {}, "cannot write in the run folder");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        fd_ = -1;
        throw InputError(dir, 0, {}, "another fit is writing this run folder; wait for it to finish or stop it");
    }
}

RunFolderLock::~RunFolderLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

void prepareNewRunFolder(const std::string& dir, bool overwrite) {
    std::error_code ec;
    bool holdsRun = false;
    for (const char* name : runFiles) holdsRun |= fs::exists(fs::path(dir) / name, ec);
    if (holdsRun && !overwrite)
        throw InputError(dir, 0, "--out",
                         "the folder already holds a fit; continue it with --resume, or replace it with --overwrite");
    for (const char* name : runFiles) fs::remove(fs::path(dir) / name, ec);
    removeStaleTemporaries(dir);
}

void tidyRunFolder(const std::string& dir) { removeStaleTemporaries(dir); }

void recordRunEpochs(const std::string& dir, int epochs) {
    const std::string path = (fs::path(dir) / "settings.json").string();
    nlohmann::json settings = readJsonFile(path);
    if (!settings.is_object() || !settings.contains("options") || !settings["options"].is_object())
        throw InputError(path, 0, "options", "missing the fit's options");
    settings["options"]["epochs"] = epochs;
    writeFileAtomically(path, settings.dump(1) + "\n");
}

}  // namespace odynn
