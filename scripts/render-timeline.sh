#!/usr/bin/env bash
# Renders the HTML timeline of a trace (`bsb trace html`) into a PNG with headless Chromium, to look at a
# trace without a browser at hand or to check the page draws.
#
# usage: scripts/render-timeline.sh [--size WxH] TRACE_FILE|GLOB… OUT.png
#        scripts/render-timeline.sh [--size WxH] --demo OUT.png
#
# --demo traces four concurrent `bsb compile --clear` runs of examples/medium.json (as singletons) and joins
# them into one synthetic 4-rank trace the way a collective MPI run records it: one trace id, ranks 1–3's
# `compile` spans children of rank 0's `cli`, `mpi.rank` 0–3, `mpi.size` 4 (needs python3). The traces and
# the HTML are kept next to OUT.png (OUT.jsonlines.d/, OUT.html); without --demo, the HTML too (OUT.html).
#
# Environment: BSB (the bsb executable; default: built with `swift build -c release`), OTEL_INSTRUMENT (the
# launcher, for --demo; default: same build), CHROMIUM (default: chromium, installed with apt-get if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=1400,900
demo=false
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size=${2/x/,}; shift 2 ;;
    --demo) demo=true; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
if $demo; then
  [[ ${#args[@]} -eq 1 ]] || { echo "usage: $0 --demo OUT.png" >&2; exit 2; }
else
  [[ ${#args[@]} -ge 2 ]] || { echo "usage: $0 [--size WxH] TRACE_FILE|GLOB… OUT.png  (or --demo OUT.png)" >&2; exit 2; }
fi
out=${args[-1]}
unset 'args[-1]'
case $out in /*) ;; *) out="$PWD/$out" ;; esac

need_build() {
  echo "==> swift build -c release (bsb, otel-instrument)" >&2
  (cd "$root" && swift build -c release -j 2 --product bsb >/dev/null && { $demo && swift build -c release -j 2 --product otel-instrument >/dev/null || true; })
  echo "$(cd "$root" && swift build -c release --show-bin-path)"
}
if [[ -z ${BSB:-} || ( $demo == true && -z ${OTEL_INSTRUMENT:-} ) ]]; then bin=$(need_build); fi
# The absolute path of an executable (runs happen in other directories); exits when there is none.
absolute() {
  local path
  case $1 in */*) path="$(cd "$(dirname "$1")" 2>/dev/null && pwd)/$(basename "$1")" ;; *) path=$(command -v "$1" || true) ;; esac
  [[ -n $path && -x $path ]] || { echo "error: no executable '$1'" >&2; exit 2; }
  echo "$path"
}
bsb=$(absolute "${BSB:-$bin/bsb}")
chromium=${CHROMIUM:-chromium}
if ! command -v "$chromium" >/dev/null; then
  echo "==> apt-get install -y chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null
fi

if $demo; then
  launcher=$(absolute "${OTEL_INSTRUMENT:-$bin/otel-instrument}")
  work="${out%.png}.jsonlines.d"
  rm -rf "$work"
  mkdir -p "$work"
  echo "==> 4 concurrent traced compiles of examples/medium.json in $work" >&2
  pids=()
  for r in 0 1 2 3; do
    mkdir -p "$work/run$r"
    cp "$root/examples/medium.json" "$work/run$r/network_configuration.json"
    (cd "$work/run$r" && "$launcher" --traces_exporter jsonlines --exporter_jsonlines_path trace.jsonlines \
      --service_name "BSB Workflow" bsb compile --clear >/dev/null) &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || { echo "error: a traced compile failed (launcher: $launcher)" >&2; exit 1; }; done
  python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
runs = [[json.loads(l) for l in open(f"{work}/run{r}/trace.jsonlines")] for r in range(4)]
cli = next(s for s in runs[0] if s["parent_id"] is None)
trace_id = cli["context"]["trace_id"]
latest = max(s["end_time"] for run in runs for s in run)
for r, spans in enumerate(runs):
    with open(f"{work}/traces_rank{r}.jsonlines", "w") as f:
        for s in spans:
            if r > 0 and s["parent_id"] is None:
                own_cli = s["context"]["span_id"]
                continue
            s["context"]["trace_id"] = trace_id
            s["attributes"]["mpi.rank"] = r
            s["attributes"]["mpi.size"] = 4
            if s is cli:
                s["end_time"] = latest
            f.write(json.dumps(s) + "\n")
    if r > 0:
        # Re-parent the rank's top spans under rank 0's cli, as a collective span does.
        lines = [json.loads(l) for l in open(f"{work}/traces_rank{r}.jsonlines")]
        with open(f"{work}/traces_rank{r}.jsonlines", "w") as f:
            for s in lines:
                if s["parent_id"] == own_cli:
                    s["parent_id"] = cli["context"]["span_id"]
                f.write(json.dumps(s) + "\n")
PY
  args=("$work/traces_rank*.jsonlines")
fi

html="${out%.png}.html"
"$bsb" trace html "${args[@]}" -o "$html" >&2
echo "==> $chromium --headless=new --screenshot=$out --window-size=$size" >&2
"$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=3000 \
  --screenshot="$out" --window-size="$size" "file://$html" 2>/dev/null >/dev/null || {
  echo "error: $chromium failed to render $html" >&2
  exit 1
}
[[ -s $out ]] || { echo "error: no screenshot written to $out" >&2; exit 1; }
echo "$out"
