"""server.py — lesson 7 (udp), the lab's UDP side: answers the first
datagram with "pong" and then "pong again" (which the client reads a step
later), then reads two datagrams into an 8-byte buffer.
Run: python3 server.py HOST PORT  (PORT 0: the kernel picks; first line out
"listening on PORT")"""
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

data, peer = usock.recvfrom(1024)
print(f'recvfrom() = {len(data)}: "{data.decode()}"')
# whoever sent the datagram is the answer's address
usock.sendto(b'pong', peer)
usock.sendto(b'pong again', peer)

# MSG_TRUNC (Linux): the datagram's real length, not what fitted; the rest
# of it is gone either way.  recvfrom_into() returns that length as is.
buf = bytearray(8)
for i in range(2):
    n, _ = usock.recvfrom_into(buf, 8, socket.MSG_TRUNC)
    if n > 8:
        print(f'recvfrom(8, MSG_TRUNC) = {n}: TRUNCATED: the datagram had {n} bytes, kept "{buf.decode()}"')
    else:
        print(f'recvfrom(8, MSG_TRUNC) = {n}: "{buf[:n].decode()}"')
usock.close()
