# e2e_valgrind.sh — every lesson, run headless under valgrind memcheck: no
# memory errors and no leaks (definite or indirect).  tcp-basics also over
# IPv6 and with field trees and hex dumps, so the dissector's text paths run
# too.  Forked children (lesson 8's server) exit with _exit and are not
# checked for leaks.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind is not installed"; exit 77
fi
log=$(mktemp); out=$(mktemp); trap 'rm -f "$log" "$out"' EXIT

vg() {  # vg WHAT ARGS...: run sockscope ARGS under memcheck
	what=$1; shift
	valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes --error-exitcode=99 \
		--log-file="$log" "$bin" "$@" > "$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "$what: no memory errors or leaks"
	else
		cat "$log"; tail -20 "$out"; fail "$what: valgrind exit status $rc"
	fi
}

for fam in 4 6; do
	vg "tcp-basics IPv$fam with fields and hex" lesson tcp-basics --headless --fields --hex -$fam
	# the run must have done its work, not just exited early
	expect_in "$(cat "$out")" "data: 13 bytes \"Hello, World!\"" "IPv$fam: the lesson ran to the end under valgrind"
done
for id in $("$bin" list | awk '{print $1}'); do
	[ "$id" = tcp-basics ] && continue
	vg "$id" lesson "$id" --headless --timeout-cap=2
done
finish
