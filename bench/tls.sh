#!/usr/bin/env bash
# bench/tls.sh: the cost of TLS termination. One self-signed certificate (made with openssl at
# start, for localhost and 127.0.0.1) served by nginx as a TLS-terminating reverse proxy (1 worker,
# upstream keepalive) and by the gateway's TLS listener (node.tls), both in front of the same
# private nginx backend. For each: keep-alive TLS throughput, new TLS connections per second with
# wrk (-H 'Connection: close', wrk resumes the TLS session) and full handshakes per second with
# parallel `openssl s_time -new`; plus the gateway's plain-HTTP figures for reference.
# See bench/README.md. Runs as root (it may apt-get install nginx, wrk, openssl).
set -euo pipefail

BENCH_TAG=tls
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAR=${GATEWAY_JAR:-$DEFAULT_JAR}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-15s}                       # gateway warm-up: full handshakes, new TLS connections, keep-alive TLS and HTTP
CONNECTIONS=${CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-1}
HANDSHAKE_CLIENTS=${HANDSHAKE_CLIENTS:-8}   # parallel `openssl s_time -new` processes
CERT=${CERT:-rsa}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
GATEWAY_CPUS=${GATEWAY_CPUS-1}
LOAD_CPUS=${LOAD_CPUS:-0}
SERVER_CPUS=${SERVER_CPUS:-1}
READY_TIMEOUT=${GATEWAY_READY_TIMEOUT:-60}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
BUILD=0

usage() {
  cat <<EOF
Usage: bench/tls.sh [options]
  --duration D       measurement per row, wrk syntax: 15s, 1m (default: $DURATION)
  --warmup D         gateway warm-up before its rows (a quarter each: full TLS handshakes, new
                     TLS connections, keep-alive TLS, keep-alive HTTP); 0 to skip (default: $WARMUP)
  --connections N    wrk connections (default: $CONNECTIONS)
  --handshake-clients N  parallel openssl s_time processes for the full-handshake rows (default: $HANDSHAKE_CLIENTS)
  --cert rsa|ec      the leaf's key: RSA 2048 or EC P-256 (default: $CERT)
  --build            build node/target/gateway-node.jar with Maven if it is missing
  --keep             leave every process running at the end and print ports and PIDs
  -h, --help         this help
Environment: GATEWAY_JAVA_OPTS (default: -Xms512m -Xmx512m -XX:+UseParallelGC),
  GATEWAY_CPUS (taskset list for the JVM, default 1), LOAD_CPUS (wrk and s_time, default 0),
  SERVER_CPUS (backend and the nginx TLS proxy, default 1); empty or "none" = not pinned.
  GATEWAY_JAR, GATEWAY_READY_TIMEOUT (default 60 s), WRK_THREADS (default 1).
EOF
}

while [[ $# -gt 0 ]]; do
  common_option "$@"
  if ((OPT_SHIFT > 0)); then shift "$OPT_SHIFT"; continue; fi
  case $1 in
    --handshake-clients) need_arg "$@"; HANDSHAKE_CLIENTS=$2; shift 2 ;;
    --handshake-clients=*) HANDSHAKE_CLIENTS=${1#*=}; shift ;;
    --cert) need_arg "$@"; CERT=$2; shift 2 ;;
    --cert=*) CERT=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

check_load_options   # sets DURATION_S and WARMUP_S
[[ $READY_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "bad GATEWAY_READY_TIMEOUT '$READY_TIMEOUT'"
[[ $HANDSHAKE_CLIENTS =~ ^[1-9][0-9]*$ ]] || die "bad --handshake-clients '$HANDSHAKE_CLIENTS'"
case $CERT in
  rsa) CERT_DESC="RSA 2048" ;;
  ec) CERT_DESC="EC P-256" ;;
  *) die "bad --cert '$CERT' (rsa or ec)" ;;
esac

ensure_jar "$JAR" "$BUILD" "$BUILD_TIMEOUT"
install_tools openssl
setup_pinning "$LOAD_CPUS" "$SERVER_CPUS"
pin_for PIN_GATEWAY "$GATEWAY_CPUS"
bench_init

# ---- the certificate ----------------------------------------------------------------------

log "certificate: self-signed $CERT_DESC leaf, CN=localhost, subjectAltName DNS:localhost, IP:127.0.0.1"
if [[ $CERT == rsa ]]; then KEYOPTS=(-newkey rsa:2048); else KEYOPTS=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); fi
# -noenc writes an unencrypted PKCS#8 key (BEGIN PRIVATE KEY), which is what node.tls wants
openssl req -x509 "${KEYOPTS[@]}" -noenc -sha256 -days 30 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
  >"$TMP/openssl.err" 2>&1 || die "openssl req failed: $(head -c 300 "$TMP/openssl.err")"
grep -q 'BEGIN PRIVATE KEY' "$TMP/key.pem" || die "openssl did not write a PKCS#8 key"
chmod 644 "$TMP/key.pem"   # nginx reads it as root in the master anyway; the file lives in our private dir

# ---- ports and configs --------------------------------------------------------------------

read -r BACKEND_PORT NGINX_TLS_PORT GW_PORT GW_ADMIN_PORT GW_TLS_PORT <<<"$(free_ports 5)" ||
  die "could not pick free ports"
[[ -n ${GW_TLS_PORT:-} ]] || die "could not pick free ports"

# The nginx TLS proxy offers what the gateway's listener offers (TlsPolicy): TLS 1.3 and 1.2,
# ECDHE + AEAD suites, the server's order (AES-128-GCM first). Session resumption: nginx's
# defaults (session tickets on, no session cache), as the JDK's defaults on the gateway.
{
  nginx_common nginx-tls
  echo "http {"
  nginx_http_common nginx-tls
  cat <<EOF
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 64;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:$NGINX_TLS_PORT ssl backlog=4096;
    ssl_certificate $TMP/cert.pem;
    ssl_certificate_key $TMP/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers on;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-Proto https;
    }
  }
}
EOF
} >"$TMP/nginx-tls.conf"

cat >"$TMP/gateway.yaml" <<EOF
# generated by bench/tls.sh
node:
  name: bench-tls
  listen: 127.0.0.1:$GW_PORT
  admin:
    listen: 127.0.0.1:$GW_ADMIN_PORT
  tls:
    listen: 127.0.0.1:$GW_TLS_PORT
    certificates:
      - {cert: "$TMP/cert.pem", key: "$TMP/key.pem"}

upstreams:
  backend:
    targets:
      - {url: "http://127.0.0.1:$BACKEND_PORT"}
    pool: {max-connections: 256, idle-timeout: 30s}

routes:
  - id: all
    match: {path: "/**"}
    upstream: backend

observability:
  access-log: {format: "off"}
EOF

# ---- start --------------------------------------------------------------------------------

start_backend "$BACKEND_PORT"

log "nginx TLS proxy on 127.0.0.1:$NGINX_TLS_PORT, CPUs: ${PIN_SERVER[*]:-any}"
nginx -t -p "$TMP" -e "$TMP/nginx-tls.error.log" -c "$TMP/nginx-tls.conf" >"$TMP/nginx-tls.test" 2>&1 ||
  die "nginx rejects the TLS proxy config: $(grep -v 'syntax is ok' "$TMP/nginx-tls.test" | head -c 300)"
start_bg nginx-tls "$TMP/nginx-tls.out" ${PIN_SERVER[@]+"${PIN_SERVER[@]}"} \
  nginx -p "$TMP" -e "$TMP/nginx-tls.error.log" -c "$TMP/nginx-tls.conf"
NGINX_PID=$LAST_PID

read -r -a JOPTS <<<"$GATEWAY_JAVA_OPTS"
log "gateway on 127.0.0.1:$GW_PORT, TLS 127.0.0.1:$GW_TLS_PORT (admin $GW_ADMIN_PORT), JVM: $GATEWAY_JAVA_OPTS, CPUs: ${PIN_GATEWAY[*]:-any}"
start_bg gateway "$TMP/gateway.log" ${PIN_GATEWAY[@]+"${PIN_GATEWAY[@]}"} \
  java ${JOPTS[@]+"${JOPTS[@]}"} -jar "$JAR" --config "$TMP/gateway.yaml" --state-dir "$TMP/state"
GW_PID=$LAST_PID
if ! wait_http "http://127.0.0.1:$GW_ADMIN_PORT/health/ready" "$READY_TIMEOUT" "$GW_PID"; then
  log_tail "$TMP/gateway.log"
  alive "$GW_PID" && die "gateway not ready within ${READY_TIMEOUT}s"
  die "gateway exited during start-up: $(grep -v '^\s*$' "$TMP/gateway.log" | tail -n 1 | head -c 200)"
fi
alive "$NGINX_PID" || { log_tail "$TMP/nginx-tls.error.log"; die "the nginx TLS proxy exited"; }

# ---- checks -------------------------------------------------------------------------------

NGINX_URL="https://127.0.0.1:$NGINX_TLS_PORT"
GW_TLS_URL="https://127.0.0.1:$GW_TLS_PORT"
GW_URL="http://127.0.0.1:$GW_PORT"

expect_backend() { # what url [curl args...]: 200 with the backend's body, or die
  local what=$1 url=$2 out
  shift 2
  out=$(curl -s --max-time 5 -w '\n%{http_code}' "$@" "$url" 2>"$TMP/curl.err" || true)
  [[ ${out##*$'\n'} == 200 && ${out%$'\n'*} == "$BACKEND_BODY" ]] ||
    die "check failed: $what: GET $url answered '${out##*$'\n'}' '$(head -c 100 <<<"${out%$'\n'*}")' $(head -c 200 "$TMP/curl.err")"
  log "check: $what: 200"
}
# the certificate verifies for both names it carries, on both servers
for t in nginx gateway; do
  if [[ $t == nginx ]]; then port=$NGINX_TLS_PORT; else port=$GW_TLS_PORT; fi
  expect_backend "$t TLS, https://127.0.0.1 verified" "https://127.0.0.1:$port/bench" --cacert "$TMP/cert.pem"
  expect_backend "$t TLS, https://localhost verified" "https://localhost:$port/bench" --cacert "$TMP/cert.pem" \
    --resolve "localhost:$port:127.0.0.1"
done
expect_backend "gateway plain HTTP" "$GW_URL/bench"

# What a client without options negotiates, and whether a second connection resumes the session
# of the first (after a request, so TLS 1.3 tickets have arrived).
s_client_get() { # port [s_client args...] -> s_client's "New, ..." / "Reused, ..." line
  local port=$1
  shift
  printf 'GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -connect "127.0.0.1:$port" -ign_eof "$@" 2>/dev/null |
    grep -E '^(New|Reused),' | head -n 1 || true
}
declare -A NEGOTIATED=() RESUMES=()
for t in nginx gateway; do
  if [[ $t == nginx ]]; then port=$NGINX_TLS_PORT; else port=$GW_TLS_PORT; fi
  rm -f "$TMP/session.pem"
  first=$(s_client_get "$port" -sess_out "$TMP/session.pem")
  [[ $first == New,* ]] || die "check failed: openssl s_client to $t TLS: no handshake"
  NEGOTIATED[$t]=$(sed 's/^New, //; s/, Cipher is / /' <<<"$first")
  second=""
  [[ -s $TMP/session.pem ]] && second=$(s_client_get "$port" -sess_in "$TMP/session.pem")
  if [[ $second == Reused,* ]]; then RESUMES[$t]=yes; else RESUMES[$t]=no; fi
  # what one s_time connection sends (HTTP/1.0, no Host) must get the backend's answer too
  got=$(printf 'GET /bench HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$port" -quiet 2>/dev/null | tr -d '\r' || true)
  [[ $(head -n 1 <<<"$got") == *" 200 "* && $got == *"$BACKEND_BODY"* ]] ||
    die "check failed: $t TLS: 'GET /bench HTTP/1.0' (what s_time -www sends) answered '$(head -n 1 <<<"$got")'"
  log "check: $t TLS negotiates ${NEGOTIATED[$t]}; session resumption: ${RESUMES[$t]}; HTTP/1.0 GET: 200"
done

# ---- measure ------------------------------------------------------------------------------

# rows: key -> label; filled in measuring order
ROWS=()
declare -A LABEL=() MODE=() CPU=() SHOWN=()

server_pid() { case $1 in nginx*) echo "$NGINX_PID" ;; *) echo "$GW_PID" ;; esac; }
server_cpus() { case $1 in nginx*) echo "$SERVER_CPUS" ;; *) echo "$GATEWAY_CPUS" ;; esac; }

# Busy share of pinned cores, from /proc/stat: which side limits a row. s_time's full handshakes
# cost the client about as much CPU as nginx's server side, so one load core may not saturate nginx.
cpu_list() { # "0,2-3" -> "0 2 3"; empty for "", "none" or an unpinned run
  local part cores=() parts=() i
  [[ -z $1 || $1 == none ]] && return 0
  ((NPROC < 2)) && return 0
  IFS=',' read -r -a parts <<<"$1"
  for part in "${parts[@]}"; do
    if [[ $part =~ ^([0-9]+)-([0-9]+)$ ]]; then
      for ((i = BASH_REMATCH[1]; i <= BASH_REMATCH[2]; i++)); do cores+=("$i"); done
    elif [[ $part =~ ^[0-9]+$ ]]; then cores+=("$part"); fi
  done
  echo "${cores[*]}"
}
cpu_stat() { # cpus... -> "busy total" jiffies summed over those cores
  awk -v want=" $* " '$1 ~ /^cpu[0-9]+$/ && index(want, " " substr($1, 4) " ") {
    b += $2 + $3 + $4 + $7 + $8 + $9; t += $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }
    END {print b + 0, t + 0}' /proc/stat
}
busy_pct() { # "busy0 total0" "busy1 total1" -> percent, or n/a
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); dt = y[2] - x[2]
    if (dt > 0) printf "%.0f", 100 * (y[1] - x[1]) / dt; else print "n/a" }'
}
declare -A LOADPCT=() SRVPCT=()
LOAD_CORES=$(cpu_list "$LOAD_CPUS")
cores_begin() { # key: snapshot before a row
  local sc
  sc=$(cpu_list "$(server_cpus "$1")")
  C0_LOAD=""; C0_SRV=""
  [[ -n $LOAD_CORES ]] && C0_LOAD=$(cpu_stat "$LOAD_CORES")
  [[ -n $sc ]] && C0_SRV=$(cpu_stat "$sc")
  return 0
}
cores_end() { # key: busy % of the load and server cores during the row
  local sc
  sc=$(cpu_list "$(server_cpus "$1")")
  LOADPCT[$1]="n/a"; SRVPCT[$1]="n/a"
  [[ -n $C0_LOAD ]] && LOADPCT[$1]=$(busy_pct "$C0_LOAD" "$(cpu_stat "$LOAD_CORES")")
  [[ -n $C0_SRV ]] && SRVPCT[$1]=$(busy_pct "$C0_SRV" "$(cpu_stat "$sc")")
  return 0
}

measure_wrk() { # key label mode url [wrk args...]
  local key=$1 label=$2 mode=$3 url=$4 pid before after a shown=""
  shift 4
  pid=$(server_pid "$key")
  for a in "$@"; do if [[ $a == *" "* ]]; then shown+="'$a' "; else shown+="$a "; fi; done
  SHOWN[$key]=$(wrk_words "-t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency $shown$url")
  log "$label, $mode: ${SHOWN[$key]}"
  before=$(cpu_ticks "$pid")
  cores_begin "$key"
  run_wrk "$TMP/wrk-$key.txt" "$DURATION_S" "-t$WRK_THREADS" "-c$CONNECTIONS" "-d$DURATION" --latency "$@" "$url" ||
    die "wrk failed on $label $mode: $(tail -n 2 "$TMP/wrk-$key.txt" | tr '\n' ' ')"
  cores_end "$key"
  after=$(cpu_ticks "$pid")
  parse_wrk "$key" "$TMP/wrk-$key.txt" || die "could not parse wrk output: $(tr '\n' ' ' <"$TMP/wrk-$key.txt" | head -c 200)"
  CPU[$key]=$(us_per_req $((after - before)) "${NREQ[$key]}")
  ROWS+=("$key")
  LABEL[$key]=$label
  MODE[$key]=$mode
  alive "$pid" || { log_tail "$TMP/gateway.log"; die "$label died during the $mode measurement"; }
}

STIME_PIDS=()
run_stime() { # port seconds outprefix: HANDSHAKE_CLIENTS parallel s_time -new, waited for
  local port=$1 s=$2 out=$3 i
  STIME_PIDS=()
  for ((i = 1; i <= HANDSHAKE_CLIENTS; i++)); do
    start_bg "s_time-$i" "$out.$i" timeout -k 5 $((s + 30)) ${PIN_LOAD[@]+"${PIN_LOAD[@]}"} \
      openssl s_time -connect "127.0.0.1:$port" -new -time "$s" -www /bench
    STIME_PIDS+=("$LAST_PID")
  done
  local rc=0 p
  for p in "${STIME_PIDS[@]}"; do wait "$p" || rc=1; done
  return "$rc"
}

measure_stime() { # key label port
  local key=$1 label=$2 port=$3 pid before after i f n total=0 errs=0 bytes t0 t1
  pid=$(server_pid "$key")
  SHOWN[$key]="${HANDSHAKE_CLIENTS}x ${PIN_LOAD[*]:+${PIN_LOAD[*]} }openssl s_time -connect 127.0.0.1:$port -new -time $DURATION_S -www /bench"
  log "$label, full handshakes: ${SHOWN[$key]}"
  before=$(cpu_ticks "$pid")
  cores_begin "$key"
  t0=$EPOCHREALTIME
  run_stime "$port" "$DURATION_S" "$TMP/stime-$key" || die "openssl s_time failed on $label: $(tail -n 3 "$TMP/stime-$key.1" | tr '\n' ' ')"
  t1=$EPOCHREALTIME
  cores_end "$key"
  after=$(cpu_ticks "$pid")
  for ((i = 1; i <= HANDSHAKE_CLIENTS; i++)); do
    f="$TMP/stime-$key.$i"
    # "1234 connections in 15 real seconds, 187 bytes read per connection"
    read -r n bytes < <(awk '/connections in [0-9.]+ real seconds/ {print $1 + 0, $7 + 0; exit}' "$f") ||
      die "could not parse s_time output: $(tr '\n' ' ' <"$f" | head -c 200)"
    total=$((total + n))
    # every connection must have read at least the backend's body (the status was checked before)
    ((bytes > ${#BACKEND_BODY})) || errs=$((errs + 1))
    if grep -qiE 'error|fail' "$f"; then errs=$((errs + 1)); fi
  done
  # s_time's own "real seconds" is whole seconds; the rate uses the wall time of the whole batch
  RPS[$key]=$(awk -v n="$total" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b > a ? n / (b - a) : 0)}')
  P50[$key]="n/a"
  P99[$key]="n/a"
  NREQ[$key]=$total
  if ((errs > 0)); then ERRS[$key]="s_time: $errs errors or short answers in $HANDSHAKE_CLIENTS processes"; else ERRS[$key]=0; fi
  CPU[$key]=$(us_per_req $((after - before)) "$total")
  ROWS+=("$key")
  LABEL[$key]=$label
  MODE[$key]="full handshake per connection (s_time -new, 1 request each)"
  alive "$pid" || { log_tail "$TMP/gateway.log"; die "$label died during the full-handshake measurement"; }
}

KA="keep-alive"
NEWCONN="new connection per request (Connection: close)"

measure_wrk nginx-ka "nginx TLS" "$KA" "$NGINX_URL/bench"
measure_wrk nginx-close "nginx TLS" "$NEWCONN" "$NGINX_URL/bench" -H "Connection: close"
measure_stime nginx-full "nginx TLS" "$NGINX_TLS_PORT"

if ((WARMUP_S > 0)); then
  w=$(((WARMUP_S + 3) / 4))
  log "gateway warm-up (${w}s each: full TLS handshakes, new TLS connections, keep-alive TLS, keep-alive HTTP)"
  run_stime "$GW_TLS_PORT" "$w" "$TMP/stime-warmup" || die "s_time warm-up failed: $(tail -n 3 "$TMP/stime-warmup.1" | tr '\n' ' ')"
  for u in "close $GW_TLS_URL" "ka $GW_TLS_URL" "ka $GW_URL"; do
    read -r m url <<<"$u"
    hargs=()
    [[ $m == close ]] && hargs=(-H "Connection: close")
    run_wrk "$TMP/wrk-warmup.txt" "$w" "-t$WRK_THREADS" "-c$CONNECTIONS" "-d${w}s" ${hargs[@]+"${hargs[@]}"} "$url/bench" ||
      die "wrk warm-up failed: $(tail -n 2 "$TMP/wrk-warmup.txt" | tr '\n' ' ')"
  done
  alive "$GW_PID" || { log_tail "$TMP/gateway.log"; die "the gateway died during the warm-up"; }
fi

measure_wrk gateway-http-ka "gateway HTTP" "$KA" "$GW_URL/bench"
measure_wrk gateway-http-close "gateway HTTP" "$NEWCONN" "$GW_URL/bench" -H "Connection: close"
measure_wrk gateway-ka "gateway TLS" "$KA" "$GW_TLS_URL/bench"
measure_wrk gateway-close "gateway TLS" "$NEWCONN" "$GW_TLS_URL/bench" -H "Connection: close"
measure_stime gateway-full "gateway TLS" "$GW_TLS_PORT"

# ---- report -------------------------------------------------------------------------------

INVALID=()
for k in "${ROWS[@]}"; do [[ ${ERRS[$k]} == 0 ]] || INVALID+=("${LABEL[$k]} ${MODE[$k]}: ${ERRS[$k]}"); done

table() {
  echo "| target | mode | req/s (= conn/s when new) | p50 ms | p99 ms | server CPU us/req | load / server core busy | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  local k
  for k in "${ROWS[@]}"; do
    echo "| ${LABEL[$k]} | ${MODE[$k]} | ${RPS[$k]} | ${P50[$k]} | ${P99[$k]} | ${CPU[$k]} | ${LOADPCT[$k]}% / ${SRVPCT[$k]}% | ${ERRS[$k]} |"
  done
  echo
  echo "- certificate: self-signed $CERT_DESC leaf (localhost, 127.0.0.1); negotiated: nginx ${NEGOTIATED[nginx]}, gateway ${NEGOTIATED[gateway]}; session resumption offered: nginx ${RESUMES[nginx]}, gateway ${RESUMES[gateway]} (wrk reuses the session on each new connection, s_time -new never does)"
  echo "- keep-alive TLS, gateway / nginx req/s: **$(ratio "${RPS[gateway-ka]}" "${RPS[nginx-ka]}")**; gateway TLS / gateway HTTP req/s: **$(ratio "${RPS[gateway-ka]}" "${RPS[gateway-http-ka]}")**"
  echo "- new TLS connections (resumed), gateway / nginx: **$(ratio "${RPS[gateway-close]}" "${RPS[nginx-close]}")**; full handshakes, gateway / nginx: **$(ratio "${RPS[gateway-full]}" "${RPS[nginx-full]}")**"
  awk -v n="${CPU[nginx-full]}" -v g="${CPU[gateway-full]}" -v nk="${CPU[nginx-ka]}" -v gk="${CPU[gateway-ka]}" \
    -v nr="${CPU[nginx-close]}" -v gr="${CPU[gateway-close]}" 'BEGIN {
    printf "- server CPU per connection beyond a keep-alive request: full handshake nginx %+.0f us, gateway %+.0f us; resumed nginx %+.0f us, gateway %+.0f us\n", n - nk, g - gk, nr - nk, gr - gk }'
  local bound=()
  for k in "${ROWS[@]}"; do
    if awk -v l="${LOADPCT[$k]}" -v v="${SRVPCT[$k]}" 'BEGIN {exit !(l != "n/a" && v != "n/a" && l + 0 >= 95 && v + 0 < 90)}'; then
      bound+=("${LABEL[$k]} ${MODE[$k]%% (*}")
    fi
  done
  if ((${#bound[@]} > 0)); then
    echo "- **load-bound** (load core >= 95% busy, server core < 90%: the figure is the client's limit, a lower bound for the server; compare server CPU us/req instead): $(printf '%s; ' "${bound[@]}" | sed 's/; $//')"
  fi
  invalid_note
}
TABLE=$(table)
RESULT_FILE=$(result_file tls)
RUN_TS=$(run_ts "$RESULT_FILE" tls)

{
  echo "# TLS termination benchmark $RUN_TS"
  echo
  echo "$TABLE"
  echo
  echo "## Settings"
  echo
  echo "- certificate: \`openssl req -x509 ${KEYOPTS[*]} -noenc -sha256 -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1\` ($CERT_DESC, PKCS#8 key), the same files for nginx and the gateway"
  echo "- nginx TLS proxy: 1 worker, \`ssl_protocols TLSv1.2 TLSv1.3\`, ECDHE+AEAD ciphers in the gateway's order with \`ssl_prefer_server_ciphers on\`, TLS 1.3 suites AES-128-GCM first, session tickets on (nginx default), no session cache; upstream \`keepalive 64\`, HTTP/1.1, \`X-Forwarded-Proto: https\`"
  echo "- gateway: \`java $GATEWAY_JAVA_OPTS -jar ${JAR#"$ROOT"/} --config gateway.yaml --state-dir <tmp>\`, \`node.tls\` with the same pair, one route \`/**\`, access log off (the JDK's default session resumption)"
  for k in "${ROWS[@]}"; do echo "- ${LABEL[$k]}, ${MODE[$k]}: \`${SHOWN[$k]}\`"; done
  if ((WARMUP_S > 0)); then
    echo "- gateway warm-up before its rows: ${w}s s_time -new, ${w}s wrk Connection: close (TLS), ${w}s wrk keep-alive (TLS), ${w}s wrk keep-alive (HTTP); nginx: none"
  else
    echo "- warm-up: none"
  fi
  echo "- server CPU us/req: CPU time of the proxy process (nginx master + worker, or the JVM) over the requests, the backend excluded"
  echo "- pinning: wrk and s_time \`${PIN_LOAD[*]:-none}\`, backend and nginx TLS proxy \`${PIN_SERVER[*]:-none}\`, gateway JVM \`${PIN_GATEWAY[*]:-none}\`"
  echo
  echo "## Machine"
  echo
  machine_info
  echo "- openssl: $(openssl version 2>&1 | head -n 1); wrk links $(ldd "$(command -v wrk)" 2>/dev/null | awk '/libssl/ {print $1; exit}')"
  echo
  echo "## Raw output"
  for k in "${ROWS[@]}"; do
    echo
    echo "### ${LABEL[$k]}, ${MODE[$k]}"
    echo
    echo '```'
    if [[ -f $TMP/wrk-$k.txt ]]; then
      cat "$TMP/wrk-$k.txt"
    else
      for ((i = 1; i <= HANDSHAKE_CLIENTS; i++)); do grep -h 'connections' "$TMP/stime-$k.$i" || true; done
    fi
    echo '```'
  done
} >"$RESULT_FILE"

report_done "$TABLE" "$RESULT_FILE"

if ((KEEP)); then
  keep_header
  echo "  backend    pid $BACKEND_PID  port $BACKEND_PORT"
  echo "  nginx-tls  pid $NGINX_PID  port $NGINX_TLS_PORT"
  echo "  gateway    pid $GW_PID  port $GW_PORT  TLS $GW_TLS_PORT  admin $GW_ADMIN_PORT  log $TMP/gateway.log"
  echo "  certificate $TMP/cert.pem, key $TMP/key.pem; configs in $TMP"
  echo "  stop with: kill $BACKEND_PID $NGINX_PID $GW_PID"
fi

((${#INVALID[@]} == 0)) || exit 1
exit 0
