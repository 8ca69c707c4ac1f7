#!/usr/bin/env bash
# Stops the rotel collector started by collector-up.sh, by the pid in DIR/rotel.pid.
# usage: scripts/collector-down.sh DIR
set -uo pipefail
dir=${1:?usage: collector-down.sh DIR}
[ -f "$dir/rotel.pid" ] || exit 0
pid=$(cat "$dir/rotel.pid")
if kill "$pid" 2>/dev/null; then
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$dir/rotel.pid"
