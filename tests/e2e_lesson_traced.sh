# e2e_lesson_traced.sh — lessons run as their real programs under the
# tracer (src/lab/lab_traced.c, issue 16).  Lesson 2, `sockscope lesson tcp-basics
# --headless --lang c|python` over IPv4 and IPv6 prints each step's lines
# of lessons/programs/02-tcp-basics/client.{c,py} (the callout's line
# found with grep, not written down), the calls the tracer saw with their
# packets: socket() in step 1 with nothing on the wire, connect() in step
# 3 with the handshake's SYN and SYN/ACK, close() in step 6 with a FIN;
# the programs exit 0.  The C is compiled once into $XDG_CACHE_HOME.
# Every claim of the lesson (--check) holds for both languages and
# families, and with its toggle "silent"; so do the claims of the other
# lessons with run: lines (addresses, ports, many-clients, security), C over
# IPv4 and Python over IPv6.  A C program that does not compile is said
# with its file:line and the engine runs the lesson.  Without cc, --lang c says so
# and runs the Python; a lesson without run: lines says so and the lab's
# engine runs it.  As root it runs once more as uid 65534 (the no-root
# path: the tracer's own namespace).
# Skips (77) without cc or python3, or where ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
progs=$top/lessons/programs/02-tcp-basics
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
command -v python3 > /dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
export XDG_CACHE_HOME=$dir/cache PYTHONDONTWRITEBYTECODE=1
cap=$(trace_capture "$bin")

for lang in c python; do
	ext=$lang; [ $lang = python ] && ext=py
	case $ext in
	c) one=$(grep -n '/\* \[1\] \*/$' "$progs/client.c" | cut -d: -f1) ;;
	py) one=$(grep -n '# \[1\]$' "$progs/client.py" | cut -d: -f1) ;;
	esac
	for fam in 4 6; do
		tag="$lang -$fam"
		out=$dir/$lang$fam.out
		timeout 120 "$bin" lesson tcp-basics --headless --check --lang $lang -$fam --capture "$cap" > "$out" 2> "$dir/err"
		rc=$?
		all=$(cat "$out" "$dir/err")
		case $all in *"ptrace is refused"*) echo "SKIP: ptrace is refused here: $all"; exit 77 ;; esac
		name=C; [ $lang = python ] && name=Python
		expect_in "$all" "the lesson's $name programs" "$tag: the real programs ran"
		s1=$(step_section "$out" 1)
		expect_in "$s1" "program: client.$ext:$one-" "$tag: step 1 is the lines from callout [1] (line $one)"
		af=AF_INET; [ $fam = 6 ] && af=AF_INET6
		expect_in "$s1" "call: client: socket($af, SOCK_STREAM" "$tag: step 1 traced the client's socket()"
		expect_in "$s1" "packets: 0" "$tag: socket() put nothing on the wire"
		s3=$(step_section "$out" 3)
		expect_in "$s3" "call: client: connect(" "$tag: step 3 traced connect()"
		expect_in "$s3" "Flags [S]," "$tag: step 3 has the SYN"
		expect_in "$s3" "Flags [S.]," "$tag: step 3 has the SYN/ACK"
		s6=$(step_section "$out" 6)
		expect_in "$s6" "call: client: close(" "$tag: step 6 traced close()"
		expect_in "$s6" "Flags [F.]" "$tag: step 6 has a FIN"
		expect_in "$all" "exited with status 0" "$tag: the programs exited 0"
		[ $rc -eq 0 ] && pass "$tag: every claim of the lesson holds (--check)" ||
			fail "$tag: --check exits $rc: $(grep FAILED "$out")"
	done
	out=$(timeout 120 "$bin" lesson tcp-basics --headless --check --lang $lang --toggle silent --capture "$cap" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && pass "$lang silent: every claim holds (--check)" ||
		fail "$lang silent: --check exits $rc: $(printf '%s\n' "$out" | grep FAILED)"
	s4=$(printf '%s\n' "$out" > "$dir/silent"; step_section "$dir/silent" 4)
	expect_not_in "$s4" "Welcome" "$lang silent: no greeting in step 4"
done
# the other lessons that run their programs: every claim, C over IPv4 and
# Python over IPv6 (together both languages and both families)
for id in addresses ports many-clients security; do
	for run in "c -4" "python -6"; do
		# shellcheck disable=SC2086  # the language and the family are words
		out=$(timeout 120 "$bin" lesson $id --headless --check --lang $run --capture "$cap" 2>&1)
		rc=$?
		expect_in "$out" "the lesson's $( [ "${run% *}" = c ] && echo C || echo Python) programs" "$id $run: the real programs ran"
		[ $rc -eq 0 ] && pass "$id $run: every claim of the lesson holds (--check)" ||
			fail "$id $run: --check exits $rc: $(printf '%s\n' "$out" | grep -E 'FAILED|sockscope:')"
	done
done

m=$(ls "$XDG_CACHE_HOME/sockscope/programs" | wc -l)
# one binary a program: lesson 2's two, 03's two, 04's two, 09's five, 11's one
[ "$m" -eq 12 ] && pass "each C program was built once into the cache ($m)" || fail "cached builds: $m, not 12"

# without privilege (as root: uid 65534 by setpriv): the tracer's own
# namespace, the cache in a home of that user's
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null 2>&1; then
	mkdir "$dir/nobody" && chmod 777 "$dir" "$dir/nobody"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$dir/nobody" XDG_CACHE_HOME="$dir/nobody/cache" \
		TMPDIR="$dir/nobody" timeout 120 "$bin" lesson tcp-basics --headless --check --lang c 2>&1)
	rc=$?
	case $out in
	*"capturing on lo (own namespace)"*) [ $rc -eq 0 ] && pass "uid 65534: every claim holds, in a namespace of its own" ||
		fail "uid 65534: --check exits $rc: $(printf '%s\n' "$out" | grep -E 'FAILED|sockscope:')" ;;
	*) echo "note: uid 65534 has no namespace capture here: $(printf '%s\n' "$out" | grep -m1 capture)" ;;
	esac
fi

# no compiler: a PATH with python3 alone
mkdir "$dir/bin"
ln -s "$(command -v python3)" "$dir/bin/python3"
to=$(command -v timeout)
out=$(PATH=$dir/bin "$to" 120 "$bin" lesson tcp-basics --headless --lang c --capture "$cap" 2>&1)
expect_in "$out" "no C compiler (cc) on PATH: the Python programs run instead" "no cc: said"
expect_in "$out" "the lesson's Python programs" "no cc: the Python programs ran"

# a program that does not compile: the compiler's words with file:line,
# and the engine runs the lesson
cp -r "$top/lessons" "$dir/lessons"
bad=$dir/lessons/programs/02-tcp-basics/client.c
line=$(grep -n '/\* \[1\] \*/$' "$bad" | cut -d: -f1)
sed -i 's|/\* \[1\] \*/$|int unused; /* [1] */|' "$bad"
out=$(timeout 120 "$bin" lesson tcp-basics --lessons "$dir/lessons" --headless --lang c --capture "$cap" 2>&1)
expect_in "$out" "client.c does not build" "a compiler error: said"
expect_in "$out" "client.c:$line:" "a compiler error: its file:line ($line)"
expect_in "$out" "run over: IPv4, lab server" "a compiler error: the lab's engine ran the lesson"

# a lesson without run: lines: said, and the engine runs it
out=$(timeout 120 "$bin" lesson lifecycle --headless --lang c --capture "$cap" 2>&1)
expect_in "$out" "names no programs to run" "no run lines: said"
expect_in "$out" "run over: IPv4, lab server" "no run lines: the lab's engine ran it"
finish
