#!/usr/bin/env bash
# bench/check-floor.sh: the latency floor under a distributed rate-limit check on this machine. Three
# Hazelcast members configured as gateway nodes configure them, each in its own JVM, on 127.0.0.1; the
# measuring one times a plain read on another member (one round trip), a plain write with one synchronous
# backup (the round trip plus the backup's acknowledgement), and the limiter's check itself, one call at a
# time per client thread. Runs dev.gateway.cluster.bench.CheckFloorBench from the cluster module's test
# classes. See bench/README.md.
set -euo pipefail

BENCH_TAG=check-floor
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
GATEWAY_CPUS=${GATEWAY_CPUS:-1}
PEER_CPUS=${PEER_CPUS:-$GATEWAY_CPUS}
RUN_TIMEOUT=${RUN_TIMEOUT:-1800}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
MAIN_CLASS=dev.gateway.cluster.bench.CheckFloorBench
BUILD=1
PASS=()

usage() {
  cat <<EOF2
Usage: bench/check-floor.sh [options]
  --calls N      timed calls per mode and round (default 20000)
  --warmup N     untimed calls per mode first (default 20000)
  --rounds R     rounds; the modes alternate within each (default 3)
  --threads T    client threads, one call in flight each (default 1)
  --no-build     do not run Maven's test-compile (the classpath is still resolved, offline)
  -h, --help     this help
Environment: GATEWAY_JAVA_OPTS (default: -Xms256m -Xmx256m -XX:+UseParallelGC, for each JVM),
  GATEWAY_CPUS (default 1: the measuring member), PEER_CPUS (default: GATEWAY_CPUS: the two others;
  "none": not pinned), RUN_TIMEOUT (default 1800 s), BUILD_TIMEOUT (default 1800 s per Maven step).
Maven runs offline: the other modules must be installed (./mvnw -B -q -o -DskipTests install once). On a
shared machine wrap the script in flock /tmp/mvn.lock, so it neither overlaps a build nor runs during one.
EOF2
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --calls|--warmup|--rounds|--threads)
      need_arg "$@"; [[ $2 =~ ^[1-9][0-9]*$ ]] || die "bad $1 '$2'"; PASS+=("$1" "$2"); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

command -v java >/dev/null || die "java not found on PATH"
command -v taskset >/dev/null || die "taskset not found (util-linux)"
bench_init
NPROC=$(nproc)
pin_for PIN_GW "$GATEWAY_CPUS"
pin_for PIN_PEER "$PEER_CPUS"

cluster_test_java "$BUILD" "$MAIN_CLASS"

read -r -a PORTS <<<"$(free_ports 3)"
ALL="${PORTS[0]},${PORTS[1]},${PORTS[2]}"
read -r -a JOPTS <<<"$GATEWAY_JAVA_OPTS"
java_cmd() { # pin-array-name args... -> the command array in CMD
  local -n _jvm_pin=$1
  shift
  CMD=(${_jvm_pin[@]+"${_jvm_pin[@]}"} timeout -k 10 "$RUN_TIMEOUT" java "${JOPTS[@]}" "${OPENS[@]}" -cp "$CP" "$MAIN_CLASS" "$@")
}

for i in 1 2; do
  java_cmd PIN_PEER member "${PORTS[$i]}" "$ALL" "$RUN_TIMEOUT"
  log "member $((i + 1)): ${PIN_PEER[*]:+${PIN_PEER[*]} }java $GATEWAY_JAVA_OPTS <opens> -cp <cluster test classpath> $MAIN_CLASS member ${PORTS[$i]} $ALL"
  start_bg "member-$((i + 1))" "$TMP/member-$((i + 1)).log" "${CMD[@]}"
done
for i in 1 2; do
  for ((t = 0; t < 600; t++)); do
    grep -q '^READY' "$TMP/member-$((i + 1)).log" && break
    alive "${PIDS[$((i - 1))]}" || { log_tail "$TMP/member-$((i + 1)).log" 30; die "member $((i + 1)) died"; }
    sleep 0.1
  done
  grep -q '^READY' "$TMP/member-$((i + 1)).log" || die "member $((i + 1)) not ready in 60 s"
done

java_cmd PIN_GW measure "${PORTS[0]}" "$ALL" ${PASS[@]+"${PASS[@]}"}
SHOWN="${PIN_GW[*]:+${PIN_GW[*]} }java $GATEWAY_JAVA_OPTS <opens> -cp <cluster test classpath> $MAIN_CLASS measure ${PORTS[0]} $ALL${PASS[*]:+ ${PASS[*]}}"
log "measuring: $SHOWN"
: >"$TMP/measure.out"
start_bg measure "$TMP/measure.out" "${CMD[@]}"
MEASURE_PID=$LAST_PID
tail -n +1 -f --pid="$MEASURE_PID" "$TMP/measure.out" || true
rc=0
wait "$MEASURE_PID" || rc=$?

RESULT_FILE=$(result_file check-floor)
RUN_TS=$(run_ts "$RESULT_FILE" check-floor)
{
  echo "# Check latency floor $RUN_TS"
  echo
  if grep -q '^RESULT' "$TMP/measure.out"; then
    echo "| mode | calls | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | <= 300 µs |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    sed -n 's/^RESULT \([^:]*\): n=\([0-9]*\) p50=\([0-9]*\)us p90=\([0-9]*\)us p99=\([0-9]*\)us p99.9=\([0-9]*\)us max=\([0-9]*\)us <=300us=\([0-9.]*%\)/| \1 | \2 | \3 | \4 | \5 | \6 | \7 | \8 |/p' "$TMP/measure.out"
  else
    echo "No result (exit code $rc): see the output below."
  fi
  echo
  echo "## Commands"
  echo
  echo "- measuring member: \`$SHOWN\`"
  echo "- two more members: \`${PIN_PEER[*]:+${PIN_PEER[*]} }java $GATEWAY_JAVA_OPTS <opens> -cp <cluster test classpath> $MAIN_CLASS member <port> $ALL\`"
  echo
  echo "## Machine"
  echo
  machine_info
  raw_section "Output" "$TMP/measure.out"
} >"$RESULT_FILE"
echo
echo "Written to ${RESULT_FILE#"$ROOT"/}"
exit "$rc"
