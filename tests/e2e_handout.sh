# e2e_handout.sh — `sockscope lesson ID --handout FILE` (src/text/handout.c):
# Markdown and HTML handouts of tcp-basics from its shipped recording (no
# capture rights needed) and, when capture works, from a live run; their
# content (step titles, the real programs' lines, the run's port, packet lines, the
# ladder, the claims, recap, footer); HTML escaping of payloads with < and &
# (lesson protocols: SMTP addresses, an HTML page over HTTP); the HTML is
# well-formed and self-contained (tests/handout_check.py); every lesson's
# handout carries its real programs, which build and run; bad names are refused; and, when chromium is
# installed, a headless Chromium screenshot of the page is not blank (kept
# as handout-tcp-basics.png in the test's working directory).
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
check="$src/tests/handout_check.py"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
rec="$src/lessons/recordings/tcp-basics.pcapng"

# The step titles and the lab's port of the recorded run, from the headless output.
"$bin" lesson tcp-basics --headless --replay "$rec" > "$dir/headless.txt" 2>&1 || fail "headless replay failed"
port=$(sed -n 's/^run over: IPv4, lab server 127.0.0.1 port \([0-9]*\)$/\1/p' "$dir/headless.txt")
nsteps=$(grep -c '^== step ' "$dir/headless.txt")
[ -n "$port" ] && [ "$nsteps" -gt 0 ] || fail "no port or steps in the headless replay"

# ---- from the recording ----
for ext in md html; do
	out=$("$bin" lesson tcp-basics --replay "$rec" --handout "$dir/tb.$ext" 2>&1); rc=$?
	[ $rc -eq 0 ] || fail "$ext handout: exit $rc: $out"
	expect_in "$out" "wrote handout $dir/tb.$ext ($nsteps steps, 20 packets)" "$ext: the summary line"
	[ -e "$dir/tb.$ext.partial" ] && fail "$ext: the .partial file was left behind"
done
md=$(cat "$dir/tb.md")
# every step's title, as a heading
grep '^== step ' "$dir/headless.txt" | sed 's/^== step \([0-9]*\)\/\([0-9]*\): \(.*\)$/\1|\2|\3/' > "$dir/titles"
while IFS='|' read -r n total title; do
	expect_in "$md" "## Step $n of $total: $title" "md: step $n's heading"
done < "$dir/titles"
titles_args=$(while IFS='|' read -r n total title; do printf '%s\n' "Step $n of $total: $title"; done < "$dir/titles")
expect_in "$md" '# TCP from socket() to close()' "md: the lesson's title"
expect_in "$md" "the lab's server at 127.0.0.1 port $port;" "md: the recorded run's port"
expect_in "$md" '  62  	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) { perror("connect"); return 1; } /* [3] */' \
	"md: the connect step shows client.c's line 62, numbered"
expect_in "$md" '```c' "md: code in a C fence"
[ "$(count_in "$md" 'sock.connect(')" -eq 0 ] && pass "md: Python only on request" || fail "md: Python without --python"
[ "$(count_in "$md" 'Flags [S], seq 0')" -eq 2 ] && pass "md: two SYN packet lines (two connections)" ||
	fail "md: SYN lines: $(count_in "$md" 'Flags [S], seq 0')"
expect_in "$md" 'data: 13 bytes "Hello, World!"' "md: a packet's payload"
expect_in "$md" '|--- SYN seq 0 win 65495' "md: the ladder's SYN arrow"
expect_in "$md" 'step 3 connect()' "md: ladder arrows tagged with their call"
expect_in "$md" "127.0.0.1:$port, 10 segments" "md: a ladder per connection"
expect_in "$md" '**ok** packets = 3 (holds)' "md: the claims, checked"
expect_not_in "$md" 'FAILED' "md: every claim of the recording holds"
expect_in "$md" 'client 127.0.0.1:' "md: the TCP states"
expect_in "$md" '## Recap' "md: the recap"
expect_in "$md" '## Try it yourself' "md: the things to try"
expect_in "$md" '## The programs' "md: the lesson's programs"
expect_in "$md" '### client.c, lines ' "md: a step shows its lines of client.c"
expect_in "$md" 'from a recording of the lesson, not a live run' "md: the footer says it is a recording"
python3 "$check" md "$dir/tb.md" || fail "md: fences or escaping"

# Every lesson's handout carries its real programs: byte for byte the files
# of lessons/programs/, each C file building with the line it states
# (-Werror), each Python one compiling and running (to its usage message).
for r in "$src"/lessons/recordings/*.pcapng; do
	id=$(basename "$r" .pcapng)
	mkdir -p "$dir/p-$id"
	"$bin" lesson "$id" --replay "$r" --python --handout "$dir/p-$id/h.md" > /dev/null 2>&1 ||
		{ fail "$id: the handout was not written"; continue; }
	names=$(python3 "$src/tests/handout_programs.py" "$dir/p-$id/h.md" "$dir/p-$id") ||
		{ fail "$id: $names"; continue; }
	shipped=$(ls -d "$src"/lessons/programs/*-"$id")
	bad=0
	for f in "$shipped"/*.c "$shipped"/*.py; do
		n=$(basename "$f")
		printf '%s\n' "$names" | grep -qx "$n" || { fail "$id: the handout lacks $n"; bad=1; continue; }
		cmp -s "$f" "$dir/p-$id/$n" || { fail "$id: $n in the handout differs from $f"; bad=1; continue; }
		case $n in
		*.c)
			command -v cc > /dev/null 2>&1 || continue
			build=$(sed -n 's/.*Build: \(cc .*\)$/\1/p' "$dir/p-$id/$n" | head -1)
			[ -n "$build" ] || { fail "$id: $n states no build line"; bad=1; continue; }
			# shellcheck disable=SC2086
			$build -g -O0 -o "$dir/p-$id/${n%.c}" "$dir/p-$id/$n" 2> "$dir/cc.err" ||
				{ cat "$dir/cc.err"; fail "$id: $n from the handout does not build with '$build'"; bad=1; }
			;;
		*.py)
			python3 -m py_compile "$dir/p-$id/$n" 2> "$dir/py.err" ||
				{ cat "$dir/py.err"; fail "$id: $n from the handout does not compile"; bad=1; continue; }
			python3 "$dir/p-$id/$n" > "$dir/py.out" 2>&1
			grep -q "^usage: .*$n " "$dir/py.out" ||
				{ cat "$dir/py.out"; fail "$id: $n from the handout does not run"; bad=1; }
			;;
		esac
	done
	[ $bad = 0 ] && pass "$id: the handout's $(printf '%s\n' "$names" | wc -l) programs are the shipped ones, and build and run"
done

# The HTML: the same content, well-formed and self-contained.
h="$dir/tb.html"
set -- html "$h"
while IFS= read -r t; do set -- "$@" --title "$t"; done <<EOF
$titles_args
EOF
python3 "$check" "$@" --title "The connections as ladder diagrams" --title "Recap" \
	--text "port $port;" --text "Flags [S], seq 0" --text '|--- SYN seq 0 win 65495' \
	--text 'data: 13 bytes "Hello, World!"' --text '#include <sys/socket.h>' \
	--text 'argc == 5 && strcmp(argv[3], "--timeout")' --text 'packets = 3 (holds)' --text 'from a recording of the lesson' \
	&& pass "html: well-formed, self-contained, every step and the ladder" || fail "html: see above"
html=$(cat "$h")
expect_in "$html" '#include &lt;sys/socket.h&gt;' "html: code escaped"
expect_in "$html" 'argc == 5 &amp;&amp; strcmp' "html: & escaped"
expect_in "$html" '<meta charset="utf-8">' "html: UTF-8"
expect_in "$html" '@media print' "html: a print rule"
expect_in "$html" '<pre class="ladder"' "html: the ladder in <pre>"
expect_in "$html" '<table class="packets">' "html: the packets in a table"
if printf '%s\n' "$html" | grep -Eiq '(src|href)="?(https?:)?//'; then fail "html: an external reference"; else
	pass "html: no external reference"; fi
expect_not_in "$html" '<script' "html: no script"

# With --python both carry the Python.
"$bin" lesson tcp-basics --replay "$rec" --python --handout "$dir/py.md" > /dev/null 2>&1 || fail "--python handout"
expect_in "$(cat "$dir/py.md")" "  29  sock.connect(addr)  # [3]" "--python: the connect step's Python line"
expect_in "$(cat "$dir/py.md")" "### client.py" "--python: the whole Python program"
expect_in "$(cat "$dir/py.md")" '```python' "--python: in a Python fence"

# ---- escaping: lesson protocols sends <learner@...> over SMTP and an HTML page over HTTP ----
prec="$src/lessons/recordings/protocols.pcapng"
if "$bin" lesson protocols --replay "$prec" --handout "$dir/pr.html" > /dev/null 2>&1 &&
   "$bin" lesson protocols --replay "$prec" --handout "$dir/pr.md" > /dev/null 2>&1; then
	python3 "$check" html "$dir/pr.html" --text 'MAIL FROM:<learner@sockscope.test>' \
		--text '<!DOCTYPE html>\n<html><head><title>' --text 'GET /hello HTTP/1.1\r\nHost: lab.sockscope.test' \
		&& pass "html: payloads with < > & \" shown as text, the page still well-formed" || fail "html: protocols"
	p=$(cat "$dir/pr.html")
	expect_in "$p" 'MAIL FROM:&lt;learner@sockscope.test&gt;' "html: < and > of a payload escaped"
	expect_in "$p" '&quot;HTTP/1.1 200 OK' "html: quotes escaped"
	expect_not_in "$p" '<learner@' "html: no raw < from a payload"
	python3 "$check" md "$dir/pr.md" || fail "md: protocols escaping"
	m=$(cat "$dir/pr.md")
	expect_in "$m" 'MAIL FROM:\<learner@sockscope.test>' "md: < escaped in a list item"
	expect_in "$m" 'data: 36 bytes "MAIL FROM:<learner@sockscope.test>\r\n"' "md: the payload as is in a fence"
else
	fail "protocols handouts from the recording"
fi

# ---- names and places that are refused ----
out=$("$bin" lesson tcp-basics --replay "$rec" --handout "$dir/x.txt" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "the name must end in .md (Markdown) or .html" "a .txt name is refused" ||
	fail ".txt: exit $rc: $out"
[ -e "$dir/x.txt" ] && fail ".txt: a file was written"
out=$("$bin" lesson tcp-basics --replay "$rec" --handout "$dir/no/such/dir/x.html" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_in "$out" "cannot write $dir/no/such/dir/x.html.partial" "an unwritable place says so" ||
	fail "unwritable: exit $rc: $out"
out=$("$bin" --handout "$dir/y.md" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--handout needs a lesson" "--handout without a lesson" || fail "no lesson: exit $rc"
# an existing handout is replaced whole
printf 'old\n' > "$dir/tb.md"
"$bin" lesson tcp-basics --replay "$rec" --handout "$dir/tb.md" > /dev/null 2>&1
head -1 "$dir/tb.md" | grep -qx '# TCP from socket() to close()' && pass "an old file is replaced" || fail "old file kept"

# ---- live, when this machine can capture ----
if "$bin" lesson tcp-basics --headless 2>&1 | grep -q '^capturing on '; then
	for ext in md html; do
		out=$("$bin" lesson tcp-basics --handout "$dir/live.$ext" 2>&1); rc=$?
		[ $rc -eq 0 ] && expect_in "$out" "wrote handout $dir/live.$ext ($nsteps steps," "live $ext: written" ||
			fail "live $ext: exit $rc: $out"
	done
	lm=$(cat "$dir/live.md")
	lport=$(printf '%s\n' "$lm" | sed -n "s/.*the lab's server at 127.0.0.1 port \([0-9]*\);.*/\1/p" | head -1)
	[ -n "$lport" ] && pass "live md: this run's port ($lport)" || fail "live md: no port"
	expect_in "$lm" 'Flags [S], seq 0' "live md: the SYN"
	expect_in "$lm" 'captured live' "live md: it says it was captured live"
	expect_in "$lm" 'from a live run, every packet captured as it happened' "live md: the footer says so"
	python3 "$check" md "$dir/live.md" || fail "live md: fences or escaping"
	# its own run, its own port
	hport=$(sed -n 's/.*server at 127.0.0.1 port \([0-9]*\);.*/\1/p' "$dir/live.html" | head -1)
	python3 "$check" html "$dir/live.html" --text "htons($hport)" --text "Flags [S], seq 0" \
		--text "Capture: capturing on" && pass "live html: well-formed, this run's port and packets" ||
		fail "live html"
else
	echo "note: no capture here: the live handout is skipped (the recorded ones were checked)"
fi

# ---- a real browser: headless Chromium renders the page ----
chrome=""
for c in chromium chromium-browser google-chrome; do
	command -v "$c" >/dev/null 2>&1 && { chrome=$c; break; }
done
if [ -z "$chrome" ]; then
	echo "note: chromium is not installed (apt-get install chromium): the browser screenshot is skipped"
else
	shot="$(pwd)/handout-tcp-basics.png"
	cp "$h" "$dir/handout.html"
	rm -f "$shot"
	# Its own profile directory: nothing of the user's is read or written.
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
		--user-data-dir="$dir/chrome-profile" --screenshot="$shot" --window-size=1200,2000 \
		"file://$dir/handout.html" > "$dir/chrome.log" 2>&1
	if [ -s "$shot" ]; then
		python3 "$check" png "$shot" 1200 2000 && pass "chromium: the page renders (screenshot $shot)" ||
			fail "chromium: the screenshot $shot looks wrong"
		echo "screenshot: $shot"
	else
		tail -5 "$dir/chrome.log"; fail "chromium wrote no screenshot"
	fi
fi
finish
