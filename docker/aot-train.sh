#!/bin/sh
# Writes the JVM's AOT cache (JDK 25: JEP 483, 514, 515) for the packaged app, from one training start of every
# worker without its servers: every route is created but none is started, and the SQS endpoints make their queue URLs
# from a region and an account id instead of asking SQS, so no queue, table, topic or broker is reached; Camel stops
# itself 2 s after it started and the JVM assembles the cache as it exits.
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
if ! "${JAVA:-java}" "$@" -XX:AOTCacheOutput="$cache" \
    -Dquarkus.profile=local -Dquarkus.http.port=0 -Djolokia.enabled=false \
    -Dcamel.main.auto-startup=false -Dcamel.main.duration-max-seconds=2 \
    -Dcamel.component.aws2-sqs.region=us-east-1 -Dcamel.component.aws2-sqs.queue-owner-a-w-s-account-id=000000000000 \
    -jar "$app/quarkus-run.jar" >"$log" 2>&1 || [ ! -s "$cache" ]; then
  echo "aot-train: no AOT cache written; the training run's log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
rm -f "$log"
