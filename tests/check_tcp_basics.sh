# check_tcp_basics.sh — assertions on a headless run of the tcp-basics
# lesson, shared by the IPv4, IPv6 and unprivileged tests.
# Usage (sourced after lib.sh): check_tcp_basics OUTPUT_FILE CLIENT_ADDR
check_tcp_basics() {
	out=$1 host=$2
	s1=$(step_section "$out" 1); s2=$(step_section "$out" 2); s3=$(step_section "$out" 3)
	s4=$(step_section "$out" 4); s5=$(step_section "$out" 5); s6=$(step_section "$out" 6)

	expect_in "$s1" "packets: 0" "socket() puts nothing on the wire"
	expect_in "$s2" "packets: 0" "setsockopt() puts nothing on the wire"
	expect_in "$s2" "SO_RCVTIMEO" "step 2 shows the SO_RCVTIMEO call"

	# connect(): exactly the three-way handshake
	expect_in "$s3" "packets: 3" "connect() caused 3 packets"
	expect_in "$s3" "Flags [S], seq 0," "SYN attributed to connect()"
	expect_in "$s3" "Flags [S.], seq 0, ack 1," "SYN/ACK attributed to connect()"
	expect_in "$s3" "Flags [.], ack 1," "ACK attributed to connect()"
	expect_in "$s3" "mss " "the SYN carries an MSS option"
	expect_in "$s3" "call: client: connect(fd, {$host, port" "connect() outcome shown"
	for n in 1 2 4 5 6; do
		expect_not_in "$(step_section "$out" $n)" "Flags [S" "no SYN outside connect() (step $n)"
	done

	# recv(): the greeting and its ACK
	expect_in "$s4" "data: 31 bytes \"Welcome to the sockscope lab!\\r\\n\"" "the greeting's bytes attributed to recv()"
	expect_in "$s4" "Flags [P.], seq 1:32, ack 1," "greeting segment with relative seq 1:32"
	expect_in "$s4" "Flags [.], ack 32," "the client ACKs the greeting in recv()'s step"
	expect_in "$s4" "= 31: \"Welcome to the sockscope lab!\\r\\n\"" "recv() returned the greeting"

	# send(): "Hello, World!" itself
	expect_in "$s5" "data: 13 bytes \"Hello, World!\"" "the bytes of Hello, World! attributed to send()"
	expect_in "$s5" "Flags [P.], seq 1:14, ack 32, " "data segment seq 1:14"
	expect_in "$s5" "Flags [.], ack 14," "the server ACKs the 13 bytes"
	expect_not_in "$s4" "Hello, World!" "Hello, World! is not in recv()'s step"

	# close(): FIN in both directions, and the last ACK
	fins=$(count_in "$s6" "Flags [F")
	[ "$fins" -eq 2 ] && pass "close(): two FINs" || fail "close(): expected 2 FINs, saw $fins"
	expect_in "$s6" "Flags [F.], seq 14, ack 32," "client FIN after its 13 bytes"
	expect_in "$s6" "Flags [F.], seq 32, ack 15," "server FIN acknowledging the client's FIN"
	expect_in "$s6" "Flags [.], ack 33," "the client ACKs the server's FIN"
	for n in 1 2 3 4 5; do
		expect_not_in "$(step_section "$out" $n)" "Flags [F" "no FIN outside close() (step $n)"
	done
	expect_not_in "$(cat "$out")" "UNATTRIBUTED" "every step's end marker was captured"
	expect_not_in "$(cat "$out")" "packet of between steps" "no packet fell between steps"
}
