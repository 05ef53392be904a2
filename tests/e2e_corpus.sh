# e2e_corpus.sh — open every file of a corpus directory with
# `sockscope inspect`: the list, the detail of its first, middle and last
# packet, and the stream of its first packet, each bounded by `timeout 20`.
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
ok=0 damaged=0 notcap=0 unknown=0 files=0

# run WHAT FILE ARGS...: one bounded run; its exit status in $rc, stderr in $tmp/err.
run() {
	what=$1; shift
	timeout 20 "$bin" inspect "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc -eq 124 ]; then
		fail "$what: hung (killed after 20 s)"
	elif [ $rc -ge 128 ]; then
		fail "$what: crashed (exit $rc)"; head -5 "$tmp/err" >&2
	elif grep -q "Sanitizer\|runtime error:" "$tmp/err"; then
		fail "$what: sanitizer report"; head -30 "$tmp/err" >&2
	elif [ $rc -gt 2 ]; then
		fail "$what: exit $rc"; head -5 "$tmp/err" >&2
	fi
}

for f in "$corpus"/*; do
	[ -f "$f" ] || continue
	files=$((files + 1))
	name=$(basename "$f")
	run "$name --print" "$f" --print
	case $rc in
	0) ok=$((ok + 1)) ;;
	1) damaged=$((damaged + 1)); echo "damaged: $name: $(head -1 "$tmp/err")" ;;
	2) notcap=$((notcap + 1)); echo "not a capture: $name: $(head -1 "$tmp/err")" ;;
	esac
	grep -q "), not decoded:" "$tmp/out" && unknown=$((unknown + 1))
	n=$(wc -l < "$tmp/out")
	[ "$n" -gt 0 ] || continue
	for k in 1 $(( (n + 1) / 2 )) "$n"; do
		run "$name --detail $k" "$f" --detail "$k"
	done
	run "$name --follow 1" "$f" --follow 1
done
echo "corpus $corpus: $files files: $ok fine, $damaged damaged, $notcap not captures;" \
     "$unknown with a link type not decoded (shown as raw bytes)"
[ "$files" -gt 0 ] || fail "no files in $corpus"
finish
