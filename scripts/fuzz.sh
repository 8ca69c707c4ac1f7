#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted bytes with libFuzzer, every module built with -sanitize=fuzzer,address:
#   jsonlines      LineReader (whole files and ranges), JSONLinesDecoder, SpanFileReader  (bsb replay-otel, bsb trace)
#   otlp-json      OTLPJSONDecoder                                                        (replay of collector files)
#   configuration  JSONValue and NetworkConfiguration.parse                               (bsb compile)
# The harnesses (fuzz/, a package of its own that the main build never sees) also check invariants: decoded
# spans survive our own JSON Lines encoding, reading in ranges gives the same lines, every configuration error
# is a ConfigurationError, serialised JSON parses back the same.
#
# usage: scripts/fuzz.sh [RUNS] [TARGET...]     RUNS inputs per target (default 1000000); all targets by default
#
# The corpus grows in .build-fuzz/corpus/TARGET (seeded from fuzz/corpus and examples/); a crash stops its target,
# leaves the input in .build-fuzz/artifacts/TARGET/ and makes the script exit 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-1000000}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(jsonlines otlp-json configuration)
[[ $runs =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [RUNS] [jsonlines|otlp-json|configuration ...]" >&2; exit 2; }

# BsbWorkflow compiles against MPICH's mpi.h.
"$root/scripts/install-deps.sh"
scratch=$root/.build-fuzz
mkdir -p "$scratch"

# gold, the default linker, stops with an internal error on ASan-instrumented Swift objects; the toolchain's
# lld links them.
swift_bin=$(dirname "$(readlink -f "$(command -v swift)")")
linker=$swift_bin/ld.lld
[[ -x $linker ]] || linker=$(command -v ld.lld || true)
toolset=()
if [[ -n $linker ]]; then
  printf '{"schemaVersion": "1.0", "linker": {"path": "%s"}}\n' "$linker" >"$scratch/toolset.json"
  toolset=(--toolset "$scratch/toolset.json")
fi
# The same dependency versions as the main build, when it has resolved them.
[[ -f $root/Package.resolved ]] && cp "$root/Package.resolved" "$root/fuzz/Package.resolved"

build=(swift build -c release --package-path "$root/fuzz" --scratch-path "$scratch" -j 2
       -Xswiftc -sanitize=fuzzer,address "${toolset[@]}")
echo "==> building the fuzzers (release, -sanitize=fuzzer,address) in .build-fuzz"
if ! "${build[@]}" >"$scratch/build.log" 2>&1; then
  grep -E "error|warning: unable" "$scratch/build.log" | head -20 >&2
  echo "error: the fuzzers did not build (see $scratch/build.log)" >&2
  exit 1
fi
bin=$("${build[@]}" --show-bin-path)

# Swift's own backtracer, started on a crash, hangs on the fuzzer libFuzzer is already reporting (for many
# minutes, not its 30 s timeout); ASan's stack is enough.
export SWIFT_BACKTRACE=enable=no

status=0
summary=()
for target in "${targets[@]}"; do
  case $target in
    jsonlines) binary=FuzzJSONLines; max_len=8192; seeds=("$root/fuzz/corpus/jsonlines" "$root/fuzz/corpus/otlp-json") ;;
    otlp-json) binary=FuzzOTLPJSON; max_len=4096; seeds=("$root/fuzz/corpus/otlp-json") ;;
    configuration) binary=FuzzConfiguration; max_len=4096; seeds=("$root/fuzz/corpus/configuration" "$root/examples") ;;
    *) echo "error: unknown target '$target' (have: jsonlines otlp-json configuration)" >&2; exit 2 ;;
  esac
  corpus=$scratch/corpus/$target
  artifacts=$scratch/artifacts/$target
  log=$scratch/$target.log
  mkdir -p "$corpus" "$artifacts"
  for dir in "${seeds[@]}"; do
    find "$dir" -maxdepth 1 -type f -exec cp -f {} "$corpus/" \;
  done
  touch "$scratch/.started-$target"
  echo "==> $target: $runs inputs ($binary, corpus $(find "$corpus" -type f | wc -l) files)"
  started=$(date +%s)
  set +e
  "$bin/$binary" -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$root/fuzz/dicts/$target.dict" -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
  code=$?
  set -e
  elapsed=$(($(date +%s) - started))
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [[ -z $executed ]]; then  # a crash ends the run before the final stats: the last progress line has the count
    executed=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  fi
  executed=${executed:-0}
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  ((${rate:-0} > 0)) || rate=$((executed / (elapsed > 0 ? elapsed : 1)))  # libFuzzer says 0 under a second
  found=$(find "$artifacts" -type f -newer "$scratch/.started-$target")
  crashes=$(printf '%s' "$found" | grep -c . || true)
  line=$(printf '%-14s %9s inputs  %6s exec/s  %4ss  crashes: %s' "$target" "$executed" "$rate" "$elapsed" "$crashes")
  summary+=("$line")
  echo "    $line"
  if ((code != 0 || crashes > 0)); then
    status=1
    grep -m1 -E "invariant violated|Fatal error|Swift runtime failure|ERROR: (AddressSanitizer|libFuzzer)" "$log" | sed 's/^/    /' >&2 || true
    for artifact in $found; do
      echo "    input: $artifact  (reproduce: $bin/$binary $artifact)" >&2
    done
    echo "    log: $log" >&2
  fi
done
echo "==> summary"
printf '    %s\n' "${summary[@]}"
exit $status
