#!/usr/bin/env bash
# bench/hedging.sh: latency of a route whose upstream has one slow target, with and without hedging. One node
# process, two loopback targets (one answers 200 ms late), the same requests through a plain and a hedged
# upstream. Report: chaos-tests/target/hedging-bench.md. Needs the node jar (built when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -f node/target/gateway-node.jar ]]; then
  ./mvnw -B -q -DskipTests install
fi
./mvnw -B -q -pl chaos-tests verify -Dtest=HedgingBench -Dsurefire.failIfNoSpecifiedTests=false "$@"
cat chaos-tests/target/hedging-bench.md
