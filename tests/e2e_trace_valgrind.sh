# e2e_trace_valgrind.sh — one `sockscope trace` run under valgrind memcheck:
# no memory errors and no leaks (definite or indirect).  The program is
# tests/trace/pair.c (its own server and client: two traced processes, the
# capture, markers, sock_diag lookups, source lines, --write), in
# sockscope's own namespace when one can be made.  valgrind follows only
# sockscope (not the traced program it execs: --trace-children=no), and
# does not know pidfd_open (its warning is expected: sockscope then
# describes descriptors from /proc/PID/net instead, where a socket not yet
# bound or listening is not listed: such a connect is not known to be an IP
# socket's, so its handshake is shown between calls; the check here is
# that every packet is shown, not where).
# Skips (77) without valgrind or a C compiler, on a sanitizer build (ASan
# and valgrind cannot run together), or when ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/trace" && pwd)
command -v valgrind > /dev/null 2>&1 || { echo "SKIP: valgrind is not installed (apt-get install -y valgrind)"; exit 77; }
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
if grep -q __asan_init "$bin" 2>/dev/null; then
	echo "SKIP: $bin is built with AddressSanitizer, which cannot run under valgrind"; exit 77
fi
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
cc -g -O0 -o "$dir/pair" "$src/pair.c" || { fail "cc could not build pair.c"; finish; }
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"cannot be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac
capture=$(trace_capture "$bin")

valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	--child-silent-after-fork=yes --trace-children=no --error-exitcode=99 --log-file="$dir/vg.log" \
	"$bin" trace --capture "$capture" --timeout 60 --write "$dir/t.pcapng" -- "$dir/pair" \
	> "$dir/out" 2> "$dir/err"; rc=$?
if [ $rc -eq 0 ]; then
	pass "memcheck: no memory errors or leaks, exit 0"
else
	grep -v 'unhandled amd64-linux syscall\|write your own handler\|README_MISSING\|Nevertheless we consider\|valgrind.org/support' \
		"$dir/vg.log" | head -40
	tail -5 "$dir/err"
	fail "valgrind exit status $rc"
fi
bad=$(grep -E 'Invalid (read|write|free)|uninitialised|definitely lost|indirectly lost|Mismatched free' "$dir/vg.log")
[ -z "$bad" ] && pass "the log reports nothing" || fail "memcheck reports: $bad"
expect_in "$(cat "$dir/out")" "pair: got 5 bytes, the child exited 0" "the program ran to its end"
L() { grep -n "@$1" "$src/pair.c" | cut -d: -f1; }
expect_in "$(cat "$dir/out")" "pair.c:$(L connect)  connect(" "and was traced: its connect at its line"
flags=$(sed -n 's/^    *[0-9]*  [0-9.]*  .*Flags \[\([^]]*\)\].*/\1/p' "$dir/out" | tr '\n' ' ')
case $flags in
"S S. . P. . "*"F."*"F."*) pass "every packet is shown: the handshake, the request and its ACK, both FINs" ;;
*) fail "the packets under valgrind: '$flags'" ;;
esac
[ -s "$dir/t.pcapng" ] && pass "--write wrote its file" || fail "no --write file"
finish
