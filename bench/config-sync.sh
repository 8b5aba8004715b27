#!/usr/bin/env bash
# bench/config-sync.sh: how fast a published config reaches every node. Three gateway node processes on
# 127.0.0.1; 50 publishes (PUT /admin/config), each timed until every node's proxy serves it; then 20
# publishes while 4 client threads keep requests going, counting every answer that is not 200.
# Report: chaos-tests/target/config-bench.md. Needs the node jar (built when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -f node/target/gateway-node.jar ]]; then
  ./mvnw -B -q -DskipTests install
fi
./mvnw -B -q -pl chaos-tests verify -Dtest=ConfigConvergenceBench -Dsurefire.failIfNoSpecifiedTests=false "$@"
cat chaos-tests/target/config-bench.md
