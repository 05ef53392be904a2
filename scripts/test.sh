#!/bin/sh
# test.sh [CTEST ARGS...] — the whole test suite: install what is missing,
# build, run ctest in build/; then the same suite built with AddressSanitizer
# and UndefinedBehaviorSanitizer (the asan preset of CMakePresets.json, in
# build-asan/), where any sanitizer report fails the run (e2e_valgrind is
# left out there: valgrind cannot run an ASan binary).  CTEST ARGS go to
# both ctest runs (-R e2e_inspect, -j2, ...).  SOCKSCOPE_SANITIZE_PASS=0
# skips the second pass.  Exits non-zero when either pass failed.
set -eu
here=$(dirname "$0")
"$here/deps.sh" packages.txt test-packages.txt
"$here/build.sh"
cd "$here/.."
status=0
# Both passes run two tests at a time (tests pick free ports and filter
# on their own traffic, so they must hold under -j2); CTEST ARGS may override.
ctest --test-dir build --output-on-failure -j2 "$@" || status=1

if [ "${SOCKSCOPE_SANITIZE_PASS:-1}" != 0 ]; then
	echo "== the suite again under AddressSanitizer + UBSan (build-asan/)"
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j"$(nproc)"
	# Two at a time as well: the pass ran one test at a time and was most of
	# the suite's time on CI.
	ctest --preset asan -j2 "$@" || status=1
fi
exit $status
