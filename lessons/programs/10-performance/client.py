"""client.py — lesson 10 (performance), the learner's side: a non-blocking
recv(), Nagle's algorithm (and --nodelay, the lesson's toggle), TCP_CORK and
MSG_MORE, big writes against small ones measured, and a sender stopped by a
reader that does not read (the zero window).
Run: python3 client.py HOST PORT [--nodelay]"""
import socket
import sys
import threading
import time


def measure(t, total, size):
    # total bytes in writes of size each, for at most 3 s: the rate is what
    # the lesson shows, and a slow machine must not make it a hang
    chunk, sent, calls, start = bytes(size), 0, 0, time.monotonic()
    while sent < total and time.monotonic() - start < 3:
        sent += t.send(chunk)
        calls += 1
    secs = max(time.monotonic() - start, 1e-9)
    print(f'{sent / 1048576:.1f} MiB in {calls} send() calls of {size} bytes: {sent / 1048576 / secs:.0f} MiB/s'
          + (' (stopped after 3 s)' if sent < total else ''))


def drain(listener):
    # the sink: a reader that only reads, to the end
    listener.settimeout(30)
    c, _ = listener.accept()
    c.settimeout(30)
    while c.recv(65536):
        pass
    c.close()


nodelay = sys.argv[3:] == ['--nodelay']
if len(sys.argv) != 3 and not nodelay:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT [--nodelay]')
af, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,
                                       flags=socket.AI_NUMERICHOST)[0]

sock = socket.socket(af, socket.SOCK_STREAM)  # [1]
sock.connect(addr)
sock.setblocking(False)
try:
    sock.recv(1024)
    sys.exit('recv(): expected EAGAIN')
except BlockingIOError:
    print('recv() = -1 EAGAIN: nothing to read yet, and the socket does not wait')

if nodelay:  # [2]
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(50):
    if sock.send(b'0123456789') != 10:
        sys.exit('send: short')
print(f'50 calls, 500 bytes{" (TCP_NODELAY)" if nodelay else ""}')

# corked, TCP sends only full segments; uncorking sends the rest
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)  # [3]
for i in range(20):
    sock.send(b'abcde')
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
print('20 calls of 5 bytes under TCP_CORK')

# MSG_MORE: "more to come", the cork for one call
sock.send(b'HTTP/1.1 200 OK\r\n', socket.MSG_MORE)  # [4]
sock.send(b'Content-Length: 5\r\n\r\n', socket.MSG_MORE)
sock.send(b'hello')
print('17 + 21 bytes with MSG_MORE (more to come), then 5')

# a connection of its own to a thread that only reads: not the lesson's
# server, so the measured rate is the kernel's, not the server's
sink = socket.socket(af, socket.SOCK_STREAM)  # [5]
sink.bind((sys.argv[1], 0))
sink.listen(1)
reader = threading.Thread(target=drain, args=(sink,))
reader.start()
t = socket.create_connection(sink.getsockname()[:2], timeout=30)
measure(t, 64 << 20, 65536)
measure(t, 4 << 20, 64)
t.close()
reader.join(10)
sink.close()

# buffer sizes are set before connect() (tcp(7)): the window the handshake
# offers is computed from them
z = socket.socket(af, socket.SOCK_STREAM)  # [6]
z.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
size = z.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
print(f'SO_SNDBUF 4096: getsockopt() = {size} (the kernel doubles it, socket(7))')

z.connect(addr)  # [7]
z.setblocking(False)
chunk = b'0123456789' * 20
try:
    for i in range(1000):
        z.send(chunk)
    sys.exit('z: no EAGAIN')
except BlockingIOError:  # EAGAIN: the send buffer is full
    print("send() = -1 EAGAIN: the send buffer is full, the reader's window closed")

# meanwhile the kernel probes the zero window (RFC 9293 3.8.6.1)
time.sleep(1)  # [8]

# the server reads once and closes with our bytes unread: RST
z.settimeout(30)  # [10]
try:
    z.recv(65536)
    sys.exit('z: recv(): expected ECONNRESET')
except ConnectionResetError:
    print('recv() = -1 ECONNRESET')
z.close()
sock.close()
