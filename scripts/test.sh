#!/usr/bin/env bash
# The whole test suite: installs what the tests need, builds, runs every test.
# usage: scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "==> swift build (debug, with tests)"
swift build --build-tests -j 2
echo "==> swift test"
swift test --skip-build "$@"
