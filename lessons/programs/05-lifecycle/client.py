"""client.py — lesson 5 (lifecycle), the learner's side: a connection from
socket() to TIME_WAIT — a receive timeout, a request and its reply, a
half-close — and a second connection closed with unread data (RST).
Run: python3 client.py HOST PORT  (127.0.0.1 or ::1: the lesson's toggle "ipv6")"""
import select
import socket
import struct
import sys


def show(what, data):
    # latin-1 keeps every byte; unicode_escape writes \n as the lab does
    print(f'{what} = {len(data)}: "{data.decode("latin-1").encode("unicode_escape").decode()}"')


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
af, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,
                                       flags=socket.AI_NUMERICHOST)[0]

fd = socket.socket(af, socket.SOCK_STREAM)  # [1]

fd.connect(addr)  # [2]
print('connect() = 0')

# SO_RCVTIMEO, as in C: the socket stays blocking and recv() fails with
# EAGAIN (settimeout() would poll() instead and raise TimeoutError)
fd.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 1, 0))  # [3]
try:
    fd.recv(1024)
    sys.exit('recv(): the server should have been silent')
except BlockingIOError:
    print('recv() = -1 EAGAIN: 1 s passed, nothing came')

fd.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 10, 0))  # [4]
fd.sendall(b'TIME?\n')
show('recv()', fd.recv(1024))

# "I will send no more"; the socket stays open for reading
fd.shutdown(socket.SHUT_WR)  # [5]
print('shutdown(SHUT_WR) = 0')

show('recv()', fd.recv(1024))  # [6]

data = fd.recv(1024)  # [7]
print(f'recv() = {len(data)}{" (end of stream: the server closed)" if not data else ""}')
fd.close()  # we sent the first FIN: TIME_WAIT is ours

c2 = socket.create_connection(addr[:2], timeout=30)  # [8]
# wait until the server's bytes are here, without reading them: a close()
# before they arrived would be an ordinary FIN
if not select.select([c2], [], [], 30)[0]:
    sys.exit('c2: nothing arrived')
print('c2: data waiting, left unread')

# unread bytes: the kernel resets the connection
c2.close()  # [9]
print('close(c2) = 0')
