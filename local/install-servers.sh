#!/usr/bin/env bash
# Installs the local servers the tests, the local run and the benchmarks start as child processes (no Docker):
#   fauxqs (npm) for SQS+SNS, DynamoDB Local and Kafka (Maven artifacts, each in its own JVM).
# Redis comes from the embedded-redis test dependency (it ships a real redis-server binary).
# Idempotent and quick when everything is already there. Usage: local/install-servers.sh [target-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${1:-$root/target/local-servers}"
mvn_cmd="${MVN_CMD:-$root/mvnw}"
mkdir -p "$target"

if [ ! -f "$target/fauxqs/node_modules/fauxqs/package.json" ]; then
  rm -rf "$target/fauxqs" && mkdir -p "$target/fauxqs"
  cp "$here/fauxqs/package.json" "$here/fauxqs/package-lock.json" "$here/fauxqs/start.mjs" "$here/fauxqs/query-protocol.mjs" "$target/fauxqs/"
  (cd "$target/fauxqs" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false >/dev/null)
fi
cp "$here/fauxqs/start.mjs" "$here/fauxqs/query-protocol.mjs" "$target/fauxqs/"

for server in dynamodb kafka; do
  if [ ! -f "$target/$server/READY" ]; then
    rm -rf "$target/$server"
    "$mvn_cmd" -B -q -f "$here/servers/pom.xml" -P"$server" -DoutputDirectory="$target/$server/lib" >/dev/null
    touch "$target/$server/READY"
  fi
done
echo "local servers ready in $target"
