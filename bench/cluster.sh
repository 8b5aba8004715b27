#!/usr/bin/env bash
# bench/cluster.sh: the cost of a global (cluster-wide) rate-limit check. Three gateway nodes form
# one cluster on 127.0.0.1; wrk loads node 1 on a route without limits (/free) and on a route
# whose token bucket never refuses (/limited: every request is a distributed check). Keys: by
# default 1000 X-Key values (one bucket each, about 2/3 owned by another member); --hot-key: one
# bucket for all requests, owned by another member (a global or per-route quota). The two routes
# are measured alternately, --rounds times. See bench/README.md. Runs as root (it may apt-get
# install nginx, wrk).
set -euo pipefail

BENCH_TAG=cluster
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAR=${GATEWAY_JAR:-$DEFAULT_JAR}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-90s}                       # one warm-up, both routes interleaved (JIT: 40 s was too short)
ROUNDS=${ROUNDS:-3}                         # free, limited, free, limited, ...
LIGHT_CONNECTIONS=2                         # the check's latency at light load: wrk -c2 on /limited
CONNECTIONS=${CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-1}
KEYS=${KEYS:-1000}                          # distinct X-Key values (one bucket each)
HOT_KEY=0                                   # 1: one X-Key value, its bucket owned by gw-2 or gw-3
TOPOLOGY=embedded                           # client: gw-1 a client-mode node, gw-2 and gw-3 dedicated members
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
GATEWAY_CPUS=${GATEWAY_CPUS-1}              # node 1 (the one wrk loads)
LOAD_CPUS=${LOAD_CPUS:-0}                   # wrk
PEER_CPUS=${PEER_CPUS-$GATEWAY_CPUS}        # nodes 2 and 3 (bucket owners): on gw-1's CPU (see bench/README.md)
SERVER_CPUS=${SERVER_CPUS:-1}               # backend nginx
READY_TIMEOUT=${GATEWAY_READY_TIMEOUT:-90}  # seconds, per node, and for the cluster to form
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
POLICY=bench
LIMIT=1000000000
ALGORITHM=${ALGORITHM:-token-bucket}   # any of the four; sliding-window runs our own entry processor
FREE_PATH=/free/bench
LIMITED_PATH=/limited/bench
CHECK_P99_TARGET_US=300
RATIO_TARGET=0.85
BUILD=0

usage() {
  cat <<EOF
Usage: bench/cluster.sh [options]
  --duration D       measurement per route, wrk syntax: 15s, 1m (default: $DURATION)
  --warmup D         warm-up before measuring, both routes interleaved; 0 to skip (default: $WARMUP)
  --connections N    wrk connections (default: $CONNECTIONS)
  --keys N           distinct X-Key values sent round-robin (default: $KEYS)
  --hot-key          one X-Key value for every request, its bucket owned by another member
  --rounds N         free/limited measurement pairs, alternating (default: $ROUNDS)
  --topology T       embedded (default: three nodes, each a member) or client (gw-1 a cluster.mode: client
                     node; gw-2 and gw-3 replaced by two dedicated members, 'gateway-node member')
  --build            build node/target/gateway-node.jar with Maven if it is missing
  --keep             leave every process running at the end and print ports and PIDs
  -h, --help         this help
Environment: GATEWAY_JAVA_OPTS (default: -Xms256m -Xmx256m -XX:+UseParallelGC, each node),
  GATEWAY_CPUS (taskset list for node 1, default 1), PEER_CPUS (nodes 2 and 3, default: GATEWAY_CPUS, so the
  owner side of the checks is paid from node 1's CPU; PEER_CPUS=0 puts them on wrk's CPU instead),
  LOAD_CPUS (wrk, default 0), SERVER_CPUS (backend, default 1); empty or "none" = not pinned.
  GATEWAY_JAR, GATEWAY_READY_TIMEOUT (default 90 s), WRK_THREADS (default 1).
EOF
}

while [[ $# -gt 0 ]]; do
  common_option "$@"
  if ((OPT_SHIFT > 0)); then shift "$OPT_SHIFT"; continue; fi
  case $1 in
    --keys) need_arg "$@"; KEYS=$2; shift 2 ;;
    --keys=*) KEYS=${1#*=}; shift ;;
    --hot-key) HOT_KEY=1; KEYS=1; shift ;;
    --rounds) need_arg "$@"; ROUNDS=$2; shift 2 ;;
    --rounds=*) ROUNDS=${1#*=}; shift ;;
    --topology) need_arg "$@"; TOPOLOGY=$2; shift 2 ;;
    --topology=*) TOPOLOGY=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

check_load_options   # sets DURATION_S and WARMUP_S
if ! [[ $KEYS =~ ^[1-9][0-9]*$ ]] || ((KEYS > 1000000)); then die "bad --keys '$KEYS' (1..1000000)"; fi
if ! [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || ((ROUNDS > 20)); then die "bad --rounds '$ROUNDS' (1..20)"; fi
[[ $READY_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "bad GATEWAY_READY_TIMEOUT '$READY_TIMEOUT'"
[[ $TOPOLOGY == embedded || $TOPOLOGY == client ]] || die "bad --topology '$TOPOLOGY' (embedded or client)"
CLIENT=0
[[ $TOPOLOGY == client ]] && CLIENT=1

ensure_jar "$JAR" "$BUILD" "$BUILD_TIMEOUT"
# shellcheck disable=SC2119  # no extra tools
install_tools
setup_pinning "$LOAD_CPUS" "$SERVER_CPUS"
pin_for PIN_GW1 "$GATEWAY_CPUS"
pin_for PIN_PEER "$PEER_CPUS"
bench_init

# ---- ports and config ---------------------------------------------------------------------

read -r BACKEND_PORT P1 P2 P3 A1 A2 A3 C1 C2 C3 <<<"$(free_ports 10)" || die "could not pick free ports"
[[ -n ${C3:-} ]] || die "could not pick free ports"
PORTS=("" "$P1" "$P2" "$P3")
ADMIN=("" "$A1" "$A2" "$A3")
CLUSTER=("" "$C1" "$C2" "$C3")

cat >"$TMP/gateway.yaml" <<EOF
# generated by bench/cluster.sh; each node overrides node.name, the listeners and cluster.listen by flags
node:
  name: gw-1
  listen: 127.0.0.1:$P1
  admin:
    listen: 127.0.0.1:$A1

$(if ((CLIENT)); then
  printf 'cluster:\n  name: bench\n  mode: client\n  members: [127.0.0.1:%s, 127.0.0.1:%s]\n' "$C2" "$C3"
  printf '  expected-size: 2\n  min-size: 2\n'
else
  printf 'cluster:\n  name: bench\n  listen: 127.0.0.1:%s\n' "$C1"
  printf '  discovery:\n    static: [127.0.0.1:%s, 127.0.0.1:%s, 127.0.0.1:%s]\n' "$C1" "$C2" "$C3"
  printf '  expected-size: 3\n  min-size: 2\n'
fi)

upstreams:
  backend:
    targets:
      - {url: "http://127.0.0.1:$BACKEND_PORT"}
    pool: {max-connections: 256, idle-timeout: 30s}

rate-limits:
  $POLICY:
    algorithm: $ALGORITHM
    limit: $LIMIT
    per: 1s
    key: header:X-Key

routes:
  - id: free
    match: {path: "/free/**"}
    upstream: backend
  - id: limited
    match: {path: "/limited/**"}
    upstream: backend
    rate-limits: [$POLICY]

observability:
  access-log: {format: "off"}
EOF

# wrk script: one of KEYS X-Key values per request, round-robin, requests prebuilt in init();
# script arguments: the paths to rotate over (default: the URL's path).
cat >"$TMP/keys.lua" <<'EOF'
local keys = tonumber(os.getenv("BENCH_KEYS") or "1000")
local first = tonumber(os.getenv("BENCH_KEY_FIRST") or "1")
local reqs = {}
local n = 0
local i = 0
function init(args)
  local paths = {}
  for _, p in ipairs(args) do paths[#paths + 1] = p end
  if #paths == 0 then paths[1] = wrk.path end
  for k = first, first + keys - 1 do
    for _, p in ipairs(paths) do
      n = n + 1
      reqs[n] = wrk.format("GET", p, { ["X-Key"] = string.format("key-%06d", k) })
    end
  end
  -- each wrk thread starts at its own place in the rotation
  i = math.random(0, n - 1)
end
function request()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end
EOF
export BENCH_KEYS=$KEYS
# --topology client: the two dedicated members' file (gateway-node member reads its cluster: section)
printf 'cluster:\n  name: bench\n  listen: 127.0.0.1:%s\n  discovery:\n    static: [127.0.0.1:%s, 127.0.0.1:%s]\n  expected-size: 2\n  min-size: 2\n' \
  "$C2" "$C2" "$C3" >"$TMP/member.yaml"
export BENCH_KEY_FIRST=1

# ---- start --------------------------------------------------------------------------------

start_backend "$BACKEND_PORT"

read -r -a JOPTS <<<"$GATEWAY_JAVA_OPTS"
GW_PID=("" "" "" "")
MEMBER_FLAGS=(--member "127.0.0.1:$C1" --member "127.0.0.1:$C2" --member "127.0.0.1:$C3")

gateway_cmd() { # i -> the java command line of node i (as words)
  local i=$1
  if ((CLIENT && i > 1)); then
    echo java "${JOPTS[@]}" -jar "${JAR#"$ROOT"/}" member --config member.yaml --node-name "m-$i" \
      --cluster-listen "127.0.0.1:${CLUSTER[$i]}" --admin-listen "127.0.0.1:${ADMIN[$i]}"
    return
  fi
  if ((CLIENT)); then
    echo java "${JOPTS[@]}" -jar "${JAR#"$ROOT"/}" --config gateway.yaml --node-name "gw-$i" \
      --listen "127.0.0.1:${PORTS[$i]}" --admin-listen "127.0.0.1:${ADMIN[$i]}"
    return
  fi
  echo java "${JOPTS[@]}" -jar "${JAR#"$ROOT"/}" --config gateway.yaml --node-name "gw-$i" \
    --listen "127.0.0.1:${PORTS[$i]}" --admin-listen "127.0.0.1:${ADMIN[$i]}" \
    --cluster-listen "127.0.0.1:${CLUSTER[$i]}" "${MEMBER_FLAGS[@]}"
}

start_gateway() { # i: starts node i and waits for its admin listener (it binds after joining)
  local i=$1 pin=()
  if ((i == 1)); then pin=(${PIN_GW1[@]+"${PIN_GW1[@]}"}); else pin=(${PIN_PEER[@]+"${PIN_PEER[@]}"}); fi
  log "gw-$i: proxy 127.0.0.1:${PORTS[$i]}, admin ${ADMIN[$i]}, cluster ${CLUSTER[$i]}, CPUs: ${pin[*]:-any}"
  if ((CLIENT && i > 1)); then
    start_bg "gw-$i" "$TMP/gw-$i.log" ${pin[@]+"${pin[@]}"} \
      java ${JOPTS[@]+"${JOPTS[@]}"} -jar "$JAR" member --config "$TMP/member.yaml" --node-name "m-$i" \
      --cluster-listen "127.0.0.1:${CLUSTER[$i]}" --admin-listen "127.0.0.1:${ADMIN[$i]}"
  elif ((CLIENT)); then
    start_bg "gw-$i" "$TMP/gw-$i.log" ${pin[@]+"${pin[@]}"} \
      java ${JOPTS[@]+"${JOPTS[@]}"} -jar "$JAR" --config "$TMP/gateway.yaml" --node-name "gw-$i" \
      --listen "127.0.0.1:${PORTS[$i]}" --admin-listen "127.0.0.1:${ADMIN[$i]}"
  else
    start_bg "gw-$i" "$TMP/gw-$i.log" ${pin[@]+"${pin[@]}"} \
      java ${JOPTS[@]+"${JOPTS[@]}"} -jar "$JAR" --config "$TMP/gateway.yaml" --node-name "gw-$i" \
      --listen "127.0.0.1:${PORTS[$i]}" --admin-listen "127.0.0.1:${ADMIN[$i]}" \
      --cluster-listen "127.0.0.1:${CLUSTER[$i]}" "${MEMBER_FLAGS[@]}"
  fi
  GW_PID[i]=$LAST_PID
  if ! wait_http "http://127.0.0.1:${ADMIN[$i]}/health/live" "$READY_TIMEOUT" "$LAST_PID"; then
    log_tail "$TMP/gw-$i.log"
    if alive "$LAST_PID"; then die "gw-$i: admin listener not up within ${READY_TIMEOUT}s"; fi
    die "gw-$i exited during start-up: $(grep -v '^\s*$' "$TMP/gw-$i.log" | tail -n 1 | head -c 160)"
  fi
}

# one after the other: members started all at once race for mastership (slower to form)
if ((CLIENT)); then
  # the members first: a client-mode node starts once it reaches one
  for i in 2 3; do start_gateway "$i"; done
  start_gateway 1
else
  for i in 1 2 3; do start_gateway "$i"; done
fi

cluster_json() { curl -s --max-time 2 "http://127.0.0.1:${ADMIN[$1]}/admin/cluster" 2>/dev/null || true; }

log "waiting for the 3-member cluster (ready, partitions backed up) on every node"
deadline=$((SECONDS + READY_TIMEOUT))
while :; do
  ok=1
  for i in 1 2 3; do
    alive "${GW_PID[$i]}" || { log_tail "$TMP/gw-$i.log"; die "gw-$i died while the cluster formed"; }
    if ((CLIENT && i > 1)); then
      j=$(curl -s --max-time 2 "http://127.0.0.1:${ADMIN[$i]}/health/ready" 2>/dev/null || true)
      [[ $j == *'"members":2,'* && $j == *'"local_partitions_safe":true'* ]] || { ok=0; break; }
      continue
    fi
    j=$(cluster_json "$i")
    want=3
    ((CLIENT)) && want=2
    if [[ $(http_code "http://127.0.0.1:${ADMIN[$i]}/health/ready") != 200 || $j != *"\"size\":$want,"* ||
          $j != *'"local_partitions_safe":true'* ]]; then
      ok=0
      break
    fi
  done
  ((ok)) && break
  if ((SECONDS >= deadline)); then
    for i in 1 2 3; do log "gw-$i /admin/cluster: $(cluster_json "$i" | head -c 300)"; done
    die "the cluster did not form within ${READY_TIMEOUT}s"
  fi
  sleep 0.5
done
log "cluster formed: $(cluster_json 1 | grep -o '"members":.*' | grep -o '"node":"[^"]*"' | tr '\n' ' ')"

# ---- checks -------------------------------------------------------------------------------

GW1="http://127.0.0.1:$P1"
check_route() { # path -> dies unless 200 with the backend's body (and the limit headers on /limited)
  local path=$1 out code
  out=$(curl -s -i --max-time 5 -H 'X-Key: key-000001' "$GW1$path" 2>/dev/null || true)
  code=$(head -n 1 <<<"$out" | awk '{print $2}')
  [[ $code == 200 && $out == *"$BACKEND_BODY"* ]] ||
    die "check GET $path on gw-1: HTTP ${code:-none}: $(tr '\r\n' '  ' <<<"$out" | head -c 200)"
  if [[ $path == "$LIMITED_PATH" ]]; then
    grep -qi "^RateLimit-Limit: $LIMIT" <<<"$out" ||
      die "check GET $path: no 'RateLimit-Limit: $LIMIT' header: the route is not limited? $(tr '\r\n' '  ' <<<"$out" | head -c 200)"
  else
    ! grep -qi '^RateLimit-Limit:' <<<"$out" || die "check GET $path: it carries RateLimit headers, it should not"
  fi
}
key_owner() { # X-Key value -> the node holding its bucket, from gw-1's /admin/limits (empty if unknown)
  curl -s --max-time 5 "http://127.0.0.1:$A1/admin/limits/$POLICY/$1" 2>/dev/null |
    sed -n 's/.*"owner":"\([^"]*\)".*/\1/p'
}
HOT_OWNER=""
if ((HOT_KEY)); then
  for k in $(seq 1 200); do
    v=$(printf 'key-%06d' "$k")
    o=$(key_owner "$v")
    if [[ -n $o && $o != gw-1 ]]; then BENCH_KEY_FIRST=$k; HOT_OWNER=$o; break; fi
  done
  [[ -n $HOT_OWNER ]] || die "found no X-Key value among key-000001..key-000200 owned by gw-2 or gw-3 (is /admin/limits up?)"
  log "hot key: X-Key $(printf 'key-%06d' "$BENCH_KEY_FIRST"), its bucket held by $HOT_OWNER"
fi
check_route "$FREE_PATH"
check_route "$LIMITED_PATH"

# ---- metrics of node 1 --------------------------------------------------------------------

scrape() { # file: node 1's /metrics
  curl -s --max-time 5 "http://127.0.0.1:$A1/metrics" >"$1" 2>/dev/null || : >"$1"
}
# metric value for a name and label substrings (all must appear); "" when absent
metric() { # file name label-substring...
  local f=$1 name=$2
  shift 2
  awk -v name="$name" -v want="$(printf '%s\037' "$@")" '
    BEGIN { n = split(want, w, "\037") - 1 }
    index($0, name "{") == 1 || $1 == name {
      for (k = 1; k <= n; k++) if (index($1, w[k]) == 0) next
      printf "%.9g\n", $NF + 0; exit }' "$f"
}
decisions() { metric "$1" gateway_rate_limit_decisions_total "policy=\"$POLICY\"" "outcome=\"$2\""; }
num() { [[ -n $1 ]] && echo "$1" || echo 0; }

# ---- measure ------------------------------------------------------------------------------

if ((WARMUP_S > 0)); then
  log "warm-up ($WARMUP, /free and /limited interleaved): $(wrk_words "-t$WRK_THREADS -c$CONNECTIONS -d$WARMUP -s keys.lua $GW1$FREE_PATH -- $FREE_PATH $LIMITED_PATH")"
  run_wrk "$TMP/wrk-warmup.txt" "$WARMUP_S" "-t$WRK_THREADS" "-c$CONNECTIONS" "-d$WARMUP" -s "$TMP/keys.lua" \
    "$GW1$FREE_PATH" -- "$FREE_PATH" "$LIMITED_PATH" ||
    die "wrk warm-up failed: $(tail -n 2 "$TMP/wrk-warmup.txt" | tr '\n' ' ')"
  for i in 1 2 3; do alive "${GW_PID[$i]}" || { log_tail "$TMP/gw-$i.log"; die "gw-$i died during the warm-up"; }; done
fi

declare -A CPU1=() CPUP=() JIT1=()
measure() { # name path [connections]
  local t=$1 path=$2 c=${3:-$CONNECTIONS} b1 bp a1 ap bj aj
  log "$t: $(wrk_words "-t$WRK_THREADS -c$c -d$DURATION --latency -s keys.lua $GW1$path")"
  scrape "$TMP/metrics-before-$t.txt"
  b1=$(cpu_ticks "${GW_PID[1]}")
  bj=$(jit_ticks "${GW_PID[1]}")
  bp=$(($(cpu_ticks "${GW_PID[2]}") + $(cpu_ticks "${GW_PID[3]}")))
  run_wrk "$TMP/wrk-$t.txt" "$DURATION_S" "-t$WRK_THREADS" "-c$c" "-d$DURATION" --latency \
    -s "$TMP/keys.lua" "$GW1$path" || die "wrk failed on $path: $(tail -n 2 "$TMP/wrk-$t.txt" | tr '\n' ' ')"
  a1=$(cpu_ticks "${GW_PID[1]}")
  aj=$(jit_ticks "${GW_PID[1]}")
  ap=$(($(cpu_ticks "${GW_PID[2]}") + $(cpu_ticks "${GW_PID[3]}")))
  scrape "$TMP/metrics-after-$t.txt"
  parse_wrk "$t" "$TMP/wrk-$t.txt" || die "could not parse wrk output: $(tr '\n' ' ' <"$TMP/wrk-$t.txt" | head -c 200)"
  CPU1[$t]=$(us_per_req $((a1 - b1)) "${NREQ[$t]}")
  CPUP[$t]=$(us_per_req $((ap - bp)) "${NREQ[$t]}")
  JIT1[$t]=$(us_per_req $((aj - bj)) "${NREQ[$t]}")
  for i in 1 2 3; do alive "${GW_PID[$i]}" || { log_tail "$TMP/gw-$i.log"; die "gw-$i died during the $t measurement"; }; done
}
RUNS=()
for ((r = 1; r <= ROUNDS; r++)); do
  measure "free-$r" "$FREE_PATH"
  measure "limited-$r" "$LIMITED_PATH"
  RUNS+=("free-$r" "limited-$r")
done
measure light "$LIMITED_PATH" "$LIGHT_CONNECTIONS"
RUNS+=(light)

# the distributed check, from node 1's metrics (the reservoir holds the last 1024 checks)
CHECK="gateway_rate_limit_check_seconds"
q_us() { # metrics-file quantile -> microseconds
  local v
  v=$(metric "$1" "$CHECK" "policy=\"$POLICY\"" "quantile=\"$2\"")
  [[ -n $v ]] && awk -v v="$v" 'BEGIN {printf "%.0f", v * 1e6}' || echo "n/a"
}
M_AFTER="$TMP/metrics-after-limited-$ROUNDS.txt"
M_LIGHT="$TMP/metrics-after-light.txt"
[[ -s $M_AFTER && -s $M_LIGHT ]] || die "could not read gw-1's /metrics"
CHECK_P50=$(q_us "$M_AFTER" 0.5)
CHECK_P99=$(q_us "$M_AFTER" 0.99)
CHECK_P999=$(q_us "$M_AFTER" 0.999)
LIGHT_P50=$(q_us "$M_LIGHT" 0.5)
LIGHT_P99=$(q_us "$M_LIGHT" 0.99)
LIGHT_P999=$(q_us "$M_LIGHT" 0.999)
M_FIRST="$TMP/metrics-before-limited-1.txt"

# The same checks from the histogram, over every check of a run (difference of the scrapes before and after it):
# count, p50, p99 and p99.9 in us (interpolated within a bucket, as Prometheus' histogram_quantile does) and
# the share at or under the target (300 us is a bucket bound, so that share is exact).
HIST="gateway_rate_limit_check_duration_seconds"
hist_window() { # run -> "count p50 p99 p999 share%" (n/a when the node exports no histogram)
  awk -v fam="${HIST}_bucket{" -v pol="policy=\"$POLICY\"" -v target="$CHECK_P99_TARGET_US" '
    index($0, fam) == 1 && index($1, pol) > 0 {
      le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
      v = (le == "+Inf") ? 1e300 : le + 0
      if (FILENAME == ARGV[1]) before[v] = $NF + 0; else { after[v] = $NF + 0; les[++n] = v }
    }
    function q(rank,   i, prev, lower) {
      prev = 0; lower = 0
      for (i = 1; i <= n; i++) {
        if (cum[i] >= rank && cum[i] > prev) {
          if (les[i] == 1e300) return sprintf(">%.0f", lower * 1e6)
          return sprintf("%.0f", (lower + (les[i] - lower) * (rank - prev) / (cum[i] - prev)) * 1e6)
        }
        prev = cum[i]; lower = les[i]
      }
      return "n/a"
    }
    END {
      if (n == 0) { print "n/a n/a n/a n/a n/a"; exit }
      # sort the bounds (the exposition writes them in order; this does not rely on it)
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (les[j] < les[i]) { t = les[i]; les[i] = les[j]; les[j] = t }
      for (i = 1; i <= n; i++) { cum[i] = after[les[i]] - before[les[i]]; if (les[i] * 1e6 <= target + 1e-6) under = cum[i] }
      total = cum[n]
      if (total <= 0) { print "0 n/a n/a n/a n/a"; exit }
      printf "%d %s %s %s %.2f\n", total, q(0.5 * total), q(0.99 * total), q(0.999 * total), 100 * under / total
    }' "$TMP/metrics-before-$1.txt" "$TMP/metrics-after-$1.txt"
}
read -r H_FULL_N H_FULL_P50 H_FULL_P99 H_FULL_P999 H_FULL_SHARE <<<"$(hist_window "limited-$ROUNDS")"
read -r H_LIGHT_N H_LIGHT_P50 H_LIGHT_P99 H_LIGHT_P999 H_LIGHT_SHARE <<<"$(hist_window light)"
share_verdict() { # share% -> met when at least 99% of the checks took <= the target
  awk -v s="$1" 'BEGIN { if (s == "n/a" || s == "") print "n/a"; else print (s + 0 >= 99 ? "met" : "MISSED") }'
}
# gw-1's garbage collections during a run, from the jvm_gc_* counters
gc_window() { # run -> "collections milliseconds"
  awk '
    /^jvm_gc_collections_total\{/ { if (FILENAME == ARGV[1]) c -= $NF; else c += $NF }
    /^jvm_gc_collection_seconds_total\{/ { if (FILENAME == ARGV[1]) s -= $NF; else s += $NF }
    END { printf "%d %.0f\n", c, s * 1000 }' "$TMP/metrics-before-$1.txt" "$TMP/metrics-after-$1.txt"
}
read -r GC_FULL_N GC_FULL_MS <<<"$(gc_window "limited-$ROUNDS")"
read -r GC_LIGHT_N GC_LIGHT_MS <<<"$(gc_window light)"
declare -A DEC=() DEC_RUN=()
for o in allowed limited fallback; do
  DEC[$o]=$(awk -v v="$(num "$(decisions "$M_LIGHT" "$o")")" 'BEGIN {printf "%.0f", v}')
  DEC_RUN[$o]=$(awk -v a="${DEC[$o]}" -v b="$(num "$(decisions "$M_FIRST" "$o")")" 'BEGIN {printf "%.0f", a - b}')
done
[[ -n $(decisions "$M_LIGHT" allowed) ]] || log "WARNING: no gateway_rate_limit_decisions_total{policy=\"$POLICY\"} in gw-1's /metrics"
COALESCED=$(awk -v a="$(num "$(metric "$M_LIGHT" gateway_rate_limit_coalesced_total)")" \
  -v b="$(num "$(metric "$M_FIRST" gateway_rate_limit_coalesced_total)")" 'BEGIN {printf "%.0f", a - b}')

mean_of() { # kind (free|limited) array-name -> mean over the rounds
  local kind=$1 name=$2 r sum=0
  local -n arr=$name
  for ((r = 1; r <= ROUNDS; r++)); do sum=$(awk -v a="$sum" -v b="${arr[$kind-$r]}" 'BEGIN {print a + b}'); done
  awk -v s="$sum" -v n="$ROUNDS" 'BEGIN {printf "%.1f", s / n}'
}
FREE_RPS=$(mean_of free RPS)
LIMITED_RPS=$(mean_of limited RPS)
RATIO=$(ratio "$LIMITED_RPS" "$FREE_RPS")
EXTRA_CPU=$(awk -v l="$(mean_of limited CPU1)" -v f="$(mean_of free CPU1)" 'BEGIN {printf "%.1f", l - f}')
ROUND_RATIOS=""
for ((r = 1; r <= ROUNDS; r++)); do
  ROUND_RATIOS+="${ROUND_RATIOS:+, }$(ratio "${RPS[limited-$r]}" "${RPS[free-$r]}")"
done
EXTRA_JIT=$(awk -v l="$(mean_of limited JIT1)" -v f="$(mean_of free JIT1)" 'BEGIN {printf "%.1f", l - f}')

# ---- report -------------------------------------------------------------------------------

INVALID=()
for t in "${RUNS[@]}"; do [[ ${ERRS[$t]} == 0 ]] || INVALID+=("wrk errors on $t: ${ERRS[$t]}"); done
((DEC[fallback] == 0)) || INVALID+=("${DEC[fallback]} fallback decisions: the cluster did not answer within 500 ms")
((DEC[limited] == 0)) || INVALID+=("${DEC[limited]} requests refused (429): the bucket should never refuse")
((DEC_RUN[allowed] > 0)) || INVALID+=("no allowed decision counted during the /limited measurement")

table() {
  echo "| run (node 1) | connections | req/s | p50 ms | p99 ms | gw-1 CPU us/req | of which JIT | gw-2+gw-3 CPU us/req | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  local t c
  for t in "${RUNS[@]}"; do
    c=$CONNECTIONS
    [[ $t == light ]] && c=$LIGHT_CONNECTIONS
    echo "| $t | $c | ${RPS[$t]} | ${P50[$t]} | ${P99[$t]} | ${CPU1[$t]} | ${JIT1[$t]} | ${CPUP[$t]} | ${ERRS[$t]} |"
  done
  echo
  echo "- keys: $(if ((HOT_KEY)); then echo "one hot key, its bucket held by $HOT_OWNER"; else echo "$KEYS X-Key values"; fi)"
  echo "- limited / free req/s, mean of $ROUNDS rounds: $LIMITED_RPS / $FREE_RPS = **$RATIO** (target >= $RATIO_TARGET: $(meets "$RATIO" ge "$RATIO_TARGET")); gw-1 CPU per request +$EXTRA_CPU us for the check (of which JIT compilation +$EXTRA_JIT us: still compiling when positive); round by round: $ROUND_RATIOS"
  echo "- distributed check on gw-1, every check of the run (\`$HIST{policy=\"$POLICY\"}\`):" \
    "under full load (limited-$ROUNDS, $CONNECTIONS connections, $H_FULL_N checks) p50 **${H_FULL_P50} us**, p99 **${H_FULL_P99} us**, p99.9 ${H_FULL_P999} us, ${H_FULL_SHARE}% <= $CHECK_P99_TARGET_US us;" \
    "at light load (light, $LIGHT_CONNECTIONS connections, $H_LIGHT_N checks) p50 **${H_LIGHT_P50} us**, p99 **${H_LIGHT_P99} us**, p99.9 ${H_LIGHT_P999} us, **${H_LIGHT_SHARE}%** <= $CHECK_P99_TARGET_US us" \
    "(target p99 < $CHECK_P99_TARGET_US us, i.e. at least 99% at or under it: $(share_verdict "$H_FULL_SHARE") under full load, $(share_verdict "$H_LIGHT_SHARE") at light load)"
  echo "- gw-1's garbage collections: $GC_FULL_N ($GC_FULL_MS ms) during limited-$ROUNDS, $GC_LIGHT_N ($GC_LIGHT_MS ms) during light"
  echo "- the same check, last 1024 checks only (\`$CHECK{policy=\"$POLICY\"}\` at the end of the run):" \
    "full load p50 ${CHECK_P50} us, p99 ${CHECK_P99} us, p99.9 ${CHECK_P999} us;" \
    "light load p50 ${LIGHT_P50} us, p99 ${LIGHT_P99} us, p99.9 ${LIGHT_P999} us"
  echo "- checks coalesced into another check's call (\`gateway_rate_limit_coalesced_total\`, from limited-1 to the end): $COALESCED of ${DEC_RUN[allowed]}"
  echo "- \`gateway_rate_limit_decisions_total{policy=\"$POLICY\"}\` on gw-1 since start (from limited-1 to the end):" \
    "allowed ${DEC[allowed]} (${DEC_RUN[allowed]}), limited ${DEC[limited]} (${DEC_RUN[limited]}), fallback **${DEC[fallback]}** (${DEC_RUN[fallback]}) (must be 0)"
  invalid_note
}
TABLE=$(table)
RESULT_FILE=$(result_file cluster)
RUN_TS=$(run_ts "$RESULT_FILE" cluster)

{
  echo "# Cluster rate-limit benchmark $RUN_TS"
  echo
  echo "$TABLE"
  echo
  echo "## Settings"
  echo
  if ((CLIENT)); then
    echo "- topology **client**: gw-1 a \`cluster.mode: client\` node (Hazelcast smart client) of two dedicated members m-2 and m-3 (\`gateway-node member\`, in gw-2's and gw-3's places: their CPU is the gw-2+gw-3 column), cluster \`bench\` on 127.0.0.1 (expected-size 2, min-size 2); wrk loads gw-1 only"
  else
    echo "- topology **embedded**: 3 gateway nodes, one cluster \`bench\` on 127.0.0.1 (static discovery, expected-size 3, min-size 2); wrk loads gw-1 only"
  fi
  echo "- routes: \`/free/**\` (no limit), \`/limited/**\` with \`$POLICY: {algorithm: $ALGORITHM, limit: $LIMIT, per: 1s, key: header:X-Key}\` (never refuses)"
  if ((HOT_KEY)); then
    echo "- keys: one \`X-Key\` value ($(printf 'key-%06d' "$BENCH_KEY_FIRST")) for every request, its bucket held by $HOT_OWNER (\`owner\` in gw-1's /admin/limits)"
  else
    echo "- keys: $KEYS distinct \`X-Key\` values, round-robin (prebuilt requests in a wrk Lua script); about 2/3 are owned by gw-2 and gw-3"
  fi
  echo "- measurement: $ROUNDS rounds of \`$(wrk_words "-t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency -s keys.lua http://127.0.0.1:<gw-1>/free/bench")\` then the same on \`/limited/bench\`; then \`light\`: the same on \`/limited/bench\` with -c$LIGHT_CONNECTIONS"
  if ((WARMUP_S > 0)); then
    echo "- warm-up: \`$(wrk_words "-t$WRK_THREADS -c$CONNECTIONS -d$WARMUP -s keys.lua http://127.0.0.1:<gw-1>/free/bench -- /free/bench /limited/bench")\` (both routes interleaved)"
  else
    echo "- warm-up: none"
  fi
  for i in 1 2 3; do echo "- gw-$i: \`$(gateway_cmd "$i")\`"; done
  echo "- backend: private nginx, 1 worker, returns a 29-byte JSON body, keep-alive"
  echo "- pinning: wrk \`${PIN_LOAD[*]:-none}\`, backend \`${PIN_SERVER[*]:-none}\`, gw-1 \`${PIN_GW1[*]:-none}\`, gw-2/gw-3 \`${PIN_PEER[*]:-none}\`"
  echo "- GATEWAY_JAVA_OPTS=\`$GATEWAY_JAVA_OPTS\`, access log off, jar ${JAR#"$ROOT"/}"
  echo
  echo "## Machine"
  echo
  machine_info
  echo
  local_metrics() { # title file
    echo "## gw-1 rate-limit metrics $1"
    echo
    echo '```'
    grep -E "^gateway_rate_limit_(check_seconds|check_duration_seconds|decisions_total|coalesced_total)" "$2" || echo "(none)"
    echo '```'
    echo
  }
  local_metrics "after limited-$ROUNDS" "$M_AFTER"
  local_metrics "after light" "$M_LIGHT"
  echo "## Raw wrk output"
  for t in "${RUNS[@]}"; do
    raw_section "$t" "$TMP/wrk-$t.txt"
  done
} >"$RESULT_FILE"

report_done "$TABLE" "$RESULT_FILE"

if ((KEEP)); then
  keep_header
  echo "  backend  pid $BACKEND_PID  port $BACKEND_PORT"
  for i in 1 2 3; do
    echo "  gw-$i     pid ${GW_PID[$i]}  port ${PORTS[$i]}  admin ${ADMIN[$i]}  cluster ${CLUSTER[$i]}  log $TMP/gw-$i.log"
  done
  echo "  configs and logs in $TMP"
  echo "  stop with: kill ${PIDS[*]}"
fi

((${#INVALID[@]} == 0)) || exit 1
exit 0
