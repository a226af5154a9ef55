#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds, and runs every test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
# UI suites use the offscreen platform; the window-render suite brings its own Xvfb.
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 900 -j1
