# e2e_tshark.sh — sockscope's decoding agrees with tshark's, field by field.
# Real traffic on loopback (a lesson run saved with --write; curl against
# `sockscope serve http|smtp|ftp`, dig against `sockscope serve dns`, each
# recorded by tcpdump) and hand-built captures of what loopback cannot
# produce (tests/tshark_pcaps.py: VLAN, ARP, fragments, IPv6 extension
# headers, ICMP errors, TLS hellos, DHCP, TCP analysis cases) are decoded
# by tests/tshark_fields (ours, as tshark-named facts) and by
# `tshark -T fields`; tests/tshark_compare.py prints every disagreement.
# Compared: every field both decode (tshark's names: ip.*, ipv6.*,
# tcp.* with options, relative seq/ack and checksum status, udp.*, icmp*,
# arp.*, vlan/802.1ad, dns.*, http.*, tls.*, dhcp.*) and the TCP analysis
# findings (retransmission, out-of-order, lost segment, duplicate ACK and
# its number, zero window, window update, keep-alive) as one list per
# packet.  tshark is told to verify IP/TCP/UDP checksums.  Loopback traffic
# is recorded with tcpdump --immediate-mode (without it a short capture
# may stay in the kernel's buffer).  Exits 77 when tshark or python3 is
# missing.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")" && pwd)
helper=$(dirname "$bin")/tests/tshark_fields
[ -x "$helper" ] || helper=./tshark_fields
for t in tshark python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
done
[ -x "$helper" ] || { echo "SKIP: no tshark_fields helper next to $bin"; exit 77; }
dir=$(mktemp -d)
pid=""; tpid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$tpid" ] && kill "$tpid" 2>/dev/null; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM HUP
export TZ=UTC

# compare PCAP [TSHARK OPTION...]
compare() {
	python3 "$src/tshark_compare.py" "$helper" "$@"
	case $? in
	0) pass "$(basename "$1") agrees with tshark" ;;
	2) fail "$(basename "$1"): nothing to compare (an empty capture?)" ;;
	*) fail "$(basename "$1") disagrees with tshark (see above)" ;;
	esac
}

# ------------------------------------------------------ hand-built files
python3 "$src/tshark_pcaps.py" "$dir" || fail "tshark_pcaps.py failed"
for f in vlan arp ipv4frag ipv6ext icmp tls dhcp tcpanalysis; do
	compare "$dir/$f.pcap"
done
# link layers and encapsulations (tests/tshark_links.py): PPP, Cisco HDLC,
# Frame Relay, ARCNET, IPNET, IPoIB; MPLS, PPPoE, MACsec over Ethernet;
# IP in IP, GRE, ERSPAN, VXLAN, Geneve, NSH; NFLOG, pflog, 802.11, radiotap, PPI;
# PKTAP; Juniper's header before Ethernet, PPP, C-HDLC, Frame Relay;
# IEEE 802.15.4 with 6LoWPAN (uncompressed and IPHC)
python3 "$src/tshark_links.py" "$dir" || fail "tshark_links.py failed"
for f in ppp ppp_hdlc chdlc frelay arcnet ipnet ipoib encap tunnels nflog pflog wifi radiotap ppi pktap \
	jnx_ether jnx_ppp jnx_chdlc jnx_frelay wpan; do
	compare "$dir/$f.pcap"
done
# protocols past the basics (tests/tshark_protos.py): NTP, DHCPv6, OSPF, BGP, SCTP, VRRP, SIP, SNMP, QUIC, RTCP
python3 "$src/tshark_protos.py" "$dir" || fail "tshark_protos.py failed"
for f in ntp dhcp6 ospf bgp vrrp sip snmp quic; do
	compare "$dir/$f.pcap"
done
compare "$dir/sctp.pcap" -o sctp.checksum:CRC-32C   # tshark checks SCTP's CRC only when told
compare "$dir/rtcp.pcap" -d udp.port==5005,rtcp      # and decodes RTCP only where told (no port of its own)

# --------------------------------------------------------- real traffic
if "$bin" lesson tcp-basics --headless --write "$dir/lesson.pcap" > "$dir/lesson.out" 2>&1 &&
   [ -s "$dir/lesson.pcap" ]; then
	compare "$dir/lesson.pcap"
else
	echo "note: the lesson run captured nothing here: $(tail -1 "$dir/lesson.out")"
fi

# serve PROTO COUNT [-6]: start a lab server; sets pid and port.
serve() {
	if ! start_serve "$bin" "$dir" "$@"; then
		[ "$3" = -6 ] && { echo "note: no ::1 here: $(cat "$out")"; return 1; }
		fail "$1: no 'listening' line: $(cat "$out")"
		return 1
	fi
}
# record FILE FILTER: tcpdump on lo in the background; sets tpid.  Without
# --immediate-mode packets wait in the kernel's ring buffer and a short
# capture may end with none written.
record() {
	: > "$dir/tcpdump.err"
	tcpdump -i lo --immediate-mode -U -w "$1" "$2" > "$dir/tcpdump.err" 2>&1 &
	tpid=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q "listening on" "$dir/tcpdump.err"; do sleep 0.1; i=$((i + 1)); done
}
# stop: end the server (if still there) and tcpdump, bounded.
stop() {
	sleep 0.3
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
	kill -INT "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null; tpid=""
}

if ! command -v tcpdump >/dev/null 2>&1 || ! tcpdump -D 2>/dev/null | grep -q '\blo\b'; then
	echo "note: no tcpdump on lo here: the server traffic is not recorded"
	finish
fi
if command -v curl >/dev/null 2>&1 && serve http 3; then
	record "$dir/http.pcap" "tcp port $port"
	curl -sS -o /dev/null "http://127.0.0.1:$port/hello"
	curl -sS -o /dev/null --data-binary 'one=1&two=2' "http://127.0.0.1:$port/echo"
	curl -sS -o /dev/null "http://127.0.0.1:$port/nope"
	stop
	compare "$dir/http.pcap" -d "tcp.port==$port,http"
fi
# The same over ::1 (when the host has IPv6 loopback): checksums over the
# IPv6 pseudo-header.
if command -v curl >/dev/null 2>&1 && serve http 1 -6; then
	record "$dir/http6.pcap" "tcp port $port"
	curl -sS -g -o /dev/null "http://[::1]:$port/hello"
	stop
	compare "$dir/http6.pcap" -d "tcp.port==$port,http"
fi
# ICMP errors from the kernel: UDP to a port nobody listens on (a lab
# server's port, just closed), over 127.0.0.1 and ::1.
if serve echo-udp 1; then
	closed=$port
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
	record "$dir/icmperr.pcap" "icmp or icmp6 or udp port $closed"
	python3 -c "
import socket, sys
for fam, addr in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
    try:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.sendto(b'anyone there?', (addr, int(sys.argv[1])))
    except OSError:
        pass
" "$closed"
	stop
	compare "$dir/icmperr.pcap"
fi
if command -v dig >/dev/null 2>&1 && serve dns 4; then
	record "$dir/dns.pcap" "port $port"
	d="dig @127.0.0.1 -p $port +time=2 +tries=1"
	$d lab.sockscope.test A > /dev/null
	$d lab.sockscope.test AAAA > /dev/null
	$d www.lab.sockscope.test A > /dev/null
	$d +tcp nothing.sockscope.test A > /dev/null
	stop
	compare "$dir/dns.pcap" -d "udp.port==$port,dns" -d "tcp.port==$port,dns"
fi
if command -v curl >/dev/null 2>&1 && serve smtp 1; then
	record "$dir/smtp.pcap" "tcp port $port"
	printf 'Subject: hi\r\n\r\nHello.\r\n' > "$dir/mail.txt"
	curl -sS "smtp://127.0.0.1:$port" --mail-from alice@example.org --mail-rcpt bob@sockscope.test \
		--upload-file "$dir/mail.txt" > /dev/null 2>&1
	stop
	compare "$dir/smtp.pcap" -d "tcp.port==$port,smtp"
fi
if command -v curl >/dev/null 2>&1 && serve ftp 1; then
	# The data connection's port is known only from the 229 reply: record
	# all TCP on lo, then keep the two connections.
	record "$dir/ftpall.pcap" "tcp and host 127.0.0.1"
	curl -sS -o /dev/null "ftp://127.0.0.1:$port/hello.txt"
	stop
	tcpdump -r "$dir/ftpall.pcap" -w "$dir/ftpctl.pcap" "tcp port $port" 2>/dev/null
	dport=$("$bin" inspect "$dir/ftpctl.pcap" --print | sed -n 's/.*FTP: 229 [^(]*(|||\([0-9]*\)|).*/\1/p' | head -1)
	if [ -n "$dport" ]; then
		tcpdump -r "$dir/ftpall.pcap" -w "$dir/ftp.pcap" "tcp port $port or tcp port $dport" 2>/dev/null
		compare "$dir/ftp.pcap" -d "tcp.port==$port,ftp" -d "tcp.port==$dport,ftp-data"
	else
		fail "ftp: no 229 reply in the capture"
	fi
fi
finish
