#!/bin/bash
# Writes the JVM's AOT cache (JDK 25: JEP 483, 514, 515) for the packaged app, from one training start of the workers
# APP_STACK or APP_NAME select (every worker when neither is set), without their servers: every route is created but
# none is started, and the SQS endpoints make their queue URLs from a region and an account id instead of asking SQS,
# so no queue, table, topic or broker is reached. While it runs, the training asks its own /q/health/ready and
# /q/health/live, as the kubelet will, so that the HTTP server's request path is in the cache too; Camel stops itself
# 3 s after it started and the JVM assembles the cache as it exits.
#   aot-train.sh APP_DIR CACHE [JVM flags...]
# The flags must be those the app runs with (the Dockerfile's JAVA_OPTS): a JVM takes the cache only with the same
# JDK build, classpath and GC, and otherwise starts without it (one warning). Used by the Dockerfile, with the image's
# own JVM, and by bench/run startup. JAVA picks the java binary (default: java on PATH).
set -eu
app="$1"
cache="$2"
shift 2
log="$cache.training.log"
rm -f "$cache"

# The training's own HTTP port (0: any free one) as Quarkus logs it, once it listens.
http_port() {
  sed -n 's/.*Listening on: http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$log" | head -n 1
}

# One GET over bash's /dev/tcp (the runtime image need not have curl); the answer is not looked at: during training
# readiness is down, since no route runs.
get() {
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 0
  printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
  cat <&3 >/dev/null || true
  exec 3>&-
}

"${JAVA:-java}" "$@" -XX:AOTCacheOutput="$cache" \
  -Dquarkus.profile=local -Dquarkus.http.port=0 -Djolokia.enabled=false \
  -Dcamel.main.auto-startup=false -Dcamel.main.duration-max-seconds=3 \
  -Dcamel.component.aws2-sqs.region=us-east-1 -Dcamel.component.aws2-sqs.queue-owner-a-w-s-account-id=000000000000 \
  -jar "$app/quarkus-run.jar" >"$log" 2>&1 &
training=$!
for _ in $(seq 1 200); do
  port="$(http_port)"
  if [ -n "$port" ]; then
    for path in /q/health/ready /q/health/live /q/health/ready; do
      get "$port" "$path"
    done
    break
  fi
  kill -0 "$training" 2>/dev/null || break
  sleep 0.05
done
status=0
wait "$training" || status=$?
if [ "$status" -ne 0 ] || [ ! -s "$cache" ]; then
  echo "aot-train: no AOT cache written (exit $status); the training run's log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
rm -f "$log"
