#pragma once
// Output files that are either complete or absent: everything is written to a temporary file
// beside the target (".<name>.tmp<pid>"), flushed to disk, then renamed over the target. A full
// disk, an error or a killed process leaves the previous file as it was.
#include <cstdio>
#include <string>
#include <string_view>

namespace odynn {

class AtomicFile {
public:
    explicit AtomicFile(std::string path);  // throws InputError when the folder is not writable
    ~AtomicFile();                          // removes the temporary file unless committed
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view text);
    std::FILE* stream() { return file_; }
    // Flushes, syncs and renames over the target; throws InputError (disk full, rename failed).
    void commit();

    static std::string temporaryPath(const std::string& path);

private:
    std::string path_, tmp_;
    std::FILE* file_ = nullptr;
    bool failed_ = false;
};

// Removes the temporary files (".<name>.tmp<pid>") that processes killed while writing left in
// `dir`; files of a process still running are kept.
void removeStaleTemporaries(const std::string& dir);

}  // namespace odynn
