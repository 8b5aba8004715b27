#!/bin/sh
# Entrypoint of the gateway node image: the JVM is PID 1's exec, so SIGTERM from `docker stop`
# reaches the node's shutdown hook (graceful drain and cluster leave).
# JAVA_OPTS is split on spaces on purpose (several JVM flags in one variable).
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar /opt/gateway/gateway-node.jar "$@"
