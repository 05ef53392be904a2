"""server_tcp.py — lesson 1 (stream-vs-datagram), the lab's TCP side: one
connection, whose two sends it reads as the one byte stream they are.
Run: python3 server_tcp.py HOST PORT  (PORT 0: the kernel picks; first line
out "listening on PORT")"""
import ipaddress
import socket
import sys

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
conn.settimeout(30)
# One recv() gets both sends when both have arrived; when the second is
# still on its way it gets the first only.  A stream reader loops until it
# has what it waits for, and never counts on the sender's calls.
got = b''
while len(got) < 10:
    data = conn.recv(1024)  # [3]
    if not data:
        sys.exit('server: the stream ended early')
    print(f'recv() = {len(data)}: "{data.decode()}"')
    got += data
print(f'recv() = {len(conn.recv(1024))}')  # 0: the client's FIN, the end of the stream
conn.close()
listen_fd.close()
