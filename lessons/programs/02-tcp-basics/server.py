"""server.py — lesson 2 (tcp-basics), the other side: the lab's scripted
server.  It greets each client unless --silent (the lesson's toggle
"silent"), reads until the client closes, and after two connections exits.
Run: python3 server.py HOST PORT [--silent]  (PORT 0: the kernel picks; the
first line out is "listening on PORT")"""
import ipaddress
import socket
import sys

GREETING = b'Welcome to the sockscope lab!\r\n'


def drain(conn):
    # every recv() is bounded by the socket's timeout: a client that never
    # closes cannot hold us
    while data := conn.recv(1024):
        print(f'server recv() = {len(data)}: "{data.decode("latin-1")}"')
    print('server recv() = 0: end of stream')


silent = sys.argv[3:] == ['--silent']
if len(sys.argv) != 3 and not silent:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT [--silent]')
family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,
                                           flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)[0]
# who may reach this server: this machine only (the lab's rule; a
# wildcard or a real interface's address is refused, not bound)
if not ipaddress.ip_address(addr[0]).is_loopback:
    sys.exit(f'{sys.argv[1]} is not a loopback address (127.0.0.0/8, ::1)')
listen_fd = socket.socket(family, socket.SOCK_STREAM)
listen_fd.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listen_fd.bind(addr)
listen_fd.listen(8)
# accept() and every recv() give up after a minute: the lesson's client
# waits at most 30 s for the greeting it never gets
listen_fd.settimeout(60)
print(f'listening on {listen_fd.getsockname()[1]}', flush=True)

conn, _ = listen_fd.accept()
conn.settimeout(60)
if not silent:
    conn.sendall(GREETING)
drain(conn)
conn.close()

# the fixed client speaks first: HELLO, then our greeting
c2, _ = listen_fd.accept()
c2.settimeout(60)
data = c2.recv(1024)
if not data:
    sys.exit('server: no HELLO')
print(f'server recv() = {len(data)}')
c2.sendall(GREETING)
drain(c2)
c2.close()
listen_fd.close()
