// MPI ranks as a SetPartition: each rank computes its block of sets, MPI_Allgatherv gives every
// rank every block (the same doubles, so the fit is the same on 1 or N processes).
#include <mpi.h>

#include <cstdlib>
#include <vector>

#include "process_partition.hpp"

namespace odynn::cli {

namespace {

bool started = false;

bool launchedByMpi() {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
        if (std::getenv(var)) return true;
    return false;
}

class MpiPartition : public SetPartition {
public:
    int rank() const override { return processRank(); }
    int size() const override { return processCount(); }
    void share(std::vector<double>& values, int sets, int width) const override {
        const int n = size();
        std::vector<int> counts(n), offsets(n);
        for (int r = 0; r < n; ++r) {
            const int b = int(std::int64_t(sets) * r / n), e = int(std::int64_t(sets) * (r + 1) / n);
            counts[r] = (e - b) * width;
            offsets[r] = b * width;
        }
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, values.data(), counts.data(), offsets.data(), MPI_DOUBLE,
                       MPI_COMM_WORLD);
    }
};

}  // namespace

void startProcesses(int& argc, char**& argv) {
    if (!launchedByMpi()) return;
    MPI_Init(&argc, &argv);
    started = true;
}

void finishProcesses() {
    if (started) MPI_Finalize();
    started = false;
}

void abortProcesses(int code) {
    if (started && processCount() > 1) MPI_Abort(MPI_COMM_WORLD, code);
    finishProcesses();
    std::exit(code);
}

int processRank() {
    int r = 0;
    if (started) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int processCount() {
    int n = 1;
    if (started) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

std::shared_ptr<const SetPartition> processPartition() {
    if (processCount() == 1) return std::make_shared<SetPartition>();
    return std::make_shared<MpiPartition>();
}

}  // namespace odynn::cli
