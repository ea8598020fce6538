#!/bin/sh
# Container entrypoint of reg-workers (Dockerfile). Maps CONFIG_ENV to the Quarkus profile (SPEC §1:
# local, dev, qa, preprod, prod; default prod) and starts the packaged application with JAVA_OPTS.
# JAVA_OPTS_APPEND adds JVM flags without repeating the image's defaults. Arguments are passed to the application.
set -eu

profile="${CONFIG_ENV:-prod}"
case "$profile" in
  local|dev|qa|preprod|prod) ;;
  *)
    echo "entrypoint: CONFIG_ENV must be one of local, dev, qa, preprod, prod (got '$profile')" >&2
    exit 64
    ;;
esac

# the AOT cache the image build trained (Dockerfile, aot-train.sh): the stack's own when APP_STACK names one that has
# it, else the one of all workers; a JVM that cannot take it starts without it
aot_cache="${APP_HOME:-/deployments}/app.aot"
stack_cache="${APP_HOME:-/deployments}/app-${APP_STACK:-}.aot"
[ -n "${APP_STACK:-}" ] && [ -z "${APP_NAME:-}" ] && [ -f "$stack_cache" ] && aot_cache="$stack_cache"
aot=""
[ -f "$aot_cache" ] && aot="-XX:AOTCache=$aot_cache"

# JAVA_OPTS is a list of flags: split on blanks, never glob-expanded
set -f
# exec: the JVM is PID 1 and receives SIGTERM itself, so Quarkus shuts down gracefully
# shellcheck disable=SC2086
exec java $aot ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} "-Dquarkus.profile=$profile" -jar "${APP_HOME:-/deployments}/quarkus-run.jar" "$@"
