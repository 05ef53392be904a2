"""server_udp.py — lesson 1 (stream-vs-datagram), the lab's UDP side: two
datagrams in, one answer to whoever sent the last.
Run: python3 server_udp.py HOST PORT  (PORT 0: the kernel picks; first line
out "listening on PORT")"""
import ipaddress
import socket
import sys

if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_DGRAM,
                                           flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)[0]
# who may reach this server: this machine only (the lab's rule; a
# wildcard or a real interface's address is refused, not bound)
if not ipaddress.ip_address(addr[0]).is_loopback:
    sys.exit(f'{sys.argv[1]} is not a loopback address (127.0.0.0/8, ::1)')
usock = socket.socket(family, socket.SOCK_DGRAM)
usock.bind(addr)
usock.settimeout(30)  # a datagram that never comes
print(f'listening on {usock.getsockname()[1]}', flush=True)

for i in range(2):
    data, peer = usock.recvfrom(1024)  # [5]
    print(f'recvfrom() = {len(data)}: "{data.decode()}"')
# no connection to answer on: the address recvfrom() gave is it
usock.sendto(b'PONG', peer)
usock.close()
