#!/usr/bin/env bash
# The main job on a bundled example: installs what is needed, builds, and traces `bsb compile --clear`.
# usage: scripts/run-example.sh [quickstart|tinyconn|medium]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
example=${1:-quickstart}
config="$root/examples/$example.json"
[[ -f $config ]] || { echo "error: no example '$example' (have: $(cd "$root/examples" && ls *.json | sed 's/.json//' | tr '\n' ' '))" >&2; exit 2; }
"$root/scripts/install-deps.sh"
echo "==> swift build -c release"
# The Swift runtime and Foundation linked statically: what we ship, and half the start-up of dynamic loading.
(cd "$root" && swift build -c release --static-swift-stdlib -j 2 --product otel-instrument 2>&1 | grep -E "error|Build" | tail -1)
(cd "$root" && swift build -c release --static-swift-stdlib -j 2 --product bsb >/dev/null 2>&1)
bin=$(cd "$root" && swift build -c release --static-swift-stdlib --show-bin-path)
work="$root/run/$example"
mkdir -p "$work"
cp "$config" "$work/network_configuration.json"
cd "$work"
echo "==> in $work:"
echo "    otel-instrument --traces_exporter jsonlines --service_name \"BSB Workflow\" bsb compile --clear"
"$bin/otel-instrument" --traces_exporter jsonlines --service_name "BSB Workflow" bsb compile --clear
trace=$(ls -t "$work"/traces_*.jsonlines | head -1)
echo "==> trace: $trace ($(wc -l <"$trace") spans)"
echo "    see where the time went: $bin/bsb trace summary $trace"
echo "    what the network holds:  (cd $work && $bin/bsb show)"
