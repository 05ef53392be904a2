# lib.sh — helpers shared by the end-to-end tests (sourced, POSIX sh).
# Each test calls `fail` for every check that does not hold and ends with
# `finish`, which exits 1 when any did.

FAILED=0
# Tests never touch the learner's own progress file.
SOCKSCOPE_PROGRESS="${TMPDIR:-/tmp}/sockscope-test-progress.$$"
export SOCKSCOPE_PROGRESS
fail() { echo "FAIL: $*" >&2; FAILED=1; }
pass() { echo "ok:   $*"; }
finish() {
	if [ "$FAILED" -ne 0 ]; then echo "$0: some checks failed" >&2; exit 1; fi
	echo "$0: all checks passed"; exit 0
}

# step_section FILE N: the lines of step N of a headless run.
step_section() {
	awk -v n="$2" '/^== step / { split($3, a, "/"); on = (a[1] == n) } /^capturing on|^no capture/ { on = 0 } on' "$1"
}

# expect_in TEXT PATTERN WHAT: grep -F PATTERN must match TEXT.
expect_in() {
	if printf '%s\n' "$1" | grep -qF -- "$2"; then pass "$3"; else fail "$3: '$2' not found"; fi
}
expect_not_in() {
	if printf '%s\n' "$1" | grep -qF -- "$2"; then fail "$3: '$2' found"; else pass "$3"; fi
}
# start_serve BIN DIR PROTO COUNT [-6]: `sockscope serve` in the background,
# its output in DIR; sets pid, port and out.  Fails (port empty) when no
# "listening" line came within 10 s.
start_serve() {
	out="$2/$3$5.out"
	"$1" serve "$3" --count "$4" --seconds 20 ${5:+"$5"} > "$out" 2>&1 &
	pid=$!
	port=""
	i=0
	while [ $i -lt 100 ] && [ -z "$port" ]; do
		port=$(sed -n '1s/^.* listening on .* port \([0-9][0-9]*\)$/\1/p' "$out" 2>/dev/null)
		[ -z "$port" ] && sleep 0.1
		i=$((i + 1))
	done
	[ -n "$port" ]
}

# count_in TEXT PATTERN: lines of TEXT that contain PATTERN.
count_in() { printf '%s\n' "$1" | grep -cF -- "$2"; }

# trace_capture BIN: the --capture a trace test runs with: a namespace of
# sockscope's own when one can be made, since its lo carries only the
# test's packets (the host's lo, busy with other tests or benchmarks, can
# overrun the capture and lose a marker), else auto.
trace_capture() {
	case $("$1" trace --capture namespace -- true 2>&1) in
	*"capturing on lo (own namespace)"*) echo namespace ;;
	*) echo auto ;;
	esac
}

# The challenge tests' two modes (e2e_challenge_*.sh); each sets bin and dir.
# chal_check NAME CMD WANT_RC TEXT...: `challenge NAME --run CMD` exits
# WANT_RC (0 pass, 1 fail) and its output, in $dir/out, has every TEXT.
# CHAL_DIR, when set, is the challenges' directory; CHAL_CAPTURE the --capture;
# CHAL_WRAP a command sockscope runs under (tests/trace/noptrace.c).
chal_check() {
	name=$1 cmd=$2 want=$3; shift 3
	$CHAL_WRAP "$bin" challenge "$name" ${CHAL_DIR:+--dir "$CHAL_DIR"} ${CHAL_CAPTURE:+--capture "$CHAL_CAPTURE"} \
		--run "$cmd" > "$dir/out" 2>&1; rc=$?
	if [ $rc -ne "$want" ]; then
		sed -n '/^your program/,$p' "$dir/out" | grep -v '^  \(you\|lab\) '
		fail "$name with '$cmd': exit $rc, wanted $want"; return
	fi
	for t in "$@"; do
		grep -qF -- "$t" "$dir/out" || { sed -n '/^its calls/p;/^verdict/,$p' "$dir/out"; fail "$name with '$cmd': no '$t'"; return; }
	done
	pass "$name with '$cmd'${CHAL_CAPTURE:+ (capture: $CHAL_CAPTURE)}: exit $rc, $*"
}
# chal_namespace: true when sockscope can capture in a namespace of its own
# here (the mode without the privilege to capture on the host's lo).
chal_namespace() {
	[ "$(trace_capture "$bin")" = namespace ]
}
# chal_waiting NAME CMD WANT_RC TEXT...: the same without --run: sockscope
# waits (--wait 30) while CMD is started as from another terminal, with
# $SOCKSCOPE_HOST and $SOCKSCOPE_PORT exported by hand; CMD is stopped after.
chal_waiting() {
	name=$1 cmd=$2 want=$3; shift 3
	"$bin" challenge "$name" ${CHAL_DIR:+--dir "$CHAL_DIR"} --wait 30 > "$dir/out" 2>&1 &
	cpid=$!
	cport="" i=0
	while [ $i -lt 100 ] && [ -z "$cport" ]; do
		cport=$(sed -n 's/^the lab: .* on [0-9a-f:.]* port \([0-9]*\) (IPv.*/\1/p' "$dir/out")
		[ -z "$cport" ] && sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$cport" ]; then
		kill $cpid 2> /dev/null; wait $cpid 2> /dev/null
		fail "$name waiting: no port in its output"; return
	fi
	chost=$(sed -n 's/^the lab: .* on \([0-9a-f:.]*\) port .*/\1/p' "$dir/out")
	sleep 0.3
	SOCKSCOPE_HOST=$chost SOCKSCOPE_PORT=$cport sh -c "$cmd" > "$dir/prog.out" 2>&1 &
	ppid_=$!
	wait $cpid; rc=$?
	kill $ppid_ 2> /dev/null; wait $ppid_ 2> /dev/null
	if [ $rc -ne "$want" ]; then
		sed -n '/^verdict/,$p' "$dir/out"; fail "$name waiting for '$cmd': exit $rc, wanted $want"; return
	fi
	for t in "$@"; do
		grep -qF -- "$t" "$dir/out" || { sed -n '/^verdict/,$p' "$dir/out"; fail "$name waiting for '$cmd': no '$t'"; return; }
	done
	pass "$name waiting for '$cmd': exit $rc, $*"
}
