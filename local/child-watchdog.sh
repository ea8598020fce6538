#!/usr/bin/env bash
# Runs a local server so that it never outlives its parent: the server is stopped as soon as our stdin closes,
# which happens when the parent (a test JVM, the local-run launcher) closes it on shutdown or dies.
"$@" </dev/null &
server=$!
( cat >/dev/null; kill -TERM "$server" 2>/dev/null; sleep 10; kill -KILL "$server" 2>/dev/null ) <&0 &
watcher=$!
wait "$server"
status=$?
kill "$watcher" 2>/dev/null
exit $status
