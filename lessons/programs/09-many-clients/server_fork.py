"""server_fork.py — lesson 9 (many-clients), one process per client: the
copy serves one connection and exits; three clients, then it reaps them and
exits.
Run: python3 server_fork.py HOST PORT  (first line out "listening on PORT")"""
import ipaddress
import os
import socket
import sys


def serve(c, who):
    # echo with who served it, so the model is visible in the bytes; each
    # recv() bounded by the socket's timeout
    c.settimeout(30)
    with c:
        while data := c.recv(256):
            c.sendall(f'[{who}] '.encode() + data)


def listen_on(host, port):
    # HOST and PORT as given (PORT 0: the kernel picks), its port said on
    # the first line, accept() bounded by a timeout
    family, _, _, _, addr = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM,
                                               flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)[0]
    # who may reach this server: this machine only (the lab's rule; a
    # wildcard or a real interface's address is refused, not bound)
    if not ipaddress.ip_address(addr[0]).is_loopback:
        sys.exit(f'{host} is not a loopback address (127.0.0.0/8, ::1)')
    l = socket.socket(family, socket.SOCK_STREAM)
    l.bind(addr)
    l.listen(8)
    l.settimeout(30)
    print(f'listening on {l.getsockname()[1]}', flush=True)
    return l


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')
l = listen_on(*sys.argv[1:])
children = 0
for i in range(3):
    c, _ = l.accept()
    if os.fork() == 0:
        l.close()
        serve(c, f'process {os.getpid()}')
        os._exit(0)
    # the parent's copy: kept open, the connection would not end when the
    # child closes its own
    c.close()
    children += 1
# reap every child: an unreaped one lingers as a zombie
ok = True
for i in range(children):
    _, status = os.wait()
    ok = ok and os.waitstatus_to_exitcode(status) == 0
l.close()
sys.exit(0 if ok else 1)
