#!/usr/bin/env bash
# Builds the core, odynn-cli and the core test suites with AddressSanitizer and
# UndefinedBehaviorSanitizer (ODYNN_SANITIZE, float-cast-overflow included) in ./build-asan and
# runs those suites; any sanitizer report fails the run. No UI: the desktop suites are covered by
# the normal build. Extra arguments go to CTest (e.g. -R test_csv).
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 keeps a sanitized Debug build fast enough for the fitting suites (as ASan recommends).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  -DODYNN_SANITIZE=ON -DODYNN_BUILD_UI=OFF -DODYNN_NATIVE_ARCH=OFF "${launcher[@]}"
cmake --build build-asan -j"$(nproc)"
cd build-asan
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# GiNaC's number library (CLN) allocates its tables once at start-up and never frees them.
export LSAN_OPTIONS=suppressions="$PWD/../tests/fuzz/lsan.supp":print_suppressions=0
# A sanitized Debug build is several times slower: QtTest's per-function limit (5 min) is raised.
export QTEST_FUNCTION_TIMEOUT=1800000
# OpenMPI does not free its own start-up allocations at MPI_Finalize, so LeakSanitizer would
# fail the mpirun suite for the library's sake; that suite runs in the normal build.
ctest --output-on-failure --timeout 1800 -j1 -E '^test_fit_mpi$' "$@"
