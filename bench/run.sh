#!/usr/bin/env bash
# bench/run.sh: throughput and latency of the gateway next to nginx and HAProxy,
# all proxying to the same private nginx backend, on 127.0.0.1 only.
# See bench/README.md. Runs as root (it may apt-get install nginx, haproxy, wrk).
set -euo pipefail

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"   # the helpers the three benchmarks share (alive, stop_pid, free_ports, wrk parsing...)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
DEFAULT_JAR="$ROOT/node/target/gateway-node.jar"
JAR=${GATEWAY_JAR:-$DEFAULT_JAR}
RESULTS_DIR="$BENCH_DIR/results"

ALL_TARGETS="direct,nginx,haproxy,gateway"
KNOWN_TARGETS="$ALL_TARGETS,gateway-ahc,floor,floor-transport"  # gateway-ahc: a second gateway with the grizzly-http-client
# upstream client; floor, floor-transport: bench/Floor.java, Grizzly answering a fixed body without proxying (--floor)
ONLY=${ONLY:-$ALL_TARGETS}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-1}
WARMUP=${WARMUP:-5s}                       # warm-up of direct, nginx, haproxy
GATEWAY_WARMUP=${GATEWAY_WARMUP:-15s}      # the JVM needs more (JIT)
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
GATEWAY_CPUS=${GATEWAY_CPUS-1}             # taskset list for the JVM; "" or "none": not pinned
LOAD_CPUS=${LOAD_CPUS:-0}                  # wrk
SERVER_CPUS=${SERVER_CPUS:-1}              # backend, nginx, haproxy
READY_TIMEOUT=${GATEWAY_READY_TIMEOUT:-60} # seconds
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}       # seconds, for --build
URL_PATH=/bench
WITH_OBS=0
TRACE_SAMPLE=""      # --trace-export: observability.tracing.export.sample for the gateway
UPSTREAM_CLIENT=""   # --upstream-client: -Dgateway.upstream-client for the gateway target
BUILD=0
KEEP=0

usage() {
  cat <<EOF
Usage: bench/run.sh [options]
  --only LIST            comma list of: $KNOWN_TARGETS (default: $ALL_TARGETS);
                         gateway-ahc is a second gateway JVM with -Dgateway.upstream-client=ahc
  --duration D           measurement per target, wrk syntax: 15s, 1m (default: $DURATION)
  --connections N        wrk connections (default: $CONNECTIONS)
  --warmup D             warm-up of direct/nginx/haproxy, 0 to skip (default: $WARMUP)
  --gateway-warmup D     warm-up of the gateway (default: $GATEWAY_WARMUP)
  --with-observability   gateway access log (json) and tracing on (default: access log off)
  --trace-export S       gateway records spans and exports them over OTLP/HTTP with sample S (0..1) to the
                         backend nginx (which answers the POSTs 200), so the figure is the SDK's whole cost
  --floor                also measure the floor (targets floor and floor-transport, bench/Floor.java): a bare
                         Grizzly HttpServer answering the backend's body itself, and Grizzly's transport with a
                         fixed answer per request head; same JVM options and pinning as the gateway
  --upstream-client C    ahc|lean: the gateway target's upstream client (-Dgateway.upstream-client=C;
                         default: the node's own default, lean)
  --build                build node/target/gateway-node.jar with Maven if it is missing
  --keep                 leave every process running at the end and print ports and PIDs
  -h, --help             this help
Environment: GATEWAY_JAVA_OPTS (default: -Xms512m -Xmx512m -XX:+UseParallelGC),
  GATEWAY_CPUS (taskset list for the JVM, default 1; empty or "none" = not pinned),
  LOAD_CPUS (wrk, default 0), SERVER_CPUS (nginx/haproxy/backend, default 1),
  GATEWAY_JAR (default node/target/gateway-node.jar), GATEWAY_READY_TIMEOUT (default 60 s),
  DURATION, CONNECTIONS, WARMUP, GATEWAY_WARMUP, WRK_THREADS (default 1).
EOF
}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  common_option "$@"
  if ((OPT_SHIFT > 0)); then shift "$OPT_SHIFT"; continue; fi
  case $1 in
    --only) need_arg "$@"; ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    --gateway-warmup) need_arg "$@"; GATEWAY_WARMUP=$2; shift 2 ;;
    --gateway-warmup=*) GATEWAY_WARMUP=${1#*=}; shift ;;
    --with-observability) WITH_OBS=1; shift ;;
    --floor) ONLY="$ONLY,floor,floor-transport"; shift ;;
    --trace-export) need_arg "$@"; TRACE_SAMPLE=$2; shift 2 ;;
    --trace-export=*) TRACE_SAMPLE=${1#*=}; shift ;;
    --upstream-client) need_arg "$@"; UPSTREAM_CLIENT=$2; shift 2 ;;
    --upstream-client=*) UPSTREAM_CLIENT=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

# ---- validation ---------------------------------------------------------------------------

# wrk duration ("15s", "1m", "30") -> seconds
DURATION_S=$(secs "$DURATION")
WARMUP_S=$(secs "$WARMUP")
GATEWAY_WARMUP_S=$(secs "$GATEWAY_WARMUP")
((DURATION_S > 0)) || die "--duration must be > 0"
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "bad --connections '$CONNECTIONS'"
[[ $WRK_THREADS =~ ^[1-9][0-9]*$ ]] || die "bad WRK_THREADS '$WRK_THREADS'"
((CONNECTIONS >= WRK_THREADS)) || die "--connections must be >= WRK_THREADS"
[[ $READY_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "bad GATEWAY_READY_TIMEOUT '$READY_TIMEOUT'"
[[ -z $UPSTREAM_CLIENT || $UPSTREAM_CLIENT == ahc || $UPSTREAM_CLIENT == lean ]] ||
  die "bad --upstream-client '$UPSTREAM_CLIENT' (ahc or lean)"

TARGETS=()
IFS=',' read -r -a _only <<<"$ONLY"
for t in direct floor floor-transport nginx haproxy gateway gateway-ahc; do  # fixed order, whatever the list's order
  for o in "${_only[@]}"; do
    [[ $o == "$t" ]] && { TARGETS+=("$t"); break; }
  done
done
for o in "${_only[@]}"; do
  [[ ,$KNOWN_TARGETS, == *",$o,"* ]] || die "unknown target '$o' in --only (known: $KNOWN_TARGETS)"
done
((${#TARGETS[@]} > 0)) || die "--only selects no target"
selected() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }

# ---- state and cleanup --------------------------------------------------------------------

declare -A STATUS=() REASON=() PORT=() RPS=() P50=() P99=() ERRS=() SRV_PID=() CPU_US=() ALLOC=() ADMIN=()
PIDS=()          # every process this script started in the background, and only those
PID_NAMES=()
TMP=""
POLICY_CREATED=0
LAST_PID=""
WRK_PID=""       # the wrk run in progress (its timeout wrapper)

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
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
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

fail() { # target reason
  STATUS[$1]=failed
  REASON[$1]=$2
  log "$1: FAILED: $2"
}

# ---- the gateway jar (checked first: the clearest failure comes first) ----------------------

fail_gateways() { # reason: every selected gateway target fails with it
  local g
  for g in gateway gateway-ahc; do selected "$g" && fail "$g" "$1"; done
  return 0
}
if selected gateway || selected gateway-ahc; then
  if [[ ! -f $JAR ]]; then
    if ((BUILD)); then
      log "gateway jar missing: building with ./mvnw -B -q -DskipTests package -pl node -am (at most ${BUILD_TIMEOUT}s)"
      if ! (cd "$ROOT" && timeout -k 10 "$BUILD_TIMEOUT" ./mvnw -B -q -DskipTests package -pl node -am); then
        fail_gateways "maven build failed"
      elif [[ ! -f $JAR ]]; then
        fail_gateways "maven build produced no $JAR"
      fi
    else
      log "ERROR: gateway jar not found: $JAR"
      log "       build it first (./mvnw -B -q -DskipTests package -pl node -am) or pass --build"
      fail_gateways "jar missing: ${JAR#"$ROOT"/} (build it, or pass --build)"
    fi
  fi
  if ! command -v java >/dev/null; then
    fail_gateways "java not found on PATH"
  fi
fi

# ---- tools --------------------------------------------------------------------------------

install_tools() {
  local want=() p
  command -v nginx >/dev/null || want+=(nginx)
  command -v wrk >/dev/null || want+=(wrk)
  command -v curl >/dev/null || want+=(curl)
  command -v taskset >/dev/null || want+=(util-linux)
  if selected haproxy && ! command -v haproxy >/dev/null; then want+=(haproxy); fi
  ((${#want[@]} == 0)) && return 0
  log "installing: ${want[*]}"
  [[ $(id -u) -eq 0 ]] || die "missing tools (${want[*]}) and not root: install them (apt-get install -y nginx-light haproxy wrk curl) or run as root"
  command -v apt-get >/dev/null || die "missing tools (${want[*]}) and no apt-get: install nginx, haproxy, wrk, curl by hand"
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
  for p in nginx wrk curl taskset $(selected haproxy && echo haproxy); do
    command -v "$p" >/dev/null || die "$p still missing after apt-get install"
  done
}
install_tools

# CPU pinning: wrk on LOAD_CPUS, servers on SERVER_CPUS
NPROC=$(nproc)
PIN_LOAD=(taskset -c "$LOAD_CPUS")
PIN_SERVER=(taskset -c "$SERVER_CPUS")
if [[ -z $GATEWAY_CPUS || $GATEWAY_CPUS == none ]]; then PIN_GATEWAY=(); else PIN_GATEWAY=(taskset -c "$GATEWAY_CPUS"); fi
if ((NPROC < 2)); then
  log "WARNING: only $NPROC CPU: no pinning, load generator and servers share the CPU"
  PIN_LOAD=(); PIN_SERVER=(); PIN_GATEWAY=()
fi

# ---- helpers ------------------------------------------------------------------------------

TMP=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$TMP"   # nginx workers run as nobody

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }

start_failure() { # pid log -> reason
  if alive "$1"; then
    echo "not answering within 10 s"
  else
    echo "exited at start-up: $(grep -v '^\s*$' "$2" 2>/dev/null | tail -n 1 | tr -d '|' | head -c 120)"
  fi
}

sanity_check() { # target port: one request must come back 200 with the backend's body
  local t=$1 port=$2 out code body
  out=$(curl -s --max-time 5 -w '\n%{http_code}' "http://127.0.0.1:$port$URL_PATH" 2>/dev/null || true)
  code=${out##*$'\n'}
  body=${out%$'\n'*}
  if [[ $code != 200 || $body != *'"service":"bench"'* ]]; then
    fail "$t" "check request: HTTP ${code:-none}, body '$(printf '%s' "$body" | head -c 80 | tr '\n' ' ')'"
    return 1
  fi
}

start_nginx() { # name conf
  start_bg "$1" "$TMP/$1.out" ${PIN_SERVER[@]+"${PIN_SERVER[@]}"} nginx -p "$TMP" -e "$TMP/$1.error.log" -c "$2"
}

# ---- ports and configs --------------------------------------------------------------------

read -r BACKEND_PORT NGINX_PORT HAPROXY_PORT GW_PORT GW_ADMIN_PORT GW_AHC_PORT GW_AHC_ADMIN_PORT \
  FLOOR_PORT FLOOR_ADMIN_PORT FLOORT_PORT FLOORT_ADMIN_PORT <<<"$(free_ports 11)" ||
  die "could not pick free ports"
[[ -n ${FLOORT_ADMIN_PORT:-} ]] || die "could not pick free ports"
PORT[direct]=$BACKEND_PORT
PORT[nginx]=$NGINX_PORT
PORT[haproxy]=$HAPROXY_PORT
PORT[gateway]=$GW_PORT
PORT[gateway-ahc]=$GW_AHC_PORT
PORT[floor]=$FLOOR_PORT
PORT[floor-transport]=$FLOORT_PORT
# where each JVM tells its heap bytes allocated so far (the alloc B/req column)
ADMIN[gateway]="http://127.0.0.1:$GW_ADMIN_PORT/metrics"
ADMIN[gateway-ahc]="http://127.0.0.1:$GW_AHC_ADMIN_PORT/metrics"
ADMIN[floor]="http://127.0.0.1:$FLOOR_ADMIN_PORT/allocated"
ADMIN[floor-transport]="http://127.0.0.1:$FLOORT_ADMIN_PORT/allocated"

{
  nginx_common backend
  echo "http {"
  nginx_http_common backend
  cat <<EOF
  server {
    listen 127.0.0.1:$BACKEND_PORT backlog=4096;
    location / {
      default_type application/json;
      return 200 '{"ok":true,"service":"bench"}';
    }
  }
}
EOF
} >"$TMP/backend.conf"

{
  nginx_common nginx
  echo "http {"
  nginx_http_common nginx
  cat <<EOF
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 64;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} >"$TMP/nginx.conf"

cat >"$TMP/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4096
  pidfile $TMP/haproxy.pid

defaults
  mode http
  option http-keep-alive
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout http-keep-alive 30s

frontend bench
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend backend

backend backend
  server b1 127.0.0.1:$BACKEND_PORT
EOF

OBS_STATE=off
if ((WITH_OBS)); then
  OBS_STATE=on
  OBS_YAML='observability:
  access-log: {format: json}
  tracing: {propagate: w3c}'
else
  OBS_YAML='observability:
  access-log: {format: "off"}'
fi
if [[ -n $TRACE_SAMPLE ]]; then
  [[ $TRACE_SAMPLE =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die "--trace-export: '$TRACE_SAMPLE' (expected: 0 .. 1)"
  OBS_STATE="$OBS_STATE, span export sample $TRACE_SAMPLE"
  OBS_YAML="$OBS_YAML
  tracing: {propagate: w3c, export: {otlp: \"http://127.0.0.1:$BACKEND_PORT\", sample: $TRACE_SAMPLE}}"
  if ((WITH_OBS)); then
    OBS_YAML=${OBS_YAML/$'\n'"  tracing: {propagate: w3c}"/}
  fi
fi
gateway_yaml() { # name port admin_port -> the gateway config on stdout
  cat <<EOF
# generated by bench/run.sh
node:
  name: $1
  listen: 127.0.0.1:$2
  admin:
    listen: 127.0.0.1:$3

upstreams:
  backend:
    targets:
      - {url: "http://127.0.0.1:$BACKEND_PORT"}
    pool: {max-connections: 256, idle-timeout: 30s}

routes:
  - id: all
    match: {path: "/**"}
    upstream: backend

$OBS_YAML
EOF
}
gateway_yaml bench "$GW_PORT" "$GW_ADMIN_PORT" >"$TMP/gateway.yaml"
gateway_yaml bench-ahc "$GW_AHC_PORT" "$GW_AHC_ADMIN_PORT" >"$TMP/gateway-ahc.yaml"

# ---- start --------------------------------------------------------------------------------

for t in "${TARGETS[@]}"; do STATUS[$t]=${STATUS[$t]:-pending}; done

log "backend (nginx) on 127.0.0.1:$BACKEND_PORT"
start_nginx backend "$TMP/backend.conf"
SRV_PID[direct]=$LAST_PID
if ! wait_http "http://127.0.0.1:$BACKEND_PORT$URL_PATH" 10 "$LAST_PID"; then
  tail -n 20 "$TMP/backend.error.log" "$TMP/backend.out" >&2 2>/dev/null || true
  die "the backend nginx did not start (log above)"
fi

if selected nginx; then
  log "nginx reverse proxy on 127.0.0.1:$NGINX_PORT"
  start_nginx nginx "$TMP/nginx.conf"
  SRV_PID[nginx]=$LAST_PID
  if ! wait_http "http://127.0.0.1:$NGINX_PORT$URL_PATH" 10 "$LAST_PID"; then
    tail -n 20 "$TMP/nginx.error.log" "$TMP/nginx.out" >&2 2>/dev/null || true
    fail nginx "$(start_failure "$LAST_PID" "$TMP/nginx.error.log")"
    stop_pid "${SRV_PID[nginx]}"
  fi
fi

if selected haproxy; then
  log "haproxy on 127.0.0.1:$HAPROXY_PORT"
  start_bg haproxy "$TMP/haproxy.log" ${PIN_SERVER[@]+"${PIN_SERVER[@]}"} haproxy -db -f "$TMP/haproxy.cfg"
  SRV_PID[haproxy]=$LAST_PID
  if ! wait_http "http://127.0.0.1:$HAPROXY_PORT$URL_PATH" 10 "$LAST_PID"; then
    tail -n 20 "$TMP/haproxy.log" >&2 2>/dev/null || true
    fail haproxy "$(start_failure "$LAST_PID" "$TMP/haproxy.log")"
    stop_pid "${SRV_PID[haproxy]}"
  fi
fi

start_gateway() { # target port admin_port client(ahc|lean|"") : starts the gateway JVM with its own config
  local t=$1 port=$2 admin=$3 client=$4 _jopts=()
  read -r -a _jopts <<<"$GATEWAY_JAVA_OPTS"
  if [[ -n $client ]]; then _jopts+=("-Dgateway.upstream-client=$client"); fi
  log "$t on 127.0.0.1:$port (admin $admin), upstream client: ${client:-default}, JVM: ${_jopts[*]}, CPUs: ${GATEWAY_CPUS:-any}"
  start_bg "$t" "$TMP/$t.log" ${PIN_GATEWAY[@]+"${PIN_GATEWAY[@]}"} \
    java ${_jopts[@]+"${_jopts[@]}"} -jar "$JAR" --config "$TMP/$t.yaml"
  SRV_PID[$t]=$LAST_PID
  if ! wait_http "http://127.0.0.1:$admin/health/ready" "$READY_TIMEOUT" "$LAST_PID"; then
    if alive "$LAST_PID"; then
      fail "$t" "not ready within ${READY_TIMEOUT}s (GET /health/ready: $(http_code "http://127.0.0.1:$admin/health/ready"))"
    else
      fail "$t" "exited during start-up: $(grep -v '^\s*$' "$TMP/$t.log" | tail -n 1 | tr -d '|' | head -c 120)"
    fi
    log "$t log tail ($TMP/$t.log):"
    tail -n 40 "$TMP/$t.log" | sed 's/^/    /' >&2 || true
    stop_pid "${SRV_PID[$t]}"
  fi
}

start_floor() { # target mode port admin_port: bench/Floor.java on the gateway's JVM options and CPUs
  local t=$1 mode=$2 port=$3 admin=$4 _jopts=()
  read -r -a _jopts <<<"$GATEWAY_JAVA_OPTS"
  log "$t (bench/Floor.java $mode) on 127.0.0.1:$port, JVM: ${_jopts[*]}, CPUs: ${GATEWAY_CPUS:-any}"
  start_bg "$t" "$TMP/$t.log" ${PIN_GATEWAY[@]+"${PIN_GATEWAY[@]}"} \
    java ${_jopts[@]+"${_jopts[@]}"} -cp "$JAR" "$BENCH_DIR/Floor.java" "$mode" "$port" "$admin"
  SRV_PID[$t]=$LAST_PID
  if ! wait_http "http://127.0.0.1:$port$URL_PATH" "$READY_TIMEOUT" "$LAST_PID"; then
    fail "$t" "$(start_failure "$LAST_PID" "$TMP/$t.log")"
    tail -n 20 "$TMP/$t.log" | sed 's/^/    /' >&2 || true
    stop_pid "${SRV_PID[$t]}"
  fi
}
for f in floor floor-transport; do
  if selected "$f" && [[ ${STATUS[$f]} != failed ]]; then
    if [[ ! -f $JAR ]]; then fail "$f" "jar missing (the floor runs on its Grizzly classes)"; continue; fi
    start_floor "$f" "$(if [[ $f == floor ]]; then echo http; else echo transport; fi)" "${PORT[$f]}" "$(if [[ $f == floor ]]; then echo "$FLOOR_ADMIN_PORT"; else echo "$FLOORT_ADMIN_PORT"; fi)"
  fi
done

if selected gateway && [[ ${STATUS[gateway]} != failed ]]; then
  start_gateway gateway "$GW_PORT" "$GW_ADMIN_PORT" "$UPSTREAM_CLIENT"
fi
if selected gateway-ahc && [[ ${STATUS[gateway-ahc]} != failed ]]; then
  start_gateway gateway-ahc "$GW_AHC_PORT" "$GW_AHC_ADMIN_PORT" ahc
fi

# ---- measure ------------------------------------------------------------------------------

# wrk latency ("512.00us", "1.23ms", "1.02s", "2.00m") -> ms
wrk_cmd() { # port duration [--latency] -> the command line (as words)
  local port=$1 d=$2
  shift 2
  echo "${PIN_LOAD[*]:+${PIN_LOAD[*]} }wrk -t$WRK_THREADS -c$CONNECTIONS -d$d $* http://127.0.0.1:$port$URL_PATH" | tr -s ' '
}

run_wrk() { # outfile seconds port duration [--latency]
  local out=$1 s=$2 port=$3 d=$4
  shift 4
  # in the background and waited for, so that a signal to this script stops it at once
  timeout -k 5 $((s + 30)) ${PIN_LOAD[@]+"${PIN_LOAD[@]}"} \
    wrk "-t$WRK_THREADS" "-c$CONNECTIONS" "-d$d" "$@" "http://127.0.0.1:$port$URL_PATH" >"$out" 2>&1 </dev/null &
  WRK_PID=$!
  local rc=0
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  return "$rc"
}

parse_wrk() { # target file
  local t=$1 f=$2 rps p50 p99 total sock non errs=""
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  p50=$(awk '$1 == "50%" {print $2; exit}' "$f")
  p99=$(awk '$1 == "99%" {print $2; exit}' "$f")
  if [[ -z $rps || -z $p50 || -z $p99 ]]; then
    fail "$t" "could not parse wrk output: $(tr '\n' ' ' <"$f" | head -c 100)"
    return 1
  fi
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
  ERRS[$t]=${errs:-0}
  STATUS[$t]=ok
}

measure() { # target
  local t=$1 port=${PORT[$1]} pid=${SRV_PID[$1]} ws=$WARMUP_S wd=$WARMUP
  if [[ $t == gateway* || $t == floor* ]]; then ws=$GATEWAY_WARMUP_S wd=$GATEWAY_WARMUP; fi
  sanity_check "$t" "$port" || return 0
  if ((ws > 0)); then
    log "$t: warm-up $(wrk_cmd "$port" "$wd")"
    if ! run_wrk "$TMP/wrk-$t-warmup.txt" "$ws" "$port" "$wd"; then
      fail "$t" "wrk warm-up failed: $(tail -n 2 "$TMP/wrk-$t-warmup.txt" | tr '\n' ' ')"
      return 0
    fi
  fi
  alive "$pid" || { fail "$t" "server died during warm-up"; return 0; }
  log "$t: measure $(wrk_cmd "$port" "$DURATION" --latency)"
  local ticks_before ticks_after alloc_before="" alloc_after=""
  alloc_before=$(allocated "$t")
  ticks_before=$(cpu_ticks "$pid")
  if ! run_wrk "$TMP/wrk-$t.txt" "$DURATION_S" "$port" "$DURATION" --latency; then
    fail "$t" "wrk failed: $(tail -n 2 "$TMP/wrk-$t.txt" | tr '\n' ' ')"
    return 0
  fi
  ticks_after=$(cpu_ticks "$pid")
  alloc_after=$(allocated "$t")
  parse_wrk "$t" "$TMP/wrk-$t.txt" || return 0
  # CPU the server itself spent per request (the backend's share is not counted), in us
  local total hz
  total=$(awk '/requests in/ {print $1; exit}' "$TMP/wrk-$t.txt")
  hz=$(getconf CLK_TCK)
  if [[ $t == direct ]]; then CPU_US[$t]="-"; else
    CPU_US[$t]=$(awk -v d=$((ticks_after - ticks_before)) -v n="$total" -v hz="$hz" 'BEGIN {printf "%.1f", (n > 0 ? d * 1e6 / hz / n : 0)}')
  fi
  # heap bytes the JVM allocated in the window per request (the scrapes themselves are a few KB in all)
  if [[ -n $alloc_before && -n $alloc_after ]]; then
    ALLOC[$t]=$(awk -v a="$alloc_before" -v b="$alloc_after" -v n="$total" 'BEGIN {printf "%.0f", (n > 0 ? (b - a) / n : 0)}')
  else
    ALLOC[$t]="-"
  fi
  alive "$pid" || fail "$t" "server died during the measurement"
  return 0
}

allocated() { # target -> the JVM's heap bytes allocated so far (jvm_allocated_bytes_total), or nothing
  local url=${ADMIN[$1]:-}
  [[ -n $url ]] || return 0
  curl -s --max-time 5 "$url" 2>/dev/null |
    awk '$1 == "jvm_allocated_bytes_total" {printf "%.0f\n", $2; exit} /^[0-9]+$/ {print; exit}' || true
}

for t in "${TARGETS[@]}"; do
  [[ ${STATUS[$t]} == failed ]] && continue
  measure "$t"
done

# ---- report -------------------------------------------------------------------------------

table() {
  echo "| target | req/s | p50 ms | p99 ms | proxy CPU us/req | alloc B/req | errors |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  local t
  for t in "${TARGETS[@]}"; do
    if [[ ${STATUS[$t]} == ok ]]; then
      echo "| $t | ${RPS[$t]} | ${P50[$t]} | ${P99[$t]} | ${CPU_US[$t]:-?} | ${ALLOC[$t]:--} | ${ERRS[$t]} |"
    else
      echo "| $t | - | - | - | - | - | FAILED: ${REASON[$t]:-not measured} |"
    fi
  done
  echo
  if [[ ${STATUS[gateway]:-} == ok && ${STATUS[nginx]:-} == ok ]]; then
    awk -v g="${RPS[gateway]}" -v n="${RPS[nginx]}" -v gp="${P99[gateway]}" -v np="${P99[nginx]}" 'BEGIN {
      printf "- gateway req/s / nginx req/s: **%.2f** (budget in docs/architecture.md: >= 0.80)\n", g / n
      printf "- p99 gateway - p99 nginx: **%+.3f ms**\n", gp - np }'
    awk -v g="${CPU_US[gateway]}" -v n="${CPU_US[nginx]}" 'BEGIN {
      if (n > 0) printf "- gateway CPU us/req / nginx CPU us/req: **%.2f**\n", g / n }'
  else
    echo "- gateway req/s / nginx req/s: n/a (needs both gateway and nginx measured)"
    echo "- p99 gateway - p99 nginx: n/a"
  fi
  local f
  for f in floor floor-transport; do
    if [[ ${STATUS[$f]:-} == ok && ${STATUS[gateway]:-} == ok ]]; then
      awk -v f="$f" -v fc="${CPU_US[$f]}" -v gc="${CPU_US[gateway]}" -v fr="${RPS[$f]}" -v gr="${RPS[gateway]}" 'BEGIN {
        if (fc > 0) printf "- gateway CPU us/req / %s CPU us/req: **%.2f** (%s req/s %d, no upstream exchange)\n", f, gc / fc, f, fr }'
    fi
  done
  if [[ ${STATUS[gateway-ahc]:-} == ok && ${STATUS[gateway]:-} == ok ]]; then
    awk -v a="${RPS[gateway-ahc]}" -v g="${RPS[gateway]}" -v ac="${CPU_US[gateway-ahc]}" -v gc="${CPU_US[gateway]}" \
      -v gclient="${UPSTREAM_CLIENT:-lean}" 'BEGIN {
      printf "- gateway-ahc req/s / gateway req/s: **%.2f** (upstream client ahc / %s)\n", a / g, gclient
      if (gc > 0) printf "- gateway-ahc CPU us/req / gateway CPU us/req: **%.2f**\n", ac / gc }'
  fi
}

TS=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS_DIR"
RESULT_FILE="$RESULTS_DIR/$TS.md"
[[ -e $RESULT_FILE ]] && RESULT_FILE="$RESULTS_DIR/$TS-$$.md"
TABLE=$(table)

machine() {
  echo "- nproc: $NPROC"
  echo "- CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
  echo "- kernel: $(uname -srm)"
  if command -v java >/dev/null; then
    echo "- java -version: $(java -version 2>&1 | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
  else
    echo "- java: not found"
  fi
  echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  if selected haproxy; then echo "- haproxy: $(haproxy -v 2>&1 | head -n 1)"; fi
  echo "- wrk: $(wrk -v 2>&1 | head -n 1)"
}

{
  echo "# Gateway benchmark $TS"
  echo
  echo "$TABLE"
  echo
  echo "## Settings"
  echo
  echo "- wrk command (measurement): \`$(wrk_cmd "<port>" "$DURATION" --latency)\`"
  echo "- warm-up: \`$(wrk_cmd "<port>" "$WARMUP")\`$( (selected gateway || selected gateway-ahc) && echo " (gateway: -d$GATEWAY_WARMUP)")"
  for t in "${TARGETS[@]}"; do echo "  - $t: port ${PORT[$t]}"; done
  echo "- backend: private nginx, 1 worker, returns a 29-byte JSON body, keep-alive"
  echo "- alloc B/req: the JVM's heap bytes allocated during the measurement (jvm_allocated_bytes_total on the admin /metrics, GET /allocated on the floor) / wrk's requests"
  if selected floor || selected floor-transport; then echo "- floor: bench/Floor.java on the gateway's JVM options and CPUs; floor = bare Grizzly HttpServer + HttpHandler, floor-transport = Grizzly transport + a fixed answer per request head"; fi
  echo "- pinning: wrk \`${PIN_LOAD[*]:-none}\`, backend/nginx/haproxy \`${PIN_SERVER[*]:-none}\`, gateway JVM \`${PIN_GATEWAY[*]:-none}\`"
  selected gateway && echo "- gateway: GATEWAY_JAVA_OPTS=\`$GATEWAY_JAVA_OPTS\`, upstream client ${UPSTREAM_CLIENT:-default (lean)}, observability $OBS_STATE, jar ${JAR#"$ROOT"/}"
  selected gateway-ahc && echo "- gateway-ahc: the same JVM options with -Dgateway.upstream-client=ahc (grizzly-http-client); every selected gateway JVM runs for the whole run, the ones not being measured idle"
  echo
  echo "## Machine"
  echo
  machine
  echo
  for g in gateway gateway-ahc floor floor-transport; do
    if [[ ${STATUS[$g]:-} == failed && -s $TMP/$g.log ]]; then
      echo "## $g log (last 60 lines)"
      echo
      echo '```'
      tail -n 60 "$TMP/$g.log"
      echo '```'
      echo
    fi
  done
  echo "## Raw wrk output"
  for t in "${TARGETS[@]}"; do
    [[ -f $TMP/wrk-$t.txt ]] || continue
    raw_section "$t" "$TMP/wrk-$t.txt"
  done
} >"$RESULT_FILE"

report_done "$TABLE" "$RESULT_FILE"

if ((KEEP)); then
  keep_header
  for i in "${!PIDS[@]}"; do
    alive "${PIDS[$i]}" || continue
    case ${PID_NAMES[$i]} in
      backend) echo "  backend  pid ${PIDS[$i]}  port $BACKEND_PORT" ;;
      nginx)   echo "  nginx    pid ${PIDS[$i]}  port $NGINX_PORT" ;;
      haproxy) echo "  haproxy  pid ${PIDS[$i]}  port $HAPROXY_PORT" ;;
      gateway) echo "  gateway  pid ${PIDS[$i]}  port $GW_PORT  admin $GW_ADMIN_PORT  log $TMP/gateway.log" ;;
      floor|floor-transport) echo "  ${PID_NAMES[$i]}  pid ${PIDS[$i]}  port ${PORT[${PID_NAMES[$i]}]}" ;;
      gateway-ahc) echo "  gateway-ahc  pid ${PIDS[$i]}  port $GW_AHC_PORT  admin $GW_AHC_ADMIN_PORT  log $TMP/gateway-ahc.log" ;;
    esac
  done
  echo "  configs and logs in $TMP"
  echo "  stop with: kill ${PIDS[*]}"
fi

for t in "${TARGETS[@]}"; do
  [[ ${STATUS[$t]} == ok ]] || exit 1
done
exit 0
