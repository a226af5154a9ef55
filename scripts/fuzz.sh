#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer and UndefinedBehaviorSanitizer (clang) in
# their own build folder and runs each for SECONDS (default 60) on the seed corpus.
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
seconds=${1:-60}
build=${2:-build-fuzz}
root=$(cd "$(dirname "$0")/.." && pwd)

CXX=${CXX:-clang++} cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DODYNN_BUILD_FUZZERS=ON -DODYNN_BUILD_UI=OFF -DODYNN_BUILD_TESTS=OFF -DODYNN_NATIVE_ARCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Wno-unknown-warning-option"
cmake --build "$build" --target fuzz_readers

# Inputs found during the run go to a scratch copy; the checked-in seeds stay as they are.
work="$build/fuzz-corpus"
mkdir -p "$work" "$build/fuzz-artifacts"
cp -n "$root"/tests/fuzz/corpus/* "$work"/ 2>/dev/null || true
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 LSAN_OPTIONS=suppressions="$root/tests/fuzz/lsan.supp" \
"$build/tests/fuzz/fuzz_readers" "$work" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
  -artifact_prefix="$build/fuzz-artifacts/" -print_final_stats=1
