#!/usr/bin/env bash
# Sets up, builds and runs ODYNN Studio with its bundled example circuit. Without a display
# (or with --headless) it runs the headless example instead: the default C. elegans neuron
# under a step current, written as a trace (CSV) and a figure of V, Ca and the gates (PNG, PDF).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null

headless=0
[ "${1:-}" = "--headless" ] && headless=1
[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && headless=1

if [ "$headless" -eq 0 ]; then
  exec build/ui/odynn
fi

out=out/example
mkdir -p "$out"
build/app/odynn-cli simulate --model celegans --input resources/examples/step_current.csv --out "$out/celegans_trace.csv"
QT_QPA_PLATFORM=offscreen build/app/odynn-plot "$out/celegans_trace.csv" --out "$out/celegans_trace" \
  --title "C. elegans neuron, default parameters, 20 current step from 400 to 800 ms"
echo "Wrote $out/celegans_trace.csv, $out/celegans_trace.png and $out/celegans_trace.pdf"
