#!/usr/bin/env bash
# Stops the Slurm daemons scripts/slurm-up.sh started in DIR, by their pid files, and removes DIR.
set -uo pipefail
dir=$1
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
done
sleep 1
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [[ -f $pidfile ]] && kill -9 "$(cat "$pidfile")" 2>/dev/null
done
rm -rf "$dir"
