"""server.py — lesson 10 (performance), the lab's side: reads the small
writes, the corked ones and the MSG_MORE ones whole (MSG_WAITALL); then,
with a small receive buffer, takes a second connection and stops reading
it, reads it once, and closes it with data unread.
Run: python3 server.py HOST PORT  (PORT 0: the kernel picks; first line out
"listening on PORT")"""
import ipaddress
import socket
import struct
import sys
import time


def recvall(conn, n):
    data = conn.recv(n, socket.MSG_WAITALL)
    print(f'recv({n}, MSG_WAITALL) = {len(data)}: "{data[:15].decode()}..."')
    if len(data) != n:
        sys.exit(1)


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,
                                           flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)[0]
# who may reach this server: this machine only (the lab's rule; a
# wildcard or a real interface's address is refused, not bound)
if not ipaddress.ip_address(addr[0]).is_loopback:
    sys.exit(f'{sys.argv[1]} is not a loopback address (127.0.0.0/8, ::1)')
listen_sock = socket.socket(family, socket.SOCK_STREAM)
# before listen() (tcp(7)): accepted sockets inherit it, and the window
# scale of their handshake is computed from it
listen_sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
listen_sock.bind(addr)
listen_sock.listen(2)
listen_sock.settimeout(30)  # bounds accept()
print(f'listening on {listen_sock.getsockname()[1]}', flush=True)


def accept():
    # blocking, bounded by SO_RCVTIMEO: settimeout() would make the socket
    # non-blocking, and MSG_WAITALL return what is there
    c, _ = listen_sock.accept()
    c.settimeout(None)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 30, 0))
    return c


conn = accept()
recvall(conn, 500)
recvall(conn, 100)
recvall(conn, 43)

print(f'SO_RCVBUF 4096: getsockopt() = {listen_sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}')
zc = accept()
# the slow reader: the client fills our 4 KiB window and its own send
# buffer in milliseconds, and waits a second before it reads again
time.sleep(2)
data = zc.recv(65536)  # [9]
print(f'zc: recv() = {"> 0: the window opens" if data else "nothing"}')
zc.close()  # with bytes unread: RST

while conn.recv(65536):
    pass
conn.close()
listen_sock.close()
