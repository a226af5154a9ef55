#!/bin/sh
# Checks that the per-level kernel copies (core/src/kernel_level.hpp) stay apart:
#  1. every symbol a level's objects define for the linker lies in that level's namespaces
#     (isa_<level>, odynn_eigen_<level>), so no copy can stand in for another's code;
#  2. in the program, only v4 functions hold AVX-512 (zmm) instructions and only v3/v4
#     functions hold AVX (ymm) ones, so the rest runs on any x86-64 CPU.
# usage: check_kernel_levels.sh PROGRAM LEVEL=OBJECT,OBJECT... ...
set -eu
program=$1
shift
[ $# -gt 0 ] || { echo "no levels given"; exit 1; }
status=0
for spec in "$@"; do
  level=${spec%%=*}
  objects=$(printf '%s' "${spec#*=}" | tr ',' ' ')
  # shellcheck disable=SC2086
  symbols=$(nm -C --defined-only -g $objects | grep -E '^[0-9a-f]+ [A-Za-z] ')
  if ! printf '%s\n' "$symbols" | grep -q "isa_$level::table()"; then
    echo "level $level: no kernel table in $objects"
    status=1
  fi
  # DW.ref.__gxx_personality_v0: the exception tables' pointer to the C++ runtime (data, no code).
  stray=$(printf '%s\n' "$symbols" | grep -v -e "isa_$level" -e "odynn_eigen_$level" -e " DW.ref.__gxx_personality_v0$" ||
          true)
  if [ -n "$stray" ]; then
    echo "level $level defines symbols outside its namespaces:"
    echo "$stray"
    status=1
  fi
done
objdump -d --no-show-raw-insn -C "$program" > "${TMPDIR:-/tmp}/check_kernel_levels.$$"
trap 'rm -f "${TMPDIR:-/tmp}/check_kernel_levels.$$"' EXIT
grep -q "isa_v4::" "${TMPDIR:-/tmp}/check_kernel_levels.$$" || { echo "$program: no v4 kernels found"; exit 1; }
awk '
  /^[0-9a-f]+ <.*>:$/ { fn = $0; next }
  /%zmm/ && fn !~ /isa_v4|odynn_eigen_v4/ { zmm[fn] = 1 }
  /%ymm/ && fn !~ /isa_v[34]|odynn_eigen_v[34]/ { ymm[fn] = 1 }
  END {
    bad = 0
    for (f in zmm) { print "AVX-512 outside the v4 kernels: " f; bad = 1 }
    for (f in ymm) { print "AVX outside the v3/v4 kernels: " f; bad = 1 }
    exit bad
  }' "${TMPDIR:-/tmp}/check_kernel_levels.$$" || status=1
[ $status -eq 0 ] && echo "kernel levels: symbols and instructions stay in their level"
exit $status
