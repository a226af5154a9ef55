// Built without MPI: always one process.
#include <cstdlib>

#include "process_partition.hpp"

namespace odynn::cli {

void startProcesses(int&, char**&) {}
void finishProcesses() {}
void abortProcesses(int code) { std::exit(code); }
int processRank() { return 0; }
int processCount() { return 1; }
std::shared_ptr<const SetPartition> processPartition() { return std::make_shared<SetPartition>(); }

}  // namespace odynn::cli
