"""server.py — lesson 4 (ports), the lab's side: the client's first
connection, then t's, which it reads to its end and closes at once; then
the first to its end.
Run: python3 server.py HOST PORT  (PORT 0: the kernel picks; first line out
"listening on PORT")"""
import ipaddress
import socket
import sys


def finish(name, conn):
    # recv() until the peer's FIN (b''), then close: the server's FIN
    conn.settimeout(30)
    while conn.recv(1024):
        pass
    print(f'{name}: recv() = 0, close()')
    conn.close()


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
listen_fd.listen(2)
listen_fd.settimeout(30)  # bounds accept()
print(f'listening on {listen_fd.getsockname()[1]}', flush=True)

conn, _ = listen_fd.accept()
t2, _ = listen_fd.accept()
finish('t2', t2)
finish('conn', conn)
listen_fd.close()
