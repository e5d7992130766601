#!/usr/bin/env bash
# slurm-test.sh: run a sweep as a real Slurm job array on localhost and check
# that the merged table equals the one of a local run with the same seeds.
#
# Starts a private single-node Slurm (slurmctld + slurmd, auth/none, config,
# state and logs under build/slurm), submits `neurodyn sweep slurm` with 4
# shards (after editing the spec file, which the job must ignore: it carries
# the validated text), waits, merges, compares, and always stops the daemons.
# Needs root (slurmd runs jobs as their user) and slurm-wlm (installed with
# apt-get when missing, as root on Debian/Ubuntu).
#
# Usage: scripts/slurm-test.sh [spec.toml] [shards]
set -euo pipefail
cd "$(dirname "$0")/.."
SPEC=${1:-sweep/testdata/ci-reservoir.toml}
SHARDS=${2:-4}
BIN=$PWD/bin/neurodyn
[ -x "$BIN" ] || { echo "slurm-test: build bin/neurodyn first (make build)" >&2; exit 1; }
if [ "$(id -u)" != 0 ]; then
	echo "slurm-test: needs root to start slurmd (run 'sudo make test-slurm')" >&2
	exit 1
fi
scripts/ensure-deps.sh slurm

W=$PWD/build/slurm
rm -rf "$W"
mkdir -p "$W"/{state,spool,log}
H=$(hostname -s)
CPUS=$(nproc)
CONF=$W/slurm.conf
cat >"$CONF" <<CONF
ClusterName=neurodyn-ci
SlurmctldHost=$H
SlurmUser=root
AuthType=auth/none
CredType=cred/none
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$H CPUs=$CPUS RealMemory=1000 State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$CONF

stop() {
	for p in "$W/slurmd.pid" "$W/slurmctld.pid"; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	sleep 1
}
trap stop EXIT

slurmctld -f "$CONF"
slurmd -f "$CONF"
for i in $(seq 1 60); do
	state=$(sinfo -h -o %T 2>/dev/null | head -n1 || true)
	[ "$state" = idle ] && break
	sleep 0.5
done
[ "$state" = idle ] || { echo "slurm-test: node did not become idle (state '$state')"; tail -n 20 "$W"/log/*.log; exit 1; }
echo "slurm-test: Slurm $(sinfo -V) up on $H with $CPUS CPUs"

OUT=$W/sweep-slurm
LOCAL=$W/sweep-local
# The job must run the spec as it was when the script was made: a copy is
# edited (every grid list cut to its first value) before sbatch.
cp "$SPEC" "$W/spec.toml"
"$BIN" sweep slurm "$W/spec.toml" --out "$OUT" --shards "$SHARDS" --cpus-per-task 1 --time 20 >"$W/job.sh"
sed -i -E 's/^([a-z_]+ = \[[^],]+),[^]]*\]/\1]/' "$W/spec.toml"
cmp -s "$SPEC" "$W/spec.toml" && { echo "slurm-test: editing the spec copy changed nothing"; exit 1; }
job=$(sbatch --parsable "$W/job.sh")
echo "slurm-test: submitted array job $job ($SHARDS tasks)"
# The local reference runs meanwhile.
"$BIN" sweep run "$SPEC" --out "$LOCAL" --quiet
"$BIN" sweep merge --out "$LOCAL" >/dev/null
for i in $(seq 1 600); do
	[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
	sleep 1
done
if [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; then
	echo "slurm-test: job $job still running after 10 minutes"; squeue; exit 1
fi
ntask=$(ls "$OUT"/logs/*.out 2>/dev/null | wc -l)
shards_seen=$(grep -ho '"shard": "[0-9]*/[0-9]*"' "$OUT"/points/*.json | sort -u | wc -l)
"$BIN" sweep merge --out "$OUT"
if [ "$ntask" -ne "$SHARDS" ] || [ "$shards_seen" -ne "$SHARDS" ]; then
	echo "slurm-test: expected $SHARDS array tasks, saw $ntask logs and $shards_seen shards in the results"; exit 1
fi
if ! cmp -s "$OUT/sweep.csv" "$LOCAL/sweep.csv"; then
	echo "slurm-test: the Slurm sweep's table differs from the local run's"; diff "$OUT/sweep.csv" "$LOCAL/sweep.csv" | head; exit 1
fi
n=$(($(wc -l <"$OUT/sweep.csv") - 1))
echo "slurm-test: OK — $n points from $SHARDS Slurm array tasks merge to the same table as the local run"
