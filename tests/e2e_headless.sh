# e2e_headless.sh — run the tcp-basics lesson headless over IPv4 and IPv6
# with a real capture and check every packet is attributed to the call
# that caused it.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_tcp_basics.sh"
bin=$1
out=$(mktemp); trap 'rm -f "$out"' EXIT

for fam in 4 6; do
	host=127.0.0.1; [ $fam = 6 ] && host=::1
	echo "--- IPv$fam"
	if ! "$bin" lesson tcp-basics --headless -$fam > "$out" 2>&1; then
		cat "$out"; fail "IPv$fam: sockscope exited with an error"; continue
	fi
	cat "$out"
	expect_in "$(cat "$out")" "run over: IPv$fam, lab server $host port" "runs over IPv$fam"
	expect_not_in "$(cat "$out")" "capture: none" "a capture was obtained"
	check_tcp_basics "$out" "$host"
	# addresses in the packet list are of the right family
	if [ $fam = 6 ]; then
		expect_in "$(step_section "$out" 3)" "[::1]:" "IPv6 packets show [::1]:port"
	else
		expect_in "$(step_section "$out" 3)" "127.0.0.1:" "IPv4 packets show 127.0.0.1:port"
	fi
done
finish
