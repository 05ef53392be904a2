"""client.py — lesson 9 (many-clients), the learner's side: two clients of
the one-at-a-time server, then three clients at once of the server with a
thread per client, a process per client and one event loop.
Run: python3 client.py HOST ITERATIVE_PORT THREADS_PORT FORK_PORT POLL_PORT"""
import socket
import struct
import sys


def show(name, s):
    # what a recv() gave, as the lesson shows it
    try:
        data = s.recv(256)
        print(f'{name}: recv() = {len(data)}: "{data.decode()}"')
    except BlockingIOError:  # SO_RCVTIMEO expired: EAGAIN
        print(f'{name}: recv() = -1 EAGAIN')


def timeout(s, secs):
    # SO_RCVTIMEO, as the C program: the socket stays blocking and recv()
    # fails with EAGAIN (settimeout() would raise TimeoutError instead)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', secs, 0))


if len(sys.argv) != 6:
    sys.exit(f'usage: {sys.argv[0]} HOST ITERATIVE_PORT THREADS_PORT FORK_PORT POLL_PORT')
host = sys.argv[1]
iterative, threads, forks, poll = (int(p) for p in sys.argv[2:])
# every recv() below is bounded: a server that does not answer is what
# step 1 shows, not a hang

a = socket.create_connection((host, iterative))  # [1]
b = socket.create_connection((host, iterative))
print('a, b: connect() = 0 (the kernel completed both handshakes)')
timeout(a, 30)
timeout(b, 1)
a.sendall(b'first')
b.sendall(b'second')
show('a', a)
show('b', b)  # the server is busy with a

a.close()  # [2]
timeout(b, 5)
show('b', b)
b.close()

a, b, c = (socket.create_connection((host, threads)) for _ in range(3))  # [3]
for s in (a, b, c):
    timeout(s, 30)
a.sendall(b'one')
b.sendall(b'two')
c.sendall(b'three')
show('c', c)
show('b', b)
show('a', a)

for s in (a, b, c):  # [4]
    s.close()
a, b, c = (socket.create_connection((host, forks)) for _ in range(3))
for s in (a, b, c):
    timeout(s, 30)
a.sendall(b'one')
b.sendall(b'two')
c.sendall(b'three')
show('a', a)
show('b', b)
show('c', c)

for s in (a, b, c):  # [5]
    s.close()
a, b, c = (socket.create_connection((host, poll)) for _ in range(3))
for s in (a, b, c):
    timeout(s, 30)
b.sendall(b'two')
a.sendall(b'one')
c.sendall(b'three')
show('b', b)
show('a', a)
show('c', c)

for s in (a, b, c):  # [6]
    s.close()
