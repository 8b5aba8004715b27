#!/usr/bin/env bash
# bench/bucket-memory-member.sh: heap per idle rate-limit bucket (and per sliding window) on one embedded
# Hazelcast member, with 1M keys by default. Compiles the cluster module's test classes with Maven
# (offline), builds the test classpath, and runs dev.gateway.cluster.bench.BucketMemoryBench.
# See bench/README.md. The member binds 127.0.0.1 only and joins nobody.
set -euo pipefail

BENCH_TAG=bucket-memory-member
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_HEAP=${BENCH_HEAP:-4g}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
RUN_TIMEOUT=${RUN_TIMEOUT:-3600}            # seconds, for the Java run
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}        # seconds, for each Maven step
MAIN_CLASS=dev.gateway.cluster.bench.BucketMemoryBench
BUILD=1
N=1000000
PASS=()

usage() {
  cat <<EOF
Usage: bench/bucket-memory-member.sh [N] [options]
  N                    buckets per phase (default: $N)
  --batch B            calls in flight at most (one batch at a time; default 1000)
  --no-sliding-window  measure token buckets only
  --gc-rounds R        System.gc() rounds per heap measurement, the lowest reading counts (default 5)
  --no-build           do not run Maven: use cluster/target/{classes,test-classes} as they are
                       (the dependency classpath is still resolved, offline)
  -h, --help           this help
Environment: BENCH_HEAP (default 4g: -Xmx), BENCH_JAVA_OPTS (more JVM options),
  RUN_TIMEOUT (default 3600 s), BUILD_TIMEOUT (default 1800 s per Maven step).
Maven runs offline (-o): the other modules must be in the local repository
(./mvnw -B -q -o -DskipTests install once). On a shared machine wrap the whole script in
flock /tmp/mvn.lock, so it neither overlaps a build nor runs during one.
EOF
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --batch|--gc-rounds) need_arg "$@"; [[ $2 =~ ^[1-9][0-9]*$ ]] || die "bad $1 '$2'"; PASS+=("$1" "$2"); shift 2 ;;
    --no-sliding-window) PASS+=("$1"); shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    [0-9]*) [[ $1 =~ ^[1-9][0-9_]*$ ]] || die "bad N '$1'"; N=${1//_/}; shift ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

command -v java >/dev/null || die "java not found on PATH"
bench_init

# ---- build and classpath ------------------------------------------------------------------

cluster_test_java "$BUILD" "$MAIN_CLASS"

# ---- run ----------------------------------------------------------------------------------

read -r -a EXTRA <<<"$BENCH_JAVA_OPTS"
JAVA_CMD=(java "-Xmx$BENCH_HEAP" -Djava.util.concurrent.ForkJoinPool.common.parallelism=8 "${OPENS[@]}"
  ${EXTRA[@]+"${EXTRA[@]}"} -cp "$CP" "$MAIN_CLASS" "$N" ${PASS[@]+"${PASS[@]}"})
SHOWN="java -Xmx$BENCH_HEAP -Djava.util.concurrent.ForkJoinPool.common.parallelism=8 ${OPENS[*]}${EXTRA[*]:+ ${EXTRA[*]}} -cp <cluster test classpath> $MAIN_CLASS $N${PASS[*]:+ ${PASS[*]}}"
log "$SHOWN"
: >"$TMP/bench.out"
start_bg bench "$TMP/bench.out" timeout -k 10 "$RUN_TIMEOUT" "${JAVA_CMD[@]}"
BENCH_PID=$LAST_PID
tail -n +1 -f --pid="$BENCH_PID" "$TMP/bench.out" || true
rc=0
wait "$BENCH_PID" || rc=$?
((rc != 124)) || log "the run exceeded RUN_TIMEOUT=${RUN_TIMEOUT}s"

# ---- report -------------------------------------------------------------------------------

RESULT_FILE=$(result_file bucket-memory-member)
RUN_TS=$(basename "$RESULT_FILE" .md)
RUN_TS=${RUN_TS#bucket-memory-member-}
{
  echo "# Bucket memory benchmark $RUN_TS"
  echo
  if grep -q '^RESULT' "$TMP/bench.out"; then
    echo "| what | bytes per idle entry | entries | heap delta |"
    echo "|---|---:|---:|---:|"
    sed -n 's/^RESULT \([^:]*\): \([0-9,]*\) bytes of heap for \([0-9,]*\) idle entries = \([0-9]*\) bytes.*/| \1 | \4 | \3 | \2 B |/p' "$TMP/bench.out"
  else
    echo "No result (exit code $rc): see the output below."
  fi
  echo
  echo "One member, so no backups: in a cluster every entry also has one synchronous backup on"
  echo "another member, about twice this figure cluster-wide."
  echo
  echo "## Command"
  echo
  echo "\`$SHOWN\`"
  echo
  echo "## Machine"
  echo
  echo "- nproc: $(nproc)"
  echo "- CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
  echo "- memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
  echo "- kernel: $(uname -srm)"
  echo "- java -version: $(java -version 2>&1 | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
  echo
  echo "## Output"
  echo
  echo '```'
  cat "$TMP/bench.out"
  echo '```'
} >"$RESULT_FILE"
echo
echo "Written to ${RESULT_FILE#"$ROOT"/}"
exit "$rc"
