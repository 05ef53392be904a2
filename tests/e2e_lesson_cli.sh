# e2e_lesson_cli.sh — issue 13, the lesson command line: a lesson named by
# its number or a unique prefix of its id, numbers in `sockscope list`,
# --record on an interactive run (the tmux part is e2e_tui_content.sh),
# and the calls of every step named in its code (check-lessons).
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# ---- lessons by number and by prefix
list=$("$bin" list)
n11=$(printf '%s\n' "$list" | awk '$1 == 11 { print $2 }')
[ -n "$n11" ] && pass "item lookup: sockscope list numbers the lessons (11 is $n11)" ||
	fail "item lookup: no lesson numbered 11 in: $list"
out=$("$bin" lesson 11 --headless --capture=none 2>&1); rc=$?
[ $rc -eq 0 ] && pass "item lookup: sockscope lesson 11 runs" || fail "item lookup: lesson 11: exit $rc: $out"
expect_in "$out" "($n11)" "item lookup: lesson 11 is the 11th of the list"
out=$("$bin" lesson tcp --headless --capture=none 2>&1)
expect_in "$out" "(tcp-basics)" "item lookup: a unique prefix (tcp) names tcp-basics"
out=$("$bin" lesson s --headless --capture=none 2>&1); rc=$?
[ $rc -eq 2 ] && pass "item lookup: an ambiguous prefix is refused (exit 2)" || fail "item lookup: ambiguous: exit $rc"
expect_in "$out" "'s' could be any of:" "item lookup: an ambiguous prefix says so"
expect_in "$out" "stream-vs-datagram" "item lookup: and lists the candidates (stream-vs-datagram)"
expect_in "$out" "security" "item lookup: and lists the candidates (security)"
expect_not_in "$out" "tcp-basics" "item lookup: and only them"
out=$("$bin" lesson nosuch --headless 2>&1); rc=$?
[ $rc -eq 2 ] && pass "item lookup: an unknown id: exit 2" || fail "item lookup: unknown: exit $rc"
expect_in "$out" "no lesson 'nosuch'" "item lookup: an unknown id is named"
expect_in "$out" "2 tcp-basics" "item lookup: and the lessons there are are listed, numbered"
out=$("$bin" lesson 99 --headless 2>&1); rc=$?
[ $rc -eq 2 ] && pass "item lookup: a number past the last: exit 2" || fail "item lookup: 99: exit $rc"
expect_in "$out" "no lesson number 99" "item lookup: a number past the last is named"
last=$(printf '%s\n' "$list" | awk 'END { print $2 }')
nlast=$(printf '%s\n' "$list" | awk 'END { print $1 }')
out=$(printf 'a\n' | "$bin" quiz "$nlast" 2>&1)
expect_in "$out" "1. " "item lookup: sockscope quiz takes a number ($nlast: $last)"
out=$(printf 'a\n' | "$bin" quiz tcp 2>&1)
expect_in "$out" "score:" "item lookup: sockscope quiz takes a prefix"
out=$("$bin" quiz zzz 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "no lesson 'zzz'" "item lookup: quiz names an unknown id" ||
	fail "item lookup: quiz zzz: exit $rc"
"$bin" lesson 2 --handout="$tmp/h.md" --capture=none > /dev/null 2>&1
grep -q "TCP from socket() to close()" "$tmp/h.md" 2>/dev/null &&
	pass "item lookup: --handout takes a number" || fail "item lookup: handout of lesson 2 not written"
# ---- item 8: the code pane and the call trace name the same calls
trace=$(dirname "$0")/trace_in_code.py
for fam in 4 6; do
	"$bin" lesson stream-vs-datagram -$fam --headless --python --capture=none > "$tmp/l1.$fam" 2>&1
	out=$(python3 "$trace" --exact < "$tmp/l1.$fam"); rc=$?
	[ $rc -eq 0 ] && pass "item 8: lesson 1 over IPv$fam: every call of the trace stands in the code, same arguments ($(printf '%s' "$out" | tail -1))" ||
		fail "item 8: lesson 1 over IPv$fam: $out"
done
l1=$(cat "$tmp/l1.4")
expect_in "$l1" "call: lab server: recv(conn, buf, 1024, 0)" "item 8: the lab's recv() is on conn, with the real size"
expect_in "$l1" "  >     n = recv(conn, buf, 1024, 0);" "item 8: ... and the code says the same"
expect_in "$l1" "call: lab server: recvfrom(usock, buf, 1024, 0, &peer, &len)" "item 8: the lab's recvfrom() on usock, flags 0 as the code passes"
expect_in "$l1" "  >     n = recvfrom(usock, buf, 1024, 0, (struct sockaddr *)&peer, &len);" "item 8: ... and the code says the same"
expect_in "$l1" "  > data, peer = usock.recvfrom(1024)" "item 8: the Python code names the lab's socket usock too"
expect_in "$l1" "call: client: sendto(udp, \"ping \"" "item 8: udp is the client's datagram socket in the trace"
expect_in "$l1" "  > udp.sendto(b'ping ', udp_addr)" "item 8: ... and in the Python code"
expect_not_in "$l1" "recvfrom(udp, buf, 1024, 0, &peer, &len) = 5" "item 8: udp never names the lab's socket"
for id in $(printf '%s\n' "$list" | awk '{print $2}'); do
	out=$("$bin" lesson "$id" --headless --capture=none 2>&1 | python3 "$trace"); rc=$?
	[ $rc -eq 0 ] && pass "item 8: $id: the trace's calls (function, socket) stand in each step's code ($(printf '%s' "$out" | tail -1))" ||
		fail "item 8: $id: $out"
done
out=$("$bin" lesson udp --headless --capture=none 2>&1)
expect_in "$out" "recvfrom(usock, buf, 8, MSG_TRUNC, &peer, &len) = 20: \"01234567\" (TRUNCATED: the datagram had 20 bytes; 8 copied into buf, the other 12 lost)" \
	"item 8: MSG_TRUNC is passed where the lesson's code passes it, and shown with the kernel's return value (20), not the buffer's size"

# check-lessons: a step whose code does not show a call of its trace
mkdir "$tmp/lint"
cat > "$tmp/lint/01-mismatch.lesson" <<'LESSON'
title: Mismatch
lab: tcp-server

step: Connect and read
client: socket stream
client: connect
server: accept
server: send "hi"
client: recv 64
c:
        int sock = socket(AF_INET, SOCK_STREAM, 0);
        connect(sock, (struct sockaddr *)&addr, sizeof addr);
        /* the lab's side: conn = accept(listen_fd, NULL, NULL); */
        recv(sock, buf, 64, 0);
python:
    sock = socket.create_connection(addr)
    sock.recv(64)
explain:
    The code calls its socket sock; the trace says fd.
LESSON
out=$("$bin" check-lessons "$tmp/lint"); rc=$?
[ $rc -eq 1 ] && pass "item 8: check-lessons fails (exit 1) on code that does not show the trace's calls" ||
	fail "item 8: check-lessons: exit $rc: $out"
expect_in "$out" "ERROR   $tmp/lint/01-mismatch.lesson:4: step 1: the trace shows fd = socket(...)" "item 8: it names the file, line, step and call (socket on fd)"
expect_in "$out" "the trace shows recv(fd)" "item 8: recv() on fd, which the code calls on sock"
expect_in "$out" "the trace shows send(conn) (server: send)" "item 8: the lab's send(), which the code does not show"
expect_not_in "$out" "accept" "item 8: the lab's accept() shown in a comment counts"
expect_in "$out" "0 lessons ok, 1 with errors" "item 8: the lesson is counted with errors"
out=$("$bin" check-lessons "$src/lessons"); rc=$?
[ $rc -eq 0 ] && pass "item 8: every shipped lesson passes the check" || fail "item 8: shipped lessons: $out"
# ---- resume, headless: --from N runs the steps before N, shows from N
out=$("$bin" lesson tcp-basics --headless --from 5 2>&1); rc=$?
[ $rc -eq 0 ] && pass "item resume: --from 5 runs" || fail "item resume: --from 5: exit $rc: $out"
expect_in "$out" "(steps 1-4 run first, not shown: --from 5)" "item resume: --from says which steps ran unseen"
expect_not_in "$out" "== step 4/8" "item resume: step 4 is not printed"
printf '%s\n' "$out" > "$tmp/from5"
expect_in "$(step_section "$tmp/from5" 5)" 'call: client: send(fd, "Hello, World!", 13, 0) = 13' \
	"item resume: step 5 is printed, its send() working on the connection steps 1-4 made"
out=$("$bin" lesson tcp-basics --headless --from 9 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--from N goes with" "item resume: --from past the last step is refused with a message" ||
	fail "item resume: --from 9: exit $rc"
finish
