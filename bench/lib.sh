# shellcheck shell=bash disable=SC2034  # variables set here are read by the sourcing scripts
# bench/lib.sh: helpers shared by bench/run.sh, bench/cluster.sh and bench/auth.sh (sourced, not run).
# bench/run.sh sources them too. Every process is
# started through start_bg and stopped by PID at exit, all traffic goes to 127.0.0.1.
#
# The sourcing script sets BENCH_TAG (log prefix) and, before calling bench_init, KEEP (0/1).
# Afterwards it has: BENCH_DIR, ROOT, RESULTS_DIR, TMP, PIDS, PID_NAMES, LAST_PID, WRK_PID,
# NPROC and the taskset prefixes PIN_LOAD, PIN_SERVER (set by setup_pinning).

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS_DIR="$BENCH_DIR/results"
DEFAULT_JAR="$ROOT/node/target/gateway-node.jar"
BENCH_TAG=${BENCH_TAG:-bench}

PIDS=()          # every process this script started in the background, and only those
PID_NAMES=()
TMP=""
POLICY_CREATED=0
LAST_PID=""
WRK_PID=""       # the wrk run in progress (its timeout wrapper)
KEEP=${KEEP:-0}

log() { printf '[%s] %s\n' "$BENCH_TAG" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$BENCH_TAG" "$*" >&2; exit 1; }

need_arg() { [[ $# -ge 2 && -n $2 ]] || die "option $1 needs a value (see --help)"; }

# wrk duration ("15s", "1m", "30") -> seconds
secs() {
  local d=$1
  [[ $d =~ ^([0-9]+)(s|m|h)?$ ]] || die "bad duration '$d' (use e.g. 15s, 1m)"
  case ${BASH_REMATCH[2]} in
    m) echo $((BASH_REMATCH[1] * 60)) ;;
    h) echo $((BASH_REMATCH[1] * 3600)) ;;
    *) echo "${BASH_REMATCH[1]}" ;;
  esac
}

# ---- processes ----------------------------------------------------------------------------

alive() { # pid: running and not a zombie
  [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

stop_pid() { # pid: TERM, up to 10 s, then KILL; only ever called with our own children
  local pid=$1 i
  alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

start_bg() { # name logfile cmd... ; sets LAST_PID
  local name=$1 logf=$2
  shift 2
  "$@" >"$logf" 2>&1 </dev/null &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  PID_NAMES+=("$name")
}

# shellcheck disable=SC2317  # invoked by the trap
bench_cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if ((POLICY_CREATED)); then rm -f /usr/sbin/policy-rc.d; fi
  if ((KEEP)) && ((${#PIDS[@]} > 0)); then
    log "--keep: processes left running (stop them with: kill ${PIDS[*]}); files in $TMP"
    exit "$rc"
  fi
  if [[ -n $WRK_PID ]]; then stop_pid "$WRK_PID"; fi
  for i in "${!PIDS[@]}"; do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  for i in "${!PIDS[@]}"; do stop_pid "${PIDS[$i]}"; done
  if [[ -n $TMP && -d $TMP && -z ${BENCH_KEEP_TMP:-} ]]; then rm -rf "$TMP"; fi
  exit "$rc"
}

bench_init() { # traps, then the private temp directory
  trap bench_cleanup EXIT
  trap 'log "interrupted"; exit 130' INT
  trap 'log "terminated"; exit 143' TERM
  TMP=$(mktemp -d /tmp/gateway-bench.XXXXXX)
  chmod 755 "$TMP"   # nginx workers run as nobody
}

# ---- the jar and the tools ----------------------------------------------------------------

ensure_jar() { # jar build(0/1) build_timeout_s: dies when the jar is missing and cannot be built
  local jar=$1 build=$2 limit=$3
  if [[ ! -f $jar ]]; then
    ((build)) || die "gateway jar not found: $jar (build it: ./mvnw -B -q -DskipTests package -pl node -am, or pass --build)"
    log "gateway jar missing: building with ./mvnw -B -q -DskipTests package -pl node -am (at most ${limit}s)"
    (cd "$ROOT" && timeout -k 10 "$limit" ./mvnw -B -q -DskipTests package -pl node -am) || die "maven build failed"
    [[ -f $jar ]] || die "maven build produced no $jar"
  fi
  command -v java >/dev/null || die "java not found on PATH"
}

install_tools() { # extra commands to require (each its own Debian package name)
  local want=() p
  command -v nginx >/dev/null || want+=(nginx)
  command -v wrk >/dev/null || want+=(wrk)
  command -v curl >/dev/null || want+=(curl)
  command -v taskset >/dev/null || want+=(util-linux)
  for p in "$@"; do command -v "$p" >/dev/null || want+=("$p"); done
  ((${#want[@]} == 0)) && return 0
  log "installing: ${want[*]}"
  [[ $(id -u) -eq 0 ]] || die "missing tools (${want[*]}) and not root: install them (apt-get install -y nginx-light wrk curl $*) or run as root"
  command -v apt-get >/dev/null || die "missing tools (${want[*]}) and no apt-get: install them by hand"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then  # keep the packages from starting system services
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_CREATED=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout -k 10 600 apt-get update -q >&2 || die "apt-get update failed: cannot install ${want[*]}"
  for p in "${want[@]}"; do
    if [[ $p == nginx ]]; then
      timeout -k 10 600 apt-get install -y -q nginx-light >&2 ||
        timeout -k 10 600 apt-get install -y -q nginx >&2 ||
        die "could not install nginx-light or nginx with apt-get"
    else
      timeout -k 10 600 apt-get install -y -q "$p" >&2 || die "could not install $p with apt-get"
    fi
  done
  if ((POLICY_CREATED)); then rm -f /usr/sbin/policy-rc.d; POLICY_CREATED=0; fi
  for p in nginx wrk curl taskset "$@"; do
    command -v "$p" >/dev/null || die "$p still missing after apt-get install"
  done
}

# taskset prefix for a CPU list ("" or "none": not pinned); empty on a 1-CPU machine
pin_for() { # var_name cpus
  local -n _pin=$1
  if [[ -z $2 || $2 == none ]] || ((NPROC < 2)); then _pin=(); else _pin=(taskset -c "$2"); fi
}

setup_pinning() { # load_cpus server_cpus
  NPROC=$(nproc)
  pin_for PIN_LOAD "$1"
  pin_for PIN_SERVER "$2"
  if ((NPROC < 2)); then
    log "WARNING: only $NPROC CPU: no pinning, load generator and servers share the CPU"
  fi
}

# ---- ports, HTTP, the backend -------------------------------------------------------------

free_ports() { # n -> n distinct free loopback ports
  if command -v python3 >/dev/null && python3 -c 'pass' 2>/dev/null; then
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
  else
    local out=() p tries=0
    while ((${#out[@]} < $1)); do
      ((tries++ < 1000)) || return 1
      p=$((20000 + RANDOM % 40000))
      [[ " ${out[*]} " == *" $p "* ]] && continue
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then out+=("$p"); fi
    done
    echo "${out[*]}"
  fi
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" 2>/dev/null || true; }

wait_http() { # url timeout_s pid -> 0 when 200, 1 on timeout or death
  local url=$1 limit=$2 pid=$3 start=$SECONDS
  while ((SECONDS - start < limit)); do
    alive "$pid" || return 1
    [[ $(http_code "$url") == 200 ]] && return 0
    sleep 0.2
  done
  return 1
}

nginx_common() { # name -> global lines of an nginx config
  cat <<EOF
worker_processes 1;
daemon off;
pid $TMP/$1.pid;
error_log $TMP/$1.error.log warn;
events { worker_connections 4096; }
EOF
}
nginx_http_common() {
  cat <<EOF
  access_log off;
  keepalive_requests 100000;
  keepalive_timeout 65s;
  client_body_temp_path $TMP/$1-body;
  proxy_temp_path $TMP/$1-proxy;
  fastcgi_temp_path $TMP/$1-fastcgi;
  uwsgi_temp_path $TMP/$1-uwsgi;
  scgi_temp_path $TMP/$1-scgi;
EOF
}

BACKEND_BODY='{"ok":true,"service":"bench"}'

start_backend() { # port: the private nginx backend (1 worker, 29-byte JSON on any path); sets BACKEND_PID
  local port=$1
  {
    nginx_common backend
    echo "http {"
    nginx_http_common backend
    cat <<EOF
  server {
    listen 127.0.0.1:$port backlog=4096;
    location / {
      default_type application/json;
      return 200 '$BACKEND_BODY';
    }
  }
}
EOF
  } >"$TMP/backend.conf"
  log "backend (nginx) on 127.0.0.1:$port"
  start_bg backend "$TMP/backend.out" ${PIN_SERVER[@]+"${PIN_SERVER[@]}"} \
    nginx -p "$TMP" -e "$TMP/backend.error.log" -c "$TMP/backend.conf"
  BACKEND_PID=$LAST_PID
  if ! wait_http "http://127.0.0.1:$port/bench" 10 "$BACKEND_PID"; then
    tail -n 20 "$TMP/backend.error.log" "$TMP/backend.out" >&2 2>/dev/null || true
    die "the backend nginx did not start (log above)"
  fi
}

log_tail() { # file [lines]: the end of a log, indented, on stderr
  log "log tail ($1):"
  tail -n "${2:-40}" "$1" 2>/dev/null | sed 's/^/    /' >&2 || true
}

# ---- wrk ----------------------------------------------------------------------------------

# wrk latency ("512.00us", "1.23ms", "1.02s", "2.00m") -> ms
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000;
    else if (v ~ /h$/) n = n * 3600000; else if (v ~ /s$/) n = n * 1000; else { print "?"; exit }
    printf "%.3f", n }'
}

wrk_words() { # wrk args... -> the command line as shown in reports (pinning included)
  echo "${PIN_LOAD[*]:+${PIN_LOAD[*]} }wrk $*" | tr -s ' '
}

run_wrk() { # outfile seconds wrk-args...: in the background and waited for, so a signal stops it at once
  local outf=$1 s=$2
  shift 2
  timeout -k 5 $((s + 30)) ${PIN_LOAD[@]+"${PIN_LOAD[@]}"} wrk "$@" >"$outf" 2>&1 </dev/null &
  WRK_PID=$!
  local rc=0
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  return "$rc"
}

declare -A RPS=() P50=() P99=() ERRS=() NREQ=() NON2XX=()
parse_wrk() { # name file: fills RPS, P50, P99 (ms), NREQ, NON2XX, ERRS ("0" when clean); 1 when unparsable
  local t=$1 f=$2 rps p50 p99 total sock non errs=""
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  p50=$(awk '$1 == "50%" {print $2; exit}' "$f")
  p99=$(awk '$1 == "99%" {print $2; exit}' "$f")
  [[ -n $rps && -n $p50 && -n $p99 ]] || return 1
  total=$(awk '/requests in/ {print $1; exit}' "$f")
  # "Socket errors: connect 0, read 3, write 0, timeout 2" (only printed when there are some)
  sock=$(sed -n 's/^ *Socket errors: *//p' "$f" | tr ',' '\n' | awk '$2 > 0 {printf "%s%s %s", sep, $1, $2; sep = ", "}')
  non=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$f")
  [[ -n $sock ]] && errs=$sock
  if [[ -n $non && $non != 0 ]]; then errs="${errs:+$errs, }non-2xx/3xx $non"; fi
  [[ -n $errs ]] && errs="$errs (of ${total:-?} requests)"
  RPS[$t]=$(awk -v r="$rps" 'BEGIN {printf "%.0f", r}')
  P50[$t]=$(to_ms "$p50")
  P99[$t]=$(to_ms "$p99")
  NREQ[$t]=${total:-0}
  NON2XX[$t]=${non:-0}
  ERRS[$t]=${errs:-0}
}

cpu_ticks() { # pid -> user+system clock ticks of the process and its children
  local pid=$1 p total=0 f
  for p in $pid $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    f=${f##*) }   # drop "pid (comm) "; fields now start at field 3 (state)
    total=$((total + $(awk '{print $12 + $13}' <<<"$f")))
  done
  echo "$total"
}

jit_ticks() { # pid -> user+system clock ticks of the JVM's JIT compiler threads (C1/C2 CompilerThread)
  local pid=$1 total=0 t f
  for t in /proc/"$pid"/task/*; do
    f=$(cat "$t/stat" 2>/dev/null) || continue
    [[ $f == *"(C1 CompilerThre"* || $f == *"(C2 CompilerThre"* ]] || continue
    f=${f##*) }
    total=$((total + $(awk '{print $12 + $13}' <<<"$f")))
  done
  echo "$total"
}

us_per_req() { # ticks requests -> CPU microseconds per request
  awk -v d="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (n > 0 ? d * 1e6 / hz / n : 0)}'
}

ratio() { # a b -> a/b with 2 decimals, "n/a" when b is 0 or empty
  awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'
}

meets() { # value op threshold -> "met" or "MISSED" (op: ge | lt)
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (v == "n/a" || v == "") { print "n/a"; exit }
    ok = (op == "ge") ? (v + 0 >= t + 0) : (v + 0 < t + 0); print (ok ? "met" : "MISSED") }'
}

common_option() { # "$@" of a script's option loop -> OPT_SHIFT: arguments one shared option took (0: none)
  OPT_SHIFT=0
  case $1 in
    --duration) need_arg "$@"; DURATION=$2; OPT_SHIFT=2 ;;
    --duration=*) DURATION=${1#*=}; OPT_SHIFT=1 ;;
    --warmup) need_arg "$@"; WARMUP=$2; OPT_SHIFT=2 ;;
    --warmup=*) WARMUP=${1#*=}; OPT_SHIFT=1 ;;
    --connections) need_arg "$@"; CONNECTIONS=$2; OPT_SHIFT=2 ;;
    --connections=*) CONNECTIONS=${1#*=}; OPT_SHIFT=1 ;;
    --build) BUILD=1; OPT_SHIFT=1 ;;
    --keep) KEEP=1; OPT_SHIFT=1 ;;
  esac
}

invalid_note() { # the INVALID array as one report line; nothing when the run was valid
  if ((${#INVALID[@]} > 0)); then
    local joined
    joined=$(printf '%s; ' "${INVALID[@]}")
    echo "- **INVALID RUN**: ${joined%; }"
  fi
}

run_ts() { # result_file prefix -> the run's timestamp
  local ts
  ts=$(basename "$1" .md)
  echo "${ts#"$2"-}"
}

check_load_options() { # DURATION, WARMUP, CONNECTIONS, WRK_THREADS -> DURATION_S, WARMUP_S, or dies
  DURATION_S=$(secs "$DURATION")
  WARMUP_S=$(secs "$WARMUP")
  ((DURATION_S > 0)) || die "--duration must be > 0"
  [[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "bad --connections '$CONNECTIONS'"
  [[ $WRK_THREADS =~ ^[1-9][0-9]*$ ]] || die "bad WRK_THREADS '$WRK_THREADS'"
  ((CONNECTIONS >= WRK_THREADS)) || die "--connections must be >= WRK_THREADS"
}

# ---- reports ------------------------------------------------------------------------------

machine_info() {
  echo "- nproc: $(nproc)"
  echo "- CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
  echo "- memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
  echo "- kernel: $(uname -srm)"
  if command -v java >/dev/null; then
    echo "- java -version: $(java -version 2>&1 | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
  else
    echo "- java: not found"
  fi
  echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  echo "- wrk: $(wrk -v 2>&1 | head -n 1)"
}

result_file() { # prefix -> a new results file path (bench/results/<prefix>-<ts>.md)
  local ts f
  ts=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$RESULTS_DIR"
  f="$RESULTS_DIR/$1-$ts.md"
  [[ -e $f ]] && f="$RESULTS_DIR/$1-$ts-$$.md"
  echo "$f"
}

raw_section() { # title file -> "### title" and the file as a fenced block (a report's raw output)
  echo
  echo "### $1"
  echo
  echo '```'
  cat "$2"
  echo '```'
}

report_done() { # table result_file: the summary table on stdout and where the whole report went
  echo
  echo "$1"
  echo
  echo "Written to ${2#"$ROOT"/}"
}

keep_header() { # the first lines of a --keep listing
  echo
  echo "--keep: still running (127.0.0.1):"
}

# ---- Java benchmarks in the cluster module's test classes ---------------------------------

mvn_q() { # args...: quiet, offline, bounded by BUILD_TIMEOUT, in the project root; log in $TMP/mvn.log
  (cd "$ROOT" && timeout -k 10 "${BUILD_TIMEOUT:-1800}" ./mvnw -B -q -o "$@") >"$TMP/mvn.log" 2>&1 || {
    log_tail "$TMP/mvn.log" 30
    die "./mvnw $* failed (log above; offline: are the other modules installed? ./mvnw -B -q -o -DskipTests install)"
  }
}

# Compiles the cluster module's test classes (unless build is 0) and sets CP (test classes, classes and the
# test-scope dependencies) and OPENS (the --add-opens/--add-exports of the parent pom's surefire argLine,
# which Hazelcast needs, with a fallback list), for running main_class with java.
cluster_test_java() { # build(0/1) main_class (Maven steps bounded by BUILD_TIMEOUT, as in mvn_q)
  local build=$1 main_class=$2 argline i words=()
  if ((build)); then
    log "compiling the cluster module's classes and test classes: ./mvnw -B -q -o -pl cluster test-compile"
    mvn_q -pl cluster test-compile
  fi
  local classes="$ROOT/cluster/target/classes" test_classes="$ROOT/cluster/target/test-classes"
  [[ -f $test_classes/${main_class//.//}.class ]] ||
    die "$main_class not compiled in cluster/target/test-classes (run without --no-build)"
  log "test classpath: ./mvnw -B -q -o -pl cluster dependency:build-classpath"
  mvn_q -pl cluster dependency:build-classpath -Dmdep.outputFile="$TMP/classpath.txt" -Dmdep.includeScope=test
  [[ -s $TMP/classpath.txt ]] || die "dependency:build-classpath wrote no classpath"
  CP="$test_classes:$classes:$(cat "$TMP/classpath.txt")"

  argline=$(sed -n 's:.*<argLine>\(.*\)</argLine>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
  read -r -a words <<<"$argline"
  OPENS=()
  for ((i = 0; i < ${#words[@]}; i++)); do
    case ${words[$i]} in
      --add-opens|--add-exports) OPENS+=("${words[$i]}" "${words[$((i + 1))]}"); i=$((i + 1)) ;;
    esac
  done
  if ((${#OPENS[@]} == 0)); then
    log "WARNING: no --add-opens in the parent pom's argLine: using the known list"
    OPENS=(--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
      --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
      --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
      --add-exports java.base/jdk.internal.ref=ALL-UNNAMED)
  fi
}
