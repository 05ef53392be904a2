#!/bin/sh
# test.sh — the whole test suite: install what is missing, build, run ctest.
set -eu
here=$(dirname "$0")
"$here/deps.sh" packages.txt test-packages.txt
"$here/build.sh"
cd "$here/.."
ctest --test-dir build --output-on-failure "$@"
