#!/usr/bin/env bash
# Start-up of the launcher: `otel-instrument --traces_exporter jsonlines bsb --version`, 50 runs, median.
#
# Usage: scripts/bench-startup.sh [RUNS]     (builds the release binary first; BIN=path skips the build;
#        STATIC=1 links the Swift runtime and Foundation statically, in its own scratch directory)
# Goal: under 10 ms median (the Python `opentelemetry-instrument` needs 221 ms before the program starts).
# Times come from bash's $EPOCHREALTIME, so no extra process is started around each run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
if [[ -z "${BIN:-}" ]]; then
    flags=(-c release -j 2 --scratch-path "${SCRATCH:-.build-launcher}")
    [[ -n "${STATIC:-}" ]] && flags=(-c release -j 2 --static-swift-stdlib --scratch-path "${SCRATCH:-.build-launcher-static}")
    swift build "${flags[@]}" --product otel-instrument >/dev/null
    BIN="$(swift build "${flags[@]}" --show-bin-path 2>/dev/null)/otel-instrument"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Prints the median wall time in milliseconds of `runs` runs of the command given.
median_ms() {
    local times=() start end
    "$@" >/dev/null 2>&1 || true   # warm the page cache
    for ((i = 0; i < runs; i++)); do
        start=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || true
        end=$EPOCHREALTIME
        times+=("$(( (${end/./} - ${start/./}) ))")   # microseconds
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%.2f ms (min %.2f, max %.2f, %d runs)\n", m / 1000, a[1] / 1000, a[NR] / 1000, NR }'
}

echo "binary: $BIN"
printf '%-70s %s\n' "/bin/true (process start floor)" "$(median_ms /bin/true)"
printf '%-70s %s\n' "otel-instrument --version" "$(median_ms "$BIN" --version)"
printf '%-70s %s\n' "otel-instrument --traces_exporter jsonlines bsb --version" \
    "$(median_ms "$BIN" --traces_exporter jsonlines bsb --version)"
printf '%-70s %s\n' "OTEL_DISTRO=bsb_jsonlines otel-instrument bsb --version" \
    "$(OTEL_DISTRO=bsb_jsonlines median_ms "$BIN" bsb --version)"
printf '%-70s %s\n' "otel-instrument --traces_exporter jsonlines /bin/true (exec path)" \
    "$(median_ms "$BIN" --traces_exporter jsonlines /bin/true)"
