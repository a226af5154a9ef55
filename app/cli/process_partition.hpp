#pragma once
// The processes of one fit: a lone process, or the ranks of an MPI job (`mpirun -np N
// odynn-cli fit ...`) that share the population's sets out among themselves. MPI is started only
// when the program was launched by an MPI launcher, so a plain odynn-cli never touches it.
#include <memory>

#include "odynn/fitting.hpp"

namespace odynn::cli {

void startProcesses(int& argc, char**& argv);
void finishProcesses();
// Ends every process of the job with `code` (a failing rank must not leave the others waiting).
[[noreturn]] void abortProcesses(int code);
int processRank();
int processCount();
inline bool isReportingProcess() { return processRank() == 0; }
std::shared_ptr<const SetPartition> processPartition();

}  // namespace odynn::cli
