"""server.py — lesson 3 (ports), the lab's side: the client's first
connection, then t's, which it reads to its end and closes at once; then
the first to its end.
Run: python3 server.py HOST PORT  (PORT 0: the kernel picks; first line out
"listening on PORT")"""
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
