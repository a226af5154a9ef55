#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, test and run ODYNN Studio (as root, or
# through sudo). Packages already present are skipped.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config dpkg-dev file
  qt6-base-dev qt6-svg-dev libqcustomplot-dev libgl-dev
  libeigen3-dev libboost-graph-dev nlohmann-json3-dev libcli11-dev libcsv-dev libhdf5-dev libginac-dev
  libnlopt-cxx-dev libgsl-dev openmpi-bin libopenmpi-dev
  xvfb xauth fonts-dejavu-core poppler-utils
  qemu-user binutils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "All build dependencies are installed."
  exit 0
fi

echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
