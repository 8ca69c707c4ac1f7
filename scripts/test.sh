#!/usr/bin/env bash
# The whole test suite: installs what the tests need (MPICH, Slurm, the rotel collector), builds, starts a
# private single-node Slurm for the srun tests and a rotel OTLP collector for the OTLP tests, runs every test,
# and stops the daemons it started.
# usage: scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh slurm-wlm munge
echo "==> swift build (debug, with tests)"
swift build --build-tests -j 2
slurm_dir=$(mktemp -d /tmp/otel-slurm-XXXXXX)
collector_dir=$(mktemp -d /tmp/otel-collector-XXXXXX)
# Every temporary file of the tests goes under one directory, removed at the end whatever the outcome: the
# end-to-end tests alone write hundreds of megabytes per run.
tests_tmp=$(mktemp -d /tmp/otel-tests-XXXXXX)
cleanup() {
  "$root/scripts/collector-down.sh" "$collector_dir"
  "$root/scripts/slurm-down.sh" "$slurm_dir"
  rm -rf "$tests_tmp"
}
trap cleanup EXIT
echo "==> starting a single-node Slurm in $slurm_dir"
if conf=$(scripts/slurm-up.sh "$slurm_dir"); then
  export OTEL_TEST_SLURM_CONF=$conf
else
  echo "error: could not start Slurm (see $slurm_dir/log)" >&2
  exit 1
fi
# rotel (PyPI, pinned; the wheel carries the binary) in a cached venv: ROTEL_VENV, see scripts/collector-up.sh.
export ROTEL_VENV=${ROTEL_VENV:-$HOME/.cache/otel-instrument/rotel-venv}
echo "==> starting the rotel OTLP collector (127.0.0.1:4317 gRPC, :4318 HTTP) in $collector_dir"
if sink=$(scripts/collector-up.sh "$collector_dir"); then
  export OTEL_TEST_COLLECTOR_SINK=$sink
else
  echo "error: could not start the rotel collector (see $collector_dir/rotel.log)" >&2
  exit 1
fi
echo "==> swift test (temporary files in $tests_tmp)"
TMPDIR=$tests_tmp swift test --skip-build "$@"
