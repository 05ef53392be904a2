#!/bin/sh
# e2e_interop.sh — the lab's servers against real peers: curl for HTTP,
# SMTP and FTP, dig for DNS, each against `sockscope serve PROTO --count N`
# started in the background; checks what the clients got and that each
# server counted exactly what was asked of it and exited by itself.
#
# usage: sh tests/e2e_interop.sh /path/to/sockscope      (exit 77: skipped)
# Every wait is a bounded poll; no fixed sleep synchronises.
. "$(dirname "$0")/lib.sh"
bin=${1:?usage: e2e_interop.sh /path/to/sockscope}
missing=""
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v dig >/dev/null 2>&1 || missing="$missing dig (package dnsutils)"
if [ -n "$missing" ]; then
	echo "SKIP: not installed:$missing"
	exit 77
fi
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# serve PROTO COUNT [-6]: start the server; sets pid, port and out.
serve() {
	if ! start_serve "$bin" "$tmp" "$@"; then
		fail "$1$3: no 'listening' line: $(cat "$out")"
		return 1
	fi
	pass "$1$3 server listening on port $port"
}

# finished PROTO COUNT: the server must exit by itself, having served COUNT.
finished() {
	i=0
	while [ $i -lt 250 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		fail "$1: the server did not stop after its count"
	fi
	wait "$pid"
	rc=$?
	pid=""
	[ $rc -eq 0 ] || fail "$1: serve exited with $rc"
	expect_in "$(cat "$out")" "served $2" "$1: served $2"
}

have_v6=1
"$bin" serve echo-udp -6 --seconds 1 > "$tmp/v6" 2>&1 || have_v6=0

# ---------------------------------------------------------------- HTTP
if serve http 6; then
	u=http://127.0.0.1:$port
	expect_in "$(curl -sS "$u/hello")" "Hello from the sockscope lab" "http: GET /hello"
	h=$(curl -sS -I "$u/hello" | tr -d '\r')
	expect_in "$h" "HTTP/1.1 200 OK" "http: HEAD status"
	expect_in "$h" "Content-Length: 29" "http: HEAD Content-Length"
	expect_in "$h" "Server: sockscope-lab" "http: Server header"
	expect_in "$h" "Date: " "http: Date header"
	expect_in "$(curl -sS --data-binary 'one=1&two=2' "$u/echo")" "one=1&two=2" "http: POST /echo"
	v=$(curl -sS -v "$u/hello" "$u/" 2>&1)
	expect_in "$v" "Re-using existing connection" "http: keep-alive, two URLs on one connection"
	expect_in "$v" "<html>" "http: GET / after /hello"
	expect_in "$(curl -sS -o /dev/null -w '%{http_code}' "$u/nope")" "404" "http: 404"
	finished http 6
fi
if [ $have_v6 = 1 ] && serve http 1 -6; then
	expect_in "$(curl -sS -g "http://[::1]:$port/hello")" "Hello from the sockscope lab" "http -6: GET /hello over ::1"
	finished http-6 1
fi

# ---------------------------------------------------------------- SMTP
printf 'From: alice@example.org\r\nTo: bob@sockscope.test\r\nSubject: lab\r\n\r\nHello over SMTP\r\n.a dot-stuffed line\r\n' > "$tmp/mail.txt"
if serve smtp 1; then
	if v=$(curl -sS -v "smtp://127.0.0.1:$port" --mail-from alice@example.org --mail-rcpt eve@example.com \
	       -T "$tmp/mail.txt" 2>&1); then
		fail "smtp: eve@example.com accepted"
	else
		pass "smtp: curl fails for a recipient outside the lab"
	fi
	expect_in "$v" "< 550 " "smtp: 550 for a recipient outside the lab"
	if v=$(curl -sS -v "smtp://127.0.0.1:$port" --mail-from alice@example.org --mail-rcpt bob@sockscope.test \
	       -T "$tmp/mail.txt" 2>&1); then
		pass "smtp: curl sent the message"
	else
		fail "smtp: curl failed: $v"
	fi
	expect_in "$v" "< 250-SIZE" "smtp: EHLO lists SIZE"
	expect_in "$v" "< 354 " "smtp: DATA answered with 354"
	expect_in "$v" "< 250 OK: queued" "smtp: message accepted"
	finished smtp 1
fi

# ---------------------------------------------------------------- FTP
if serve ftp 3; then
	u=ftp://127.0.0.1:$port
	# first: it transfers nothing, and the server stops after its 3rd transfer
	curl -sS -u lab:wrong "$u/README" > /dev/null 2> "$tmp/err"
	if [ $? -eq 67 ]; then pass "ftp: bad login refused (curl exit 67)"; else fail "ftp: bad login: $(cat "$tmp/err")"; fi
	expect_in "$(curl -sS "$u/hello.txt")" "Hello over FTP's data connection" "ftp: RETR (anonymous, EPSV)"
	l=$(curl -sS "$u/")
	expect_in "$l" "hello.txt" "ftp: LIST shows hello.txt"
	expect_in "$l" "README" "ftp: LIST shows README"
	expect_in "$(curl -sS --list-only --ftp-pasv --disable-epsv -u lab:lab "$u/")" "hello.txt" "ftp: NLST as lab, over PASV"
	finished ftp 3
fi
if [ $have_v6 = 1 ] && serve ftp 1 -6; then
	expect_in "$(curl -sS -g "ftp://[::1]:$port/hello.txt")" "Hello over FTP's data connection" "ftp -6: RETR over EPSV"
	finished ftp-6 1
fi

# ---------------------------------------------------------------- DNS
if serve dns 6; then
	d="dig @127.0.0.1 -p $port +time=2 +tries=2"
	expect_in "$($d lab.sockscope.test A +short)" "127.0.0.1" "dns: A"
	expect_in "$($d lab.sockscope.test AAAA +short)" "::1" "dns: AAAA"
	w=$($d www.lab.sockscope.test A +short)
	expect_in "$w" "lab.sockscope.test." "dns: CNAME"
	expect_in "$w" "127.0.0.1" "dns: address behind the CNAME"
	n=$($d nothing.sockscope.test A)
	expect_in "$n" "status: NXDOMAIN" "dns: NXDOMAIN"
	expect_in "$n" "flags: qr aa" "dns: authoritative NXDOMAIN"
	expect_in "$($d example.com A)" "status: REFUSED" "dns: REFUSED outside the zone"
	expect_in "$($d +tcp lab.sockscope.test A +short)" "127.0.0.1" "dns: A over TCP"
	finished dns 6
fi
if [ $have_v6 = 1 ] && serve dns 1 -6; then
	expect_in "$(dig @::1 -p "$port" +time=2 +tries=2 lab.sockscope.test AAAA +short)" "::1" "dns -6: AAAA over ::1"
	finished dns-6 1
fi
[ $have_v6 = 1 ] || echo "note: no IPv6 loopback here; the ::1 checks were skipped"
finish
