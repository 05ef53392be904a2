# e2e_valgrind.sh — the headless lesson under valgrind memcheck: no memory
# errors and no leaks (definite, indirect or possible), over IPv4 and IPv6.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind is not installed"; exit 77
fi
log=$(mktemp); out=$(mktemp); trap 'rm -f "$log" "$out"' EXIT
for fam in 4 6; do
	valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
		--log-file="$log" "$bin" lesson tcp-basics --headless --fields --hex -$fam > "$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "IPv$fam: no memory errors or leaks"
	else
		cat "$log" "$out"; fail "IPv$fam: valgrind exit status $rc"
	fi
	# the run must have done its work, not just exited early
	expect_in "$(cat "$out")" "data: 13 bytes \"Hello, World!\"" "IPv$fam: the lesson ran to the end under valgrind"
done
finish
