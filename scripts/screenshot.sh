#!/usr/bin/env bash
# Renders docs/screenshot.png, the README's picture: the desktop app under a real X server
# (xvfb-run) with the bundled example circuit, its simulated traces, and a self-fit running
# with its live plots. Builds first when the app is missing.
#   scripts/screenshot.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
if [ ! -x "$build/ui/odynn" ]; then
  scripts/install-deps.sh
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build" -j"$(nproc)" --target odynn
fi
command -v xvfb-run >/dev/null || { echo "error: xvfb-run is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
mkdir -p docs
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A fresh settings folder, so a user's saved dock layout does not leak into the picture.
XDG_CONFIG_HOME="$tmp" XDG_RUNTIME_DIR="$tmp" QT_QPA_PLATFORM=xcb \
  xvfb-run -a --server-args="-screen 0 1600x1000x24" \
  "$build/ui/odynn" --screenshot "$tmp/screenshot.png" --fit-epochs 12 --fit-population 40
# Indexed colours keep the PNG small without visible loss when a converter is at hand.
if command -v pngquant >/dev/null; then
  pngquant --force --output docs/screenshot.png 256 "$tmp/screenshot.png"
else
  cp "$tmp/screenshot.png" docs/screenshot.png
fi
echo "wrote docs/screenshot.png ($(du -k docs/screenshot.png | cut -f1) KB)"
