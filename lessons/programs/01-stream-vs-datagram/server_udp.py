"""server_udp.py — lesson 1 (stream-vs-datagram), the lab's UDP side: two
datagrams in, one answer to whoever sent the last.
Run: python3 server_udp.py HOST PORT  (PORT 0: the kernel picks; first line
out "listening on PORT")"""
import socket
import sys

if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_DGRAM,
                                           flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)[0]
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
