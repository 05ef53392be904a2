"""client.py — lesson 7 (udp), the learner's side: a connected datagram
socket, the ICMP error a closed port sends back and who is told of it, a
connected socket ignoring strangers, and a datagram cut short.
Run: python3 client.py HOST PORT [--recverr]  (PORT: the server's UDP port;
--recverr is the lesson's toggle: IP_RECVERR on the unconnected socket)"""
import socket
import struct
import sys

# Linux's values; the socket module does not name them
IP_RECVERR, IPV6_RECVERR = 11, 25


def err_name(e):
    return {ConnectionRefusedError: 'ECONNREFUSED', TimeoutError: 'EAGAIN'}.get(type(e), str(e))


def try_recv(name, s):
    # one recv() and what it gave, bounded by the socket's timeout
    try:
        data = s.recv(1024)
        print(f'{name}: recv() = {len(data)}: "{data.decode()}"')
    except OSError as e:
        print(f'{name}: recv() = -1 {err_name(e)}')


recverr = sys.argv[3:] == ['--recverr']
if len(sys.argv) != 3 and not recverr:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT [--recverr]')
af, _, _, _, udp_addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_DGRAM,
                                           flags=socket.AI_NUMERICHOST)[0]
# A port where nobody listens: one the kernel gave us a moment ago and we
# let go.  (Another program could take it meanwhile; on a test machine's
# loopback that is unlikely, and it would show.)
with socket.socket(af, socket.SOCK_DGRAM) as tmp:
    tmp.bind((sys.argv[1], 0))
    closed_addr = tmp.getsockname()

fd = socket.socket(af, socket.SOCK_DGRAM)  # [1]
fd.connect(udp_addr)
print('connect() = 0 (nothing sent: the kernel only records the peer)')
fd.settimeout(30)  # UDP promises nothing: a lost answer must not block for ever

print(f"send() = {fd.send(b'ping')}")  # [2]
try_recv('fd', fd)

c = socket.socket(af, socket.SOCK_DGRAM)  # [3]
c.connect(closed_addr)
c.settimeout(30)
print(f"c: send() = {c.send(b'anyone there?')} (bytes handed to the kernel)")
try_recv('c', c)

u = socket.socket(af, socket.SOCK_DGRAM)  # [4]
# SO_RCVTIMEO, as in C: the socket stays blocking and recvfrom() fails
# with EAGAIN (settimeout() would poll() instead and raise TimeoutError)
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 1, 0))
if recverr:
    if af == socket.AF_INET6:
        u.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
    else:
        u.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
print(f"u: sendto() = {u.sendto(b'anyone there?', closed_addr)}")
try:
    data, _ = u.recvfrom(1024)
    print(f'u: recvfrom() = {len(data)}')
except BlockingIOError:
    print('u: recvfrom() = -1 EAGAIN (the receive timeout expired)')
except OSError as e:
    print(f'u: recvfrom() = -1 {err_name(e)}')

# a stranger: another socket, aimed at fd's own address and port
x = socket.socket(af, socket.SOCK_DGRAM)  # [5]
x.connect(fd.getsockname())
x.settimeout(30)
print(f"x: send() = {x.send(b'psst')}")
try_recv('x', x)
try_recv('fd', fd)  # what the server sent meanwhile

print(f"send() = {fd.send(b'0123456789abcdefghij')}")  # [6]
print(f"send() = {fd.send(b'next')}")

fd.close()  # [7]
c.close()
u.close()
x.close()
