#!/usr/bin/env bash
# Installs the Debian 12 packages itbound needs (only those missing). Needs root or sudo.
set -euo pipefail
packages=(build-essential cmake git libboost-math-dev libeigen3-dev libnlopt-cxx-dev nlohmann-json3-dev doctest-dev zlib1g-dev
  libcli11-dev pybind11-dev python3-dev python3-numpy python3-scipy python3-sklearn python3-matplotlib
  python3-pytest python3-mpmath jupyter-nbconvert python3-nbclient python3-ipykernel python3-dask
  python3-venv python3-pip python3-mypy python3-yaml python3-torch
  python3-jsonschema python3-pandas texlive-latex-base)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "deps: installing ${missing[*]}" >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
