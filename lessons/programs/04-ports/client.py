"""client.py — lesson 4 (ports), the learner's side: where well-known ports
come from, the port the kernel picks, port 0, EADDRINUSE, TIME_WAIT and
SO_REUSEADDR, and a port where nobody listens.
Run: python3 client.py HOST PORT  (127.0.0.1 or ::1: the lesson's toggle "ipv6")"""
import errno
import socket
import sys


def service(name):
    try:
        print(f'getservbyname("{name}", "tcp") = {socket.getservbyname(name, "tcp")}')
    except OSError:
        print(f'getservbyname("{name}", "tcp") = NULL (not in /etc/services)')


def try_bind(what, s, addr):
    # bind() and its answer, as the lesson shows it
    try:
        s.bind(addr)
        print(f'{what}: bind() = 0 (bound to port {s.getsockname()[1]})')
    except OSError as e:
        print(f'{what}: bind() = -1 {"EADDRINUSE" if e.errno == errno.EADDRINUSE else e}')


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
af, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM,
                                       flags=socket.AI_NUMERICHOST)[0]
any_port = (sys.argv[1], 0)

service('http')  # [1]
service('smtp')
service('ftp')
service('domain')

with open('/proc/sys/net/ipv4/ip_local_port_range') as f:  # [2]
    lo, hi = map(int, f.read().split())  # IPv6 uses it too
fd = socket.socket(af, socket.SOCK_STREAM)
fd.connect(addr)
mine = fd.getsockname()[1]
print(f'connect() = 0: the kernel gave us port {mine}, {"in" if lo <= mine <= hi else "NOT in"} the ephemeral range')

b = socket.socket(af, socket.SOCK_STREAM)  # [3]
try_bind('b', b, any_port)

busy = socket.socket(af, socket.SOCK_STREAM)  # [4]
try_bind('busy', busy, addr)  # the server's own port

t = socket.socket(af, socket.SOCK_STREAM)  # [5]
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try_bind('t', t, any_port)
t.connect(addr)
t_local = t.getsockname()  # remember t's address and port
# We end first, and wait for the server's FIN before close(): only then is
# t in TIME_WAIT.  close() alone returns at once, and a bind() right after
# it would race the FIN (FIN_WAIT2 refuses even with SO_REUSEADDR).
t.shutdown(socket.SHUT_WR)
t.settimeout(30)
if t.recv(1024) != b'':
    sys.exit("t: expected the server's FIN")
t.close()
print('t: closed first: TIME_WAIT')

n = socket.socket(af, socket.SOCK_STREAM)  # [6]
try_bind('n', n, t_local)

r = socket.socket(af, socket.SOCK_STREAM)  # [7]
r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try_bind('r', r, t_local)

# b is bound and does not listen: nobody takes a connection on its port,
# and unlike a port we just closed no other program can take it
closed = b.getsockname()  # [8]
x = socket.socket(af, socket.SOCK_STREAM)
try:
    x.connect(closed)
    sys.exit('x: connected?')
except ConnectionRefusedError:
    print('x: connect() = -1 ECONNREFUSED')

fd.close()  # [9]
for s in (b, busy, n, r, x):
    s.close()
