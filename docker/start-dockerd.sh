#!/usr/bin/env bash
# start-dockerd.sh: a private Docker engine for the gateway's container tests.
#
#   sudo docker/start-dockerd.sh          # install docker.io if missing, start dockerd, wait for it
#   eval "$(sudo docker/start-dockerd.sh)" # same, and export DOCKER_HOST in this shell
#   sudo docker/start-dockerd.sh --stop    # stop the dockerd this script started (by its pid file)
#
# The engine listens only on unix:///run/gateway-docker/docker.sock (never the system socket),
# keeps its images under /var/lib/gateway-docker and touches neither iptables nor ip_forward
# (--iptables=false --ip-forward=false): containers can reach each other on a network created
# with `docker network create` (they share one Linux bridge, no NAT or forwarding needed) and the
# host reaches them by their IPs or by ports published on 127.0.0.1, but they have no route out.
# The only line on stdout is `export DOCKER_HOST=...`; progress goes to stderr.
# Env: GATEWAY_DOCKER_DIR (default /run/gateway-docker), GATEWAY_DOCKER_DATA (default
# /var/lib/gateway-docker), GATEWAY_DOCKER_WAIT (seconds, default 60).
set -euo pipefail
export LC_ALL=C

RUN_DIR=${GATEWAY_DOCKER_DIR:-/run/gateway-docker}
DATA_ROOT=${GATEWAY_DOCKER_DATA:-/var/lib/gateway-docker}
WAIT=${GATEWAY_DOCKER_WAIT:-60}
SOCK="$RUN_DIR/docker.sock"
HOST="unix://$SOCK"
PID_FILE="$RUN_DIR/dockerd.pid"
LOG="$RUN_DIR/dockerd.log"

log() { printf '[start-dockerd] %s\n' "$*" >&2; }
die() { printf '[start-dockerd] ERROR: %s\n' "$*" >&2; exit 1; }

engine_up() { timeout 10 docker -H "$HOST" info >/dev/null 2>&1; }

alive() { [[ -n ${1:-} && -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

if [[ ${1:-} == --stop ]]; then
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  if ! alive "$pid"; then log "no dockerd running from $PID_FILE"; exit 0; fi
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  for ((i = 0; i < 300; i++)); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then log "still running after 30s: KILL"; kill -KILL "$pid"; fi
  exit 0
elif [[ -n ${1:-} ]]; then
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

[[ $(id -u) -eq 0 ]] || die "must run as root (dockerd needs it)"

# ---- install ---------------------------------------------------------------------------------
# docker.io brings dockerd, containerd, runc and tini. Its maintainer scripts would start the
# system dockerd (init script: default socket, iptables on): a temporary policy-rc.d forbids that.
if ! command -v dockerd >/dev/null || ! command -v containerd >/dev/null || ! command -v docker >/dev/null; then
  log "installing docker.io with apt-get"
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from gateway docker/start-dockerd.sh: start no service\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  trap '[[ $own_policy == 1 ]] && rm -f "$policy"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  timeout -k 10 600 apt-get update -q >&2 || die "apt-get update failed"
  timeout -k 10 900 apt-get install -y -q --no-install-recommends docker.io iptables >&2 ||
    die "apt-get install docker.io failed"
  [[ $own_policy == 1 ]] && rm -f "$policy"
  own_policy=0
  command -v dockerd >/dev/null || die "docker.io installed but dockerd is not on PATH"
fi

# ---- start -----------------------------------------------------------------------------------
mkdir -p "$RUN_DIR" "$DATA_ROOT"
chmod 711 "$RUN_DIR"
if engine_up; then
  log "dockerd already answers on $SOCK"
else
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  if alive "$pid"; then
    log "dockerd pid $pid is running but does not answer yet; waiting for it"
  else
    rm -f "$SOCK" "$PID_FILE"
    # Own exec-root, containerd (dockerd starts it as a child) and pid file: nothing shared with a
    # system Docker that may also be installed. No userland-proxy change: published ports on
    # 127.0.0.1 are served by docker-proxy, which needs no iptables.
    log "starting dockerd (log: $LOG, pid file: $PID_FILE, data: $DATA_ROOT)"
    # The engine must not inherit this shell's other descriptors: a caller's lock (flock) would be
    # held by dockerd for as long as it runs.
    (
      for fd in "/proc/$BASHPID/fd/"*; do
        fd=${fd##*/}
        if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
      done
      exec setsid nohup dockerd \
        -H "$HOST" \
        --data-root "$DATA_ROOT" \
        --exec-root "$RUN_DIR/exec" \
        --pidfile "$PID_FILE" \
        --iptables=false \
        --ip6tables=false \
        --ip-forward=false \
        --ip-masq=false \
        >>"$LOG" 2>&1 </dev/null
    ) &
    pid=$!
  fi
  deadline=$((SECONDS + WAIT))
  until engine_up; do
    if [[ -n ${pid:-} ]] && ! alive "$pid"; then
      tail -n 30 "$LOG" | sed 's/^/    /' >&2 || true
      die "dockerd exited during start-up (log above, whole log: $LOG)"
    fi
    ((SECONDS < deadline)) || { tail -n 30 "$LOG" | sed 's/^/    /' >&2; die "dockerd did not answer within ${WAIT}s"; }
    sleep 0.5
  done
  log "dockerd is up (pid $(cat "$PID_FILE" 2>/dev/null || echo "${pid:-?}"))"
fi
echo "export DOCKER_HOST=$HOST"
