#!/usr/bin/env bash
# The whole test suite: installs what the tests need (MPICH, Slurm), builds, starts a private single-node
# Slurm for the srun tests, runs every test, and stops the daemons it started.
# usage: scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh slurm-wlm munge
echo "==> swift build (debug, with tests)"
swift build --build-tests -j 2
slurm_dir=$(mktemp -d /tmp/otel-slurm-XXXXXX)
cleanup() { "$root/scripts/slurm-down.sh" "$slurm_dir"; }
trap cleanup EXIT
echo "==> starting a single-node Slurm in $slurm_dir"
if conf=$(scripts/slurm-up.sh "$slurm_dir"); then
  export OTEL_TEST_SLURM_CONF=$conf
else
  echo "error: could not start Slurm (see $slurm_dir/log)" >&2
  exit 1
fi
echo "==> swift test"
swift test --skip-build "$@"
