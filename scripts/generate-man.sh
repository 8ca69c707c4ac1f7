#!/usr/bin/env bash
# Regenerates man/otel-instrument.1 from the launcher's configuration table and registry
# (`otel-instrument --generate-man`). LauncherTests checks that the committed page matches.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build-launcher}
swift build --scratch-path "$scratch" --product otel-instrument -j 2 >/dev/null
"$(swift build --scratch-path "$scratch" --show-bin-path 2>/dev/null)/otel-instrument" --generate-man > man/otel-instrument.1
echo "wrote man/otel-instrument.1"
