"""server_poll.py — lesson 9 (many-clients), one event loop: one thread,
poll() over the listener and every client, each ready socket served as far
as it can go without waiting; three clients, then it exits.  (asyncio's
start_server() is such a loop, with coroutines on top.)
Run: python3 server_poll.py HOST PORT  (first line out "listening on PORT")"""
import ipaddress
import select
import socket
import sys


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
poller = select.poll()
poller.register(l, select.POLLIN)
clients = {}
accepted = 0
while accepted < 3 or clients:
    ready = poller.poll(30000)  # nothing for 30 s: give up rather than wait for ever
    if not ready:
        sys.exit('no client for 30 s')
    for fd, events in ready:
        if fd == l.fileno():
            # poll() said a connection waits: this accept() does not block
            c, _ = l.accept()
            c.setblocking(False)
            clients[c.fileno()] = c
            poller.register(c, select.POLLIN)
            accepted += 1
            if accepted == 3:
                poller.unregister(l)
            continue
        c = clients[fd]
        # readable: this recv() returns at once, with data or b''
        try:
            data = c.recv(256)
            if data:
                c.send(b'[event loop] ' + data)
        except OSError:
            data = b''
        if not data:
            poller.unregister(c)
            del clients[fd]
            c.close()
l.close()
