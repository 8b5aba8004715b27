#!/bin/bash
# HEALTHCHECK of the gateway node image: healthy while GET /health/ready on the admin port
# (GATEWAY_ADMIN_PORT, default 9901) answers 200, i.e. the node is joined, runs the cluster's
# config and is not on a minority side. Uses curl when the image has it, else bash's /dev/tcp,
# so that it works on any base image. A demo-upstream container has no admin port: it is
# healthy when its own port answers (GATEWAY_HEALTH_URL overrides the whole URL).
port=${GATEWAY_ADMIN_PORT:-9901}
url=${GATEWAY_HEALTH_URL:-http://127.0.0.1:$port/health/ready}
if command -v curl >/dev/null 2>&1; then
  exec curl -fsS -o /dev/null --max-time 2 "$url"
fi
rest=${url#http://}
hostport=${rest%%/*}
path=/${rest#*/}
[[ $rest == */* ]] || path=/
host=${hostport%:*}
p=${hostport##*:}
[[ $hostport == *:* ]] || p=80
exec 3<>"/dev/tcp/$host/$p" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
read -r -t 2 _ status _ <&3 || exit 1
[[ $status == 200 ]]
