# e2e_corpus.sh — open every file of a corpus directory with
# `sockscope inspect`: the list, the detail of its first, middle and last
# packet, the stream of its first packet and the conversations, and with
# tests/tshark_fields (built beside the binary) the field tree of every
# packet with the flow table's TCP analysis; each run bounded by `timeout 20`.
# Fails on a crash (exit >= 128), a hang (timeout), a sanitizer report
# (build with -DSOCKSCOPE_SANITIZE=ON to catch leaks and overreads) or an
# exit status other than 0 (fine), 1 (damaged file, stopped with a message)
# or 2 (not a capture; a stream of a packet that is not TCP/UDP).  Prints
# how many files were fine, damaged, not captures, or of a link type the
# dissector does not decode.
# $1: the sockscope binary; SOCKSCOPE_CORPUS: the directory (CI passes
# /work/shared/corpus/tcpdump, tcpdump's test captures).
. "$(dirname "$0")/lib.sh"
bin=$1
corpus=${SOCKSCOPE_CORPUS:-}
if [ -z "$corpus" ]; then
	echo "SKIP: SOCKSCOPE_CORPUS is not set (give it a directory of pcap/pcapng files)"
	exit 77
fi
if [ ! -d "$corpus" ]; then
	echo "SKIP: SOCKSCOPE_CORPUS=$corpus is not a directory"
	exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok=0 damaged=0 notcap=0 unknown=0 files=0 runs=0 bad=""
# In a sanitizer build, each run's reports go to its own stderr (not to the
# suite's report directory, see tests/CMakeLists.txt), so that they are
# told apart by file; a report exits 86, never a status inspect uses.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=stderr:exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:log_path=stderr:exitcode=86"
export ASAN_OPTIONS UBSAN_OPTIONS

# every packet's field tree, as the tshark agreement test reads it
fields=$(dirname "$bin")/tests/tshark_fields
[ -x "$fields" ] || { echo "note: $fields not built: field trees only of 3 packets a file"; fields=""; }

# run WHAT COMMAND...: one bounded run; its exit status in $rc, stdout in
# $tmp/out, stderr in $tmp/err.  20 s is a bound for a hang, far above any
# file's time (the largest takes under a second, also under the sanitizers).
run() {
	what=$1; shift
	runs=$((runs + 1))
	timeout -k 5 20 "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	nfail=$FAILED; FAILED=0
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		fail "$what: hung (killed after 20 s, exit $rc)"
	elif [ $rc -ge 128 ]; then
		fail "$what: crashed (exit $rc)"; head -5 "$tmp/err" >&2
	elif grep -q "Sanitizer\|runtime error:" "$tmp/err"; then
		fail "$what: sanitizer report"; head -30 "$tmp/err" >&2
	elif [ $rc -gt 2 ]; then
		fail "$what: exit $rc"; head -5 "$tmp/err" >&2
	fi
	if [ $FAILED -ne 0 ]; then
		case " $bad " in *" $name "*) ;; *) bad="$bad $name" ;; esac
	fi
	if [ "$nfail" -ne 0 ]; then FAILED=1; fi
}

for f in "$corpus"/*; do
	[ -f "$f" ] || continue
	files=$((files + 1))
	name=$(basename "$f")
	run "$name --print" "$bin" inspect "$f" --print
	case $rc in
	0) ok=$((ok + 1)) ;;
	1) damaged=$((damaged + 1)); echo "damaged: $name: $(head -1 "$tmp/err")" ;;
	2) notcap=$((notcap + 1)); echo "not a capture: $name: $(head -1 "$tmp/err")" ;;
	esac
	grep -q "), not decoded:" "$tmp/out" && unknown=$((unknown + 1))
	n=$(wc -l < "$tmp/out")
	[ "$n" -gt 0 ] || continue
	for k in 1 $(( (n + 1) / 2 )) "$n"; do
		run "$name --detail $k" "$bin" inspect "$f" --detail "$k"
	done
	run "$name --follow 1" "$bin" inspect "$f" --follow 1
	run "$name --conversations" "$bin" inspect "$f" --conversations
	[ -z "$fields" ] || run "$name: tshark_fields (every packet's fields)" "$fields" "$f"
done
echo "corpus $corpus: $files files, $runs runs:" \
     "$((ok + damaged)) opened ($ok fine, $damaged damaged: stopped with a message)," \
     "$notcap not captures; $unknown with a link type not decoded (shown as raw bytes)"
[ -z "$bad" ] || echo "files with a crash, hang, sanitizer report or unexpected exit:$bad" >&2
[ "$files" -gt 0 ] || fail "no files in $corpus"
finish
