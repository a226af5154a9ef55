#!/usr/bin/env bash
# The kernels of every x86-64 level give the same numbers, and odynn-cli picks the right level
# on older CPUs: a simulation of a neuron, of a circuit with synapses and gap junctions and of
# a model file, and a short fit (ODYNN's method), run natively at every level this CPU has
# (ODYNN_ISA) and under qemu-x86_64 emulating a Nehalem (x86-64-v2) and a Haswell (x86-64-v3)
# CPU; every output must equal the native run's byte for byte.
# usage: scripts/test-isa-levels.sh [BUILD_DIR]   (qemu-user: scripts/install-deps.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/odynn-cli
data=$root/tests/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_all DIR [LAUNCHER...]: the level odynn-cli chooses, then the runs, into DIR.
run_all() {
  local out=$1
  shift
  mkdir -p "$out"
  "$@" "$cli" --version | sed -n 2p > "$out/level"
  "$@" "$cli" simulate --model celegans --params "$data/golden/celegans_random1_params.json" \
    --input "$data/golden/celegans_random1_input.csv" --out "$out/celegans.csv" > /dev/null
  "$@" "$cli" simulate --circuit "$data/golden/circuit_pair.json" --input "$data/golden/circuit_pair_input.csv" \
    --out "$out/circuit.csv" > /dev/null
  "$@" "$cli" simulate --model "$root/resources/models/celegans.odm" --input "$data/golden/celegans_random1_input.csv" \
    --out "$out/model_file.csv" > /dev/null
  "$@" "$cli" fit --model celegans --data "$data/fit_synthetic/train_b0.csv" "$data/fit_synthetic/train_b1.csv" \
    --population 4 --epochs 6 --seed 3 --threads 2 --out "$out/fit" > /dev/null
}

# same REFERENCE DIR: every output of DIR equals REFERENCE's (the checkpoint's wall time aside).
same() {
  local f
  for f in celegans.csv circuit.csv model_file.csv fit/history.csv fit/params.csv fit/best.json fit/checkpoint.json; do
    if ! cmp -s <(sed 's/"wall_seconds":[^,}]*//' "$1/$f") <(sed 's/"wall_seconds":[^,}]*//' "$2/$f"); then
      echo "FAIL: $(cat "$2/level") gives another $f than $(cat "$1/level")"
      return 1
    fi
  done
}

status=0
run_all "$work/native"
echo "native: $(cat "$work/native/level")"
for level in v1 v2 v3 v4; do
  ODYNN_ISA=$level run_all "$work/$level" env ODYNN_ISA=$level 2> "$work/$level.err" || { cat "$work/$level.err"; exit 1; }
  if grep -q "cannot run" "$work/$level.err"; then
    echo "$level: not on this CPU"
    continue
  fi
  same "$work/native" "$work/$level" && echo "$level: $(cat "$work/$level/level"), same results" || status=1
done

for cpu in Nehalem:x86-64-v2 Haswell:x86-64-v3; do
  name=${cpu%%:*} expected=${cpu#*:}
  run_all "$work/$name" qemu-x86_64 -cpu "$name" 2> "$work/$name.err" || { echo "FAIL: $name"; cat "$work/$name.err"; exit 1; }
  if [ "$(cat "$work/$name/level")" != "kernels: $expected" ]; then
    echo "FAIL: under a $name CPU odynn-cli chose '$(cat "$work/$name/level")', not $expected"
    status=1
  fi
  same "$work/native" "$work/$name" && echo "qemu -cpu $name: $(cat "$work/$name/level"), same results" || status=1
done
exit $status
