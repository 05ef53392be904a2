"""client.py — lesson 1 (stream-vs-datagram), the learner's side: the same
ping/pong over a TCP connection and as UDP datagrams.
Run: python3 client.py HOST TCP_PORT UDP_PORT  (server_tcp's and server_udp's ports)"""
import socket
import sys

if len(sys.argv) != 4:
    sys.exit(f'usage: {sys.argv[0]} HOST TCP_PORT UDP_PORT')
# A numeric host is only parsed (nothing on the wire); its form picks IPv4
# or IPv6, so the program runs over ::1 unchanged.
family, _, _, _, tcp_addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,
                                               flags=socket.AI_NUMERICHOST)[0]
udp_addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[3]), type=socket.SOCK_DGRAM,
                              flags=socket.AI_NUMERICHOST)[0][4]

tcp = socket.socket(family, socket.SOCK_STREAM)  # [1]
tcp.connect(tcp_addr)
print('connect() = 0')

# two calls, two messages as we see them; the stream keeps only the bytes
print(f"send() = {tcp.send(b'ping ')}")  # [2]
print(f"send() = {tcp.send(b'pong!')}")

udp = socket.socket(family, socket.SOCK_DGRAM)  # [4]
print(f"sendto() = {udp.sendto(b'ping ', udp_addr)}")
print(f"sendto() = {udp.sendto(b'pong!', udp_addr)}")

# UDP promises nothing: without a timeout a lost answer would block this
# recvfrom() for ever
udp.settimeout(30)
data, peer = udp.recvfrom(1024)  # [6]
print(f'recvfrom() = {len(data)}: "{data.decode()}"')
udp.close()
tcp.close()
