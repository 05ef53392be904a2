"""client.py — lesson 3 (addresses), the learner's side: addresses as text
and as the bytes inet_pton() makes of them, then one connection whose
packets carry those bytes in their IP headers.
Run: python3 client.py HOST PORT  (127.0.0.1 or ::1: the lesson's toggle "ipv6")"""
import socket
import sys


def pton(af, text):
    # one inet_pton() and what it gave; Python raises OSError where C returns 0
    name = 'AF_INET' if af == socket.AF_INET else 'AF_INET6'
    fam = 'IPv4' if af == socket.AF_INET else 'IPv6'
    try:
        b = socket.inet_pton(af, text)
    except OSError:
        print(f'inet_pton({name}, "{text}") = 0 (not a valid {fam} address)')
        return
    print(f'inet_pton({name}, "{text}") = 1: {len(b)} bytes in network order: {b.hex(" ")}')


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
pton(socket.AF_INET, '127.0.0.1')  # [1]
pton(socket.AF_INET, '192.0.2.10')
pton(socket.AF_INET, '256.1.1.1')

pton(socket.AF_INET6, '2001:0db8:0000:0000:0000:0000:0000:0001')  # [2]
pton(socket.AF_INET6, '2001:db8::1')
# RFC 5952's one canonical spelling of many
b = socket.inet_pton(socket.AF_INET6, '2001:0DB8:0:0:0:0:0:0001')
print(f'inet_ntop(AF_INET6, 2001:0DB8:0:0:0:0:0:0001) = "{socket.inet_ntop(socket.AF_INET6, b)}"')
pton(socket.AF_INET6, '::1')
pton(socket.AF_INET6, '1::2::3')

pton(socket.AF_INET, '127.0.0.1')  # [3]
pton(socket.AF_INET, '127.1.2.3')
pton(socket.AF_INET, '127.255.255.254')
pton(socket.AF_INET6, '::ffff:127.0.0.1')

# getaddrinfo() does the inet_pton() for us and says which family the text
# is, so this part runs over IPv4 and IPv6 unchanged
family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,  # [4]
                                           flags=socket.AI_NUMERICHOST)[0]
sock = socket.socket(family, socket.SOCK_STREAM)
sock.connect(addr)
# what C passes as the address's length: a sockaddr_in or a sockaddr_in6
size = 16 if family == socket.AF_INET else 28
print(f'connect({family.name}, {size}-byte address) = 0')

n = sock.send(b'hello\n')  # [5]
print(f'send() = {n}')

sock.close()  # [6]
