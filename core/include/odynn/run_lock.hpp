#pragma once
// Safe use of a fit's run folder by one process at a time.
#include <string>

namespace odynn {

// Exclusive use of a run folder (created when missing) while a fit writes it: an advisory lock
// on "<dir>/.lock" that the system releases when the process ends, however it ends. A second
// fit on the same folder (two `fit --resume` at once) is refused with an InputError.
class RunFolderLock {
public:
    explicit RunFolderLock(const std::string& dir);
    ~RunFolderLock();
    RunFolderLock(const RunFolderLock&) = delete;
    RunFolderLock& operator=(const RunFolderLock&) = delete;

private:
    int fd_ = -1;
};

// Before a new fit writes into `dir`: a folder that already holds a run is refused (InputError)
// unless `overwrite`, in which case that run's files are removed first so nothing of the old
// run (a stale best.json) survives beside the new one.
void prepareNewRunFolder(const std::string& dir, bool overwrite);

// Before resuming: removes temporary files that a killed process left behind.
void tidyRunFolder(const std::string& dir);

// `fit --resume DIR --epochs N`: the new total goes into settings.json, so that a later resume
// without --epochs continues to N, not to the original total.
void recordRunEpochs(const std::string& dir, int epochs);

}  // namespace odynn
