#!/usr/bin/env bash
# Starts a private single-node Slurm (munged, slurmctld, slurmd) for the tests, in DIR (default: a temp dir).
# Prints the path of its slurm.conf; scripts/slurm-down.sh DIR stops what this started.
set -euo pipefail
dir=${1:-$(mktemp -d /tmp/otel-slurm-XXXXXX)}
mkdir -p "$dir"/{state,spool,log,munge}
chmod 755 "$dir" "$dir/munge"
host=$(hostname)
cpus=$(nproc)
conf="$dir/slurm.conf"
cat >"$conf" <<CONF
ClusterName=otel-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=pmi2
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES State=UP OverSubscribe=FORCE:4 MaxTime=INFINITE
CONF
# munge needs a key readable only by its user.
if [[ ! -f $dir/munge/munge.key ]]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
fi
chown -R munge:munge "$dir/munge" 2>/dev/null || true
chmod 400 "$dir/munge/munge.key"
runuser -u munge -- munged --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" --key-file="$dir/munge/munge.key" --force
export SLURM_CONF=$conf
slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 1 100); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then echo "$conf"; exit 0; fi
  sleep 0.2
done
echo "error: the Slurm node did not become idle; see $dir/log" >&2
exit 1
