# e2e_challenge_upload.sh — challenge 11, upload-client: the reference
# clients in C and Python pass, with --run and started by hand; send()'s
# count ignored (one send, or many) loses bytes that the verdict places;
# an RST and a client that never closes are named.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
sol=$(cd "$(dirname "$0")" && pwd)/challenges
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
if ! "$bin" inspect -i lo --duration 0.1 > /dev/null 2>&1; then
	echo "SKIP: no capture here (the challenges judge what they capture)"; exit 77
fi
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the reference solutions"; exit 77; }
CC=${CC:-cc}
for v in "" WRONG_IGNORE; do
	$CC ${v:+-D$v} -o "$dir/upload$v" "$sol/upload_client.c" 2> "$dir/cc.err" || fail "upload_client.c $v: $(cat "$dir/cc.err")"
done
py="python3 $sol/upload_client.py"
all="all 4194304 bytes arrived in order in"
crc="CRC-32 0x$(python3 -c 'import zlib; print("%08x" % zlib.crc32((bytes(range(251)) * 16712)[:4194304]))'), the body's"
advice="send() returns how many bytes it took, which may be fewer than you gave it"

expect_in "$("$bin" challenge)" "upload-client    not tried" "the list has the upload client"
chal_check upload-client "$py ok" 0 "result: PASS" "ok    $all" "(the lab read slowly, pausing 3 times): $crc" \
	"ok    it closed the connection with FIN"
chal_check upload-client "$dir/upload" 0 "result: PASS" "ok    $all"
chal_waiting upload-client "$dir/upload" 0 "result: PASS" "ok    $all" \
	"note  run in another terminal, the lab cannot see how your program exited"
# one send() of the whole body: what it did not take never went
chal_check upload-client "$py send" 1 "of the 4194304 bytes arrived, all right, then it closed the connection" \
	"never came. $advice"
# send() of 64 kB pieces, each count ignored: a hole after the first partial send
for cmd in "$py chunks" "$dir/uploadWRONG_IGNORE"; do
	chal_check upload-client "$cmd" 1 "bytes arrived right; then came the body's bytes from" "were never sent. $advice"
done
chal_waiting upload-client "$py chunks" 1 "were never sent. $advice"
chal_check upload-client "$py rst" 1 "ok    $all" "FAIL  it reset the connection (RST"
if chal_namespace; then
	CHAL_CAPTURE=namespace chal_check upload-client "$dir/upload" 0 "result: PASS" "ok    $all"
	CHAL_CAPTURE=namespace chal_check upload-client "$py chunks" 1 "were never sent. $advice"
fi
CHAL_DIR=$dir/short; mkdir -p "$CHAL_DIR"
sed 's/^seconds: .*/seconds: 5/' "$sol/../../challenges/11-upload-client.challenge" > "$CHAL_DIR/11-upload-client.challenge"
chal_check upload-client "$py noclose" 1 "ok    $all" "FAIL  it never closed the connection: " \
	"your program: still running after 5 s: stopped"
chal_check upload-client "true" 1 "FAIL  nothing connected to 127.0.0.1 port"
CHAL_DIR=""
finish
