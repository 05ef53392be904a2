"""server.py — lesson 3 (addresses), the lab's side: one connection, read
until the client closes.  It binds the address it is given, so the same
program serves over IPv4 or IPv6.
Run: python3 server.py HOST PORT  (PORT 0: the kernel picks; first line out
"listening on PORT")"""
import ipaddress
import socket
import sys


def show(what, data):
    print(f'{what} = {len(data)}: "{data.decode("latin-1").encode("unicode_escape").decode()}"')


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

conn, peer = listen_fd.accept()
conn.settimeout(30)  # bounds every recv()
while data := conn.recv(1024):
    show('recv()', data)
print('recv() = 0: end of stream')
conn.close()
listen_fd.close()
