"""server_iterative.py — lesson 9 (many-clients), the one-at-a-time server:
accept a client, echo to it until it leaves, then the next; two clients.
Run: python3 server_iterative.py HOST PORT  (first line out "listening on PORT")"""
import ipaddress
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
# while serve() runs, the next client's handshake is done by the kernel and
# waits in the backlog; its bytes wait unread
for i in range(2):
    c, _ = l.accept()
    serve(c, 'one at a time')
l.close()
