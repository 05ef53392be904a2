# sanitizer_reports.sh DIR — the sanitizer build's last test: print every
# ASan/LSan/UBSan report the suite's processes wrote to DIR (one file per
# process, named <test>.<pid>, see tests/CMakeLists.txt) and fail when
# there is one.  Reports go here rather than to stderr so that none is lost
# in a test that does not look at a program's stderr or exit status.
dir=$1
n=0
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	echo "==== $(basename "$f") ===="
	cat "$f"
done
if [ "$n" -gt 0 ]; then
	echo "FAIL: $n sanitizer report(s) in $dir (file name: <test>.<pid>)" >&2
	exit 1
fi
echo "no sanitizer reports"
