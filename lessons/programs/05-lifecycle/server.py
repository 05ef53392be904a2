"""server.py — lesson 5 (lifecycle), the lab's side: answers TIME? with the
time, stays silent before it, sends once more after the client's FIN, then
closes; to a second connection it sends what nobody will read.
Run: python3 server.py HOST PORT  (PORT 0: the kernel picks; first line out
"listening on PORT")"""
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

conn, _ = listen_fd.accept()
conn.settimeout(30)
if conn.recv(1024) != b'TIME?\n':
    sys.exit('server: expected TIME?')
conn.sendall(b'12:00\n')
print(f'conn: recv() = {len(conn.recv(1024))} (end of stream: the client\'s FIN)')
conn.sendall(b'still here\n')  # half-closed: our direction is still open
conn.close()

s2, _ = listen_fd.accept()
s2.settimeout(30)
s2.sendall(b'unread data\n')
try:
    print(f's2: recv() = {len(s2.recv(1024))} (expected ECONNRESET)')
except ConnectionResetError:
    print('s2: recv() = -1 ECONNRESET')
s2.close()
listen_fd.close()
