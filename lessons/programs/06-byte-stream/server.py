"""server.py — lesson 6 (byte-stream), the reader: one connection read as
the lesson's steps read it — whatever recv() returns, a small buffer,
MSG_WAITALL, a length prefix, lines — to the end of the stream.
Run: python3 server.py HOST PORT  (PORT 0: the kernel picks; first line out
"listening on PORT")

Each part reads exactly the bytes its step's sends wrote, never past them:
the next step's bytes may be in the stream already, and a recv() that took
them would steal them from the next part."""
import ipaddress
import socket
import struct
import sys


def show(what, data):
    print(f'{what} = {len(data)}: "{data.decode("latin-1").encode("unicode_escape").decode()}"')


def recvall(conn, n):
    # MSG_WAITALL: n bytes, or fewer only at the end of the stream or the timeout
    data = conn.recv(n, socket.MSG_WAITALL)
    if len(data) != n:
        sys.exit(f'recv({n}, MSG_WAITALL) = {len(data)}')
    return data


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,
                                           flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)[0]
# who may reach this server: this machine only (the lab's rule; a
# wildcard or a real interface's address is refused, not bound)
if not ipaddress.ip_address(addr[0]).is_loopback:
    sys.exit(f'{sys.argv[1]} is not a loopback address (127.0.0.0/8, ::1)')
listen_fd = socket.socket(family, socket.SOCK_STREAM)
listen_fd.bind(addr)
listen_fd.listen(1)
listen_fd.settimeout(30)  # bounds accept()
print(f'listening on {listen_fd.getsockname()[1]}', flush=True)
conn, _ = listen_fd.accept()
# Not settimeout(): Python implements it with a non-blocking socket, on
# which MSG_WAITALL returns what is there.  SO_RCVTIMEO bounds a blocking one.
conn.settimeout(None)
conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 30, 0))

# three sends; how many recv() calls they take depends on what had arrived:
# usually one, when all three are here
got = b''
while len(got) < 13:
    data = conn.recv(13 - len(got))  # [3]
    if not data:
        sys.exit('server: the stream ended early')
    show('recv()', data)
    got += data

# an 8-byte buffer for a 20-byte message: 8, 8, then 4
got = 0
while got < 20:
    chunk = conn.recv(min(8, 20 - got))
    if not chunk:
        sys.exit('server: the stream ended early')
    show('recv(8)', chunk)
    got += len(chunk)

show('recv(20, MSG_WAITALL)', recvall(conn, 20))

for i in range(2):
    (length,) = struct.unpack('!H', recvall(conn, 2))
    print(f'message of {length} bytes: ', end='')
    show('recv()', recvall(conn, length))

# lines: keep what follows the last newline for the next recv()
pending = b''
lines = 0
while lines < 3:
    data = conn.recv(1024)
    if not data:
        sys.exit('server: the stream ended inside a line')
    show('recv()', data)
    pending += data
    while b'\n' in pending:
        line, pending = pending.split(b'\n', 1)
        print(f'line: "{line.decode()}"')
        lines += 1

data = conn.recv(1024)
print(f'recv() = {len(data)}{" (end of stream)" if not data else ""}')
conn.close()
listen_fd.close()
sys.exit(0 if not data else 1)
