#!/usr/bin/env bash
# OTLP export benchmark: 100,000 spans (the `bench` workload's trees root → child → grandchild, 4 attributes
# each) replayed by `otel-instrument … bsb replay-otel` through the default pipeline (batch processor, OTLP
# exporter) into a rotel collector, over gRPC, HTTP/protobuf and HTTP/JSON (plain and gzip). Prints, per
# protocol, the wall time of the whole run, spans/s, and the number of spans the collector received (must be
# all of them). The `jsonlines` row is the same run writing JSON Lines to /dev/null: what reading and replaying
# the file costs without a network.
# usage: scripts/bench-otlp.sh [SPANS]     (release build; rotel on 127.0.0.1:14317/14318 unless
#        OTEL_TEST_COLLECTOR_GRPC_PORT / OTEL_TEST_COLLECTOR_HTTP_PORT say otherwise)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
spans=${1:-100000}
scratch=${SCRATCH:-.build-otlp}
export OTEL_TEST_COLLECTOR_GRPC_PORT=${OTEL_TEST_COLLECTOR_GRPC_PORT:-14317}
export OTEL_TEST_COLLECTOR_HTTP_PORT=${OTEL_TEST_COLLECTOR_HTTP_PORT:-14318}
echo "==> swift build -c release --product otel-instrument" >&2
swift build --scratch-path "$scratch" -c release -j 2 --product otel-instrument >&2
bin="$(swift build --scratch-path "$scratch" -c release --show-bin-path)/otel-instrument"
work=$(mktemp -d /tmp/otel-bench-otlp-XXXXXX)
cleanup() { "$root/scripts/collector-down.sh" "$work/collector"; rm -rf "$work"; }
trap cleanup EXIT

# The workload as a JSON Lines file (the layout the tool writes), so every protocol sends the same spans.
python3 - "$spans" > "$work/workload.jsonlines" <<'PY'
import json, random, sys
trees = (int(sys.argv[1]) + 2) // 3  # whole trees, at least SPANS spans
rng = random.Random(7)
resource = {"attributes": {"service.name": "bench", "telemetry.sdk.language": "swift"}, "schema_url": ""}
attributes = {"mpi.rank": 0, "mpi.size": 1, "bsb.type": "component_method", "hdf5.path": "/placement/base_type"}
out = sys.stdout
for t in range(trees):
    trace = "0x%032x" % rng.getrandbits(128)
    ids = ["0x%016x" % rng.getrandbits(64) for _ in range(3)]
    second = 1_700_000_000 + t // 1000
    micro = (t % 1000) * 1000
    for depth, name in reversed(list(enumerate(["root", "child", "grandchild"]))):
        out.write(json.dumps({
            "name": name, "context": {"trace_id": trace, "span_id": ids[depth], "trace_state": "[]"},
            "kind": "SpanKind.INTERNAL", "parent_id": ids[depth - 1] if depth else None,
            "start_time": "2023-11-14T22:%02d:%02d.%06dZ" % ((second // 60) % 60, second % 60, micro + depth),
            "end_time": "2023-11-14T22:%02d:%02d.%06dZ" % ((second // 60) % 60, second % 60, micro + 10 - depth),
            "status": {"status_code": "UNSET"}, "attributes": attributes, "events": [], "links": [],
            "resource": resource, "scope": {"name": "bench", "version": "1.0"}}) + "\n")
PY
total=$(wc -l < "$work/workload.jsonlines")

sink=$(OTEL_TEST_COLLECTOR_SINK_MODE=count "$root/scripts/collector-up.sh" "$work/collector")
export OTEL_TEST_COLLECTOR_SINK_MODE=count

delivered() {  # spans the collector received for service $1, once the count stops growing
  local last=-1 now
  for _ in $(seq 300); do
    now=$(python3 -c "import json,sys
n=0
for line in open(sys.argv[1]):
    d=json.loads(line)
    n+=d['spans'] if d['service']==sys.argv[2] else 0
print(n)" "$sink" "$1")
    if [ "$now" = "$last" ]; then echo "$now"; return; fi
    last=$now; sleep 0.5
  done
  echo "$last"
}

now() { date +%s.%N; }
printf '%-22s %8s %10s %12s\n' protocol seconds spans/s delivered
row() {  # name, then otel-instrument flags
  local name=$1; shift
  local start end
  start=$(now)
  "$bin" "$@" --service_name "bench-$name" bsb replay-otel --keep-timestamps "$work/workload.jsonlines" >/dev/null
  end=$(now)
  local got="-"
  [ "$2" = "jsonlines" ] || got=$(delivered "bench-$name")
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print('%-22s %8.2f %10d %12s' % (sys.argv[3], s, int(float(sys.argv[4])/s), sys.argv[5]))" \
    "$start" "$end" "$name" "$total" "$got"
}
grpc=http://127.0.0.1:$OTEL_TEST_COLLECTOR_GRPC_PORT
http=http://127.0.0.1:$OTEL_TEST_COLLECTOR_HTTP_PORT
row jsonlines --traces_exporter jsonlines --exporter_jsonlines_path /dev/null
row grpc --traces_exporter otlp --exporter_otlp_protocol grpc --exporter_otlp_endpoint "$grpc"
row http/protobuf --traces_exporter otlp --exporter_otlp_protocol http/protobuf --exporter_otlp_endpoint "$http"
row http/json --traces_exporter otlp --exporter_otlp_protocol http/json --exporter_otlp_endpoint "$http"
row grpc+gzip --traces_exporter otlp --exporter_otlp_protocol grpc --exporter_otlp_endpoint "$grpc" --exporter_otlp_compression gzip
row http/protobuf+gzip --traces_exporter otlp --exporter_otlp_protocol http/protobuf --exporter_otlp_endpoint "$http" --exporter_otlp_compression gzip
echo "(${total} spans per row; delivered = spans the collector received for that row's service.name)"
