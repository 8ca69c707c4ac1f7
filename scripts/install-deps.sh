#!/usr/bin/env bash
# Installs the system packages the build and the tests need on a fresh Debian 12 machine with Swift:
# MPICH (the MPI the CMPI module is written against), Slurm and munge (the srun tests).
# Idempotent: packages already present are skipped quickly.
set -euo pipefail
packages=(libmpich-dev mpich pkg-config "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing ${missing[*]}"
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: swift is not on PATH (install Swift 6.2 or later)" >&2; exit 1; }
