"""client.py — lesson 11 (security), the learner's side: what the wire shows
of a plain-text login, what an address to bind says about who can reach a
server, and a server that survives malformed input and goes on serving —
against `sockscope serve ftp` and `sockscope serve http`.
Run: python3 client.py HOST FTP_PORT HTTP_PORT"""
import re
import socket
import sys


class Replies:
    """SMTP or FTP replies from one connection: lines until one whose code
    is followed by a space (RFC 5321 4.2.1, RFC 959 4.2); bytes read past
    a reply are the next one's start."""

    def __init__(self, sock, who):
        self.sock, self.who, self.pending, self.last = sock, who, b'', ''

    def reply(self):
        while True:
            start = 0
            while (nl := self.pending.find(b'\n', start)) >= 0:
                if nl - start >= 4 and self.pending[start + 3:start + 4] == b' ':
                    self.last, self.pending = self.pending[:nl + 1].decode(), self.pending[nl + 1:]
                    print(f'{self.who}: {self.last}', end='')
                    return int(self.last[start:start + 3])
                start = nl + 1
            data = self.sock.recv(2048)
            if not data:
                sys.exit(f'{self.who}: the reply ended early')
            self.pending += data

    def expect(self, code):
        if self.reply() != code:
            sys.exit(f'{self.who}: expected {code}')


def response(sock):
    # one HTTP response: the head to its blank line, then Content-Length
    # bytes of body (RFC 9112 6.3)
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(8192)
        if not chunk:
            sys.exit('HTTP: the response ended early')
        data += chunk
    head, body = data.split(b'\r\n\r\n', 1)
    m = re.search(rb'Content-Length:\s*(\d+)', head)
    length = int(m.group(1)) if m else 0
    print('HTTP: ' + head.split(b'\r\n')[0].decode())
    while len(body) < length:
        chunk = sock.recv(8192)
        if not chunk:
            sys.exit('HTTP: the response ended early')
        body += chunk
    print(f'HTTP: body of {length} bytes: "{body.decode().split(chr(10))[0]}"')


if len(sys.argv) != 4:
    sys.exit(f'usage: {sys.argv[0]} HOST FTP_PORT HTTP_PORT')
host, ftp_port, http = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

# USER and PASS cross the wire as they are typed: anyone who can read the
# packets (tcpdump on the path) reads the password
fd = socket.create_connection((host, ftp_port), timeout=30)  # [1]
f = Replies(fd, 'FTP')
f.expect(220)
fd.sendall(b'USER lab\r\n')
f.expect(331)
fd.sendall(b'PASS lab\r\n')
f.expect(230)

# ("0.0.0.0", port) or ("", port): every address of this machine, so every
# network it is on (this program never binds it); 127.0.0.1: this machine only
for text in ('0.0.0.0', '127.0.0.1'):  # [2]
    print(f'inet_pton(AF_INET, "{text}") = 1: {socket.inet_pton(socket.AF_INET, text).hex(" ")}')
local = socket.socket(socket.getaddrinfo(host, 0, type=socket.SOCK_STREAM)[0][0], socket.SOCK_STREAM)
local.bind((host, 0))  # HOST: loopback, 127.0.0.1 or ::1
addr, port = local.getsockname()[:2]
print(f'bind() = 0 (bound to {addr}, port {port}: reachable from this machine only)')
local.close()

# bytes no HTTP client sends: a TLS record's start, a NUL, a path out of
# the document root, a version that does not exist
bad = socket.create_connection((host, http), timeout=30)  # [3]
bad.sendall(b'\x16\x03\x01\x00\xffGET\x00/../../etc/passwd HTTP/9.9\r\n\r\n')
response(bad)
bad.close()

good = socket.create_connection((host, http), timeout=30)  # [4]
good.sendall(b'GET /hello HTTP/1.1\r\nHost: lab.sockscope.test\r\nConnection: close\r\n\r\n')
response(good)
good.close()

# with TLS: ssl.create_default_context().wrap_socket(sock, server_hostname=...)
# runs a handshake over the TCP connection, then send()/recv() go through
# it, and the wire shows only the record layer
fd.close()  # [5]
