#!/bin/sh
# start.sh — quick start: install what is missing, build, open the lessons.
set -eu
here=$(dirname "$0")
"$here/deps.sh"
"$here/build.sh"
exec "$here/../build/sockscope" "$@"
