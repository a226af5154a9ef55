#include "odynn/atomic_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <regex>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"

namespace odynn {
namespace fs = std::filesystem;

std::string AtomicFile::temporaryPath(const std::string& path) {
    const fs::path target(path);
    return (target.parent_path() / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()))).string();
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_(temporaryPath(path_)) {
    file_ = std::fopen(tmp_.c_str(), "wb");
    if (!file_) throw InputError(path_, 0, {}, "cannot write the file (is the folder writable?)");
    // Large writes (simulations of millions of rows) go out in 1 MiB blocks.
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::~AtomicFile() {
    if (file_) {
        std::fclose(file_);
        std::error_code ec;
        fs::remove(tmp_, ec);
    }
}

void AtomicFile::write(std::string_view text) {
    if (!failed_ && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

void AtomicFile::commit() {
    const bool ok = !failed_ && !std::ferror(file_) && std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    std::error_code ec;
    if (!ok || !closed) {
        fs::remove(tmp_, ec);
        throw InputError(path_, 0, {}, "writing failed (disk full?); the previous file is unchanged");
    }
    fs::rename(tmp_, path_, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp_, ignored);
        throw InputError(path_, 0, {}, "cannot replace the file: " + ec.message());
    }
}

void writeFileAtomically(const std::string& path, const std::string& content) {
    AtomicFile file(path);
    file.write(content);
    file.commit();
}

void removeStaleTemporaries(const std::string& dir) {
    static const std::regex temporary(R"(\..+\.tmp([0-9]{1,9}))");
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (!std::regex_match(name, m, temporary)) continue;
        const long pid = std::stol(m[1].str());
        const bool running = pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
        if (!running) fs::remove(entry.path(), ec);
    }
}

}  // namespace odynn
