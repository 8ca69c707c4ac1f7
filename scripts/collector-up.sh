#!/usr/bin/env bash
# Starts rotel (a Rust OTLP collector from PyPI) on 127.0.0.1:4317 (gRPC) and :4318 (HTTP) with a processor
# that appends every span it receives to a JSON Lines file, and waits for both ports.
# usage: scripts/collector-up.sh DIR   — writes DIR/rotel.pid, DIR/rotel.log, DIR/sink.jsonl; prints the sink path.
# Environment: ROTEL_VENV (default ~/.cache/otel-instrument/rotel-venv), OTEL_TEST_COLLECTOR_GRPC_PORT (4317),
# OTEL_TEST_COLLECTOR_HTTP_PORT (4318).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: collector-up.sh DIR}
mkdir -p "$dir"
venv=${ROTEL_VENV:-$HOME/.cache/otel-instrument/rotel-venv}
grpc_port=${OTEL_TEST_COLLECTOR_GRPC_PORT:-4317}
http_port=${OTEL_TEST_COLLECTOR_HTTP_PORT:-4318}
if ! ls "$venv"/lib/python3*/site-packages/rotel/rotel-agent >/dev/null 2>&1; then
  echo "==> installing rotel 0.0.1a15 in $venv" >&2
  python3 -m venv "$venv" >&2 || { apt-get install -y python3-venv >&2 && python3 -m venv "$venv" >&2; }
  "$venv/bin/pip" install -q rotel==0.0.1a15 >&2
fi
agent=$(ls "$venv"/lib/python3*/site-packages/rotel/rotel-agent | head -1)
sink="$dir/sink.jsonl"
: > "$sink"
OTEL_TEST_COLLECTOR_SINK="$sink" "$agent" start \
  --otlp-grpc-endpoint "127.0.0.1:$grpc_port" --otlp-http-endpoint "127.0.0.1:$http_port" \
  --exporter blackhole --otlp-with-trace-processor "$root/scripts/collector/sink.py" \
  >"$dir/rotel.log" 2>&1 &
echo $! > "$dir/rotel.pid"
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$grpc_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then
    echo "$sink"
    exit 0
  fi
  if ! kill -0 "$(cat "$dir/rotel.pid")" 2>/dev/null; then break; fi
  sleep 0.1
done
echo "error: rotel did not open ports $grpc_port and $http_port (see $dir/rotel.log)" >&2
"$root/scripts/collector-down.sh" "$dir"
exit 1
