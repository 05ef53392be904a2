# e2e_loopback_only.sh — every lesson, over IPv4 and IPv6, while a sampler
# (tests/loopback_sockets.py) lists the sockets of sockscope and of every
# process it starts: none is bound to an address outside 127.0.0.0/8 or
# ::1, and each run was seen to have sockets (so the sampler did look).
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed"; exit 77; }
here=$(dirname "$0")
total=0
for id in $("$bin" list | awk '{print $2}'); do
	for fam in 4 6; do
		# a short run on a busy machine may end between two samples: up to 3 tries to see its sockets
		try=0; rc=2
		while [ $rc -eq 2 ] && [ $try -lt 3 ]; do
			out=$(python3 "$here/loopback_sockets.py" "$bin" lesson "$id" --headless -$fam --timeout-cap=2); rc=$?
			try=$((try + 1))
		done
		n=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) sockets seen, .*/\1/p')
		case $rc in
		0) pass "$id IPv$fam: $n sockets, all on the loopback"; total=$((total + n)) ;;
		2)
			if "$bin" lesson "$id" --headless -$fam --timeout-cap=2 | grep -q '^call: '; then
				fail "$id IPv$fam: no socket seen"
			else
				pass "$id IPv$fam: no socket calls in this lesson"
			fi ;;
		*) printf '%s\n' "$out" | grep -E '^BAD|sockets seen'; fail "$id IPv$fam: exit $rc" ;;
		esac
	done
done
echo "$total sockets seen in all"
finish
