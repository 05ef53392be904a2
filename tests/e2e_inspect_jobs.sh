# e2e_inspect_jobs.sh — `inspect --print -j N` prints the bytes -j 1 does.
# Several threads dissect and format slices of packets while one feeds
# the flow table in order (src/inspect/print.c); relative seq/ack, TCP
# analysis, FTP data and rows under a filter or search must not change
# with the number of threads or where slices begin.  Compared on: every
# capture the tests build (tshark_pcaps.py, tshark_links.py,
# inspect_pcaps.py), tests/data, the lesson recordings, bench/gen_capture
# mixes of 50,000 packets (a damaged one too), and with SOCKSCOPE_CORPUS
# every file of that corpus.  A test of correctness, never of speed.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export TZ=UTC
mkdir "$dir/caps"

if command -v python3 > /dev/null; then
	for g in tshark_pcaps.py tshark_links.py inspect_pcaps.py; do
		python3 "$here/$g" "$dir/caps" > /dev/null || fail "$g failed"
	done
else
	echo "note: no python3: the tests' hand-built captures are left out"
fi
cp "$here"/data/*.pcap* "$here"/../lessons/recordings/*.pcapng "$dir/caps/" 2> /dev/null

# same NAME FILE OPTS...: -j 1, 2 and 3 print the same (stdout, stderr and
# exit status); small slices (7 packets) for small files, so flows cross
# slices.  Sets $out to -j 1's output.
runs=0
same() {
	name=$1 file=$2; shift 2
	"$bin" inspect "$file" --print -j 1 "$@" > "$dir/o1" 2> "$dir/e1"; rc1=$?
	out=$(cat "$dir/o1")
	for j in 2 3; do
		SOCKSCOPE_PRINT_SLICE=$slice "$bin" inspect "$file" --print -j $j "$@" > "$dir/o$j" 2> "$dir/e$j"; rc=$?
		runs=$((runs + 1))
		if [ $rc -ne $rc1 ] || ! cmp -s "$dir/o1" "$dir/o$j" || ! cmp -s "$dir/e1" "$dir/e$j"; then
			fail "$name $*: -j $j differs from -j 1 (status $rc, $rc1):
$(diff "$dir/o1" "$dir/o$j" | head -10)
$(diff "$dir/e1" "$dir/e$j" | head -4)"
			return 1
		fi
		[ $rc -ge 128 ] && fail "$name $*: -j $j died (status $rc)"
	done
	return 0
}

slice=7
files=0 lines=0
for f in "$dir"/caps/*; do
	files=$((files + 1))
	n=$(basename "$f")
	same "$n" "$f" && lines=$((lines + $(wc -l < "$dir/o1")))
	same "$n" "$f" -f tcp --time delta
	same "$n" "$f" -s Flags --time abs
done
[ $files -ge 20 ] && pass "$files test captures: -j 1, 2 and 3 alike ($lines lines)" ||
	fail "only $files test captures"
[ $lines -ge 300 ] || fail "only $lines lines compared: the captures are missing"

# The mixes: 50,000 packets in slices of the real size (1024) and smaller
# (10,000 under the sanitizers: SOCKSCOPE_SANITIZED, tests/CMakeLists.txt).
np=50000
[ -n "${SOCKSCOPE_SANITIZED:-}" ] && np=10000
if cc -O2 -o "$dir/gen" "$here/../bench/gen_capture.c" 2> "$dir/cc.err"; then
	for m in default dns-heavy http-heavy ipv6-heavy tls-heavy many-flows few-flows tiny mixed-small; do
		"$dir/gen" "$dir/$m.pcap" $np "$m" || { fail "gen_capture $m"; continue; }
		slice=0
		if same "$m" "$dir/$m.pcap"; then
			k=$(printf '%s\n' "$out" | wc -l)
			[ "$k" -eq $np ] && pass "$m: $np lines alike with -j 1, 2, 3" || fail "$m: $k lines, not $np"
			expect_in "$(printf '%s\n' "$out" | tail -1)" "$np " "$m: the last line is packet $np"
		fi
		slice=333
		same "$m" "$dir/$m.pcap" -f "tcp or udp port 53" --time delta
		same "$m" "$dir/$m.pcap" -s "ack 1,"
		rm -f "$dir/$m.pcap"
	done
	# The view after --print (its rows and flow table) is what the
	# conversations read, and a damaged file stops at the same packet.
	"$dir/gen" "$dir/d.pcap" 20000 mixed-small
	slice=0
	same conversations "$dir/d.pcap" -f tcp --conversations &&
		expect_in "$out" " conversations" "--print -f tcp --conversations alike"
	head -c $(( $(wc -c < "$dir/d.pcap") - 30 )) "$dir/d.pcap" > "$dir/cut.pcap"
	if same damaged "$dir/cut.pcap"; then
		[ $rc1 -eq 1 ] && pass "a cut file: the same lines and message, status 1" ||
			fail "a cut file exits $rc1, not 1"
		expect_in "$(cat "$dir/e1")" "packet 20000" "the cut file's message names packet 20000"
	fi
else
	fail "bench/gen_capture.c does not compile: $(cat "$dir/cc.err")"
fi

if [ -n "${SOCKSCOPE_CORPUS:-}" ] && [ -d "$SOCKSCOPE_CORPUS" ]; then
	slice=5 c=0
	n=0
	for f in "$SOCKSCOPE_CORPUS"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		# under the sanitizers every fourth file (e2e_corpus reads them all there)
		[ -n "${SOCKSCOPE_SANITIZED:-}" ] && [ $((n % 4)) -ne 0 ] && continue
		c=$((c + 1))
		same "$(basename "$f")" "$f"
	done
	pass "$c corpus files compared"
fi

# Bad numbers are refused with a message, before anything is read.
for bad in 0 65 x -1; do
	e=$("$bin" inspect "$dir/caps/$(ls "$dir/caps" | head -1)" --print -j "$bad" 2>&1 > /dev/null); rc=$?
	[ $rc -eq 2 ] && expect_in "$e" "-j" "-j $bad refused: $e" || fail "-j $bad: status $rc ($e)"
done
expect_in "$("$bin" inspect --help)" "-j, --jobs N" "--help lists -j"
[ $runs -ge 100 ] && pass "$runs runs compared with -j 1" || fail "only $runs runs"
finish
