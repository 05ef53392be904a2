"""client.py — lesson 8 (protocols), the learner's side: HTTP, SMTP and FTP
over TCP and a DNS query over UDP, against sockscope's own servers
(`sockscope serve http|smtp|ftp|dns`).
Run: python3 client.py HOST HTTP_PORT SMTP_PORT FTP_PORT DNS_PORT

A protocol's reply is not a recv(): a recv() returns what has arrived, which
may be half a reply or two.  So every reply is read to where the protocol
says it ends — HTTP's blank line and Content-Length, SMTP's and FTP's last
line "NNN text\\r\\n" — and no further."""
import re
import socket
import struct
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

    def final(self):
        # FTP answers a transfer with 1yz first ("opening"), then its result
        while (code := self.reply()) < 200:
            pass
        return code


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


if len(sys.argv) != 6:
    sys.exit(f'usage: {sys.argv[0]} HOST HTTP_PORT SMTP_PORT FTP_PORT DNS_PORT')
host = sys.argv[1]
http, smtp, ftp_port, dns_port = (int(p) for p in sys.argv[2:])
# every wait bounded: a server that stops answering is an error, not a hang
web = socket.create_connection((host, http), timeout=30)  # [1]
web.sendall(b'GET /hello HTTP/1.1\r\nHost: lab.sockscope.test\r\n\r\n')

response(web)  # [2]

web.sendall(b'GET / HTTP/1.1\r\nHost: lab.sockscope.test\r\n\r\n')  # [3]
response(web)

web.close()  # [4]

mail = socket.create_connection((host, smtp), timeout=30)  # [5]
m = Replies(mail, 'SMTP')
m.expect(220)

mail.sendall(b'EHLO client.sockscope.test\r\n')  # [6]
m.expect(250)

mail.sendall(b'MAIL FROM:<learner@sockscope.test>\r\n')  # [7]
m.expect(250)
mail.sendall(b'RCPT TO:<lab@sockscope.test>\r\n')
m.expect(250)

mail.sendall(b'DATA\r\n')  # [8]
m.expect(354)
mail.sendall(b'Subject: hello\r\n\r\nSent from a sockscope lesson.\r\n.\r\n')
m.expect(250)

mail.sendall(b'QUIT\r\n')  # [9]
m.expect(221)
mail.close()

ftp = socket.create_connection((host, ftp_port), timeout=30)  # [10]
f = Replies(ftp, 'FTP')
f.expect(220)
ftp.sendall(b'USER anonymous\r\n')
f.expect(331)
ftp.sendall(b'PASS learner@sockscope.test\r\n')
f.expect(230)

# EPSV (RFC 2428): the reply names only a port, "(|||PORT|)"; the address
# is the control connection's, so it works over IPv6 too
ftp.sendall(b'EPSV\r\n')  # [11]
f.expect(229)
m = re.search(r'\(\|\|\|(\d+)\|\)', f.last)
if not m:
    sys.exit('FTP: no port in the 229 reply')

data = socket.create_connection((host, int(m.group(1))), timeout=30)  # [12]
ftp.sendall(b'RETR hello.txt\r\n')
# Not settimeout(): Python implements it with a non-blocking socket, on
# which MSG_WAITALL returns what is there.  SO_RCVTIMEO bounds a blocking one.
data.settimeout(None)
data.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 30, 0))
file = data.recv(34, socket.MSG_WAITALL)
if len(file) != 34:
    sys.exit(f'FTP data: recv() = {len(file)}')
print(f'FTP data: recv(34, MSG_WAITALL) = {len(file)}: {file.decode()}', end='')

# the data connection's end is the file's end (RFC 959 3.4, stream mode)
print(f'FTP data: recv() = {len(data.recv(64))} (end of file)')  # [13]
data.close()
if f.final() != 226:
    sys.exit('FTP: the transfer failed')
ftp.sendall(b'QUIT\r\n')
f.expect(221)
ftp.close()

dns = socket.socket(socket.getaddrinfo(host, dns_port, type=socket.SOCK_DGRAM)[0][0], socket.SOCK_DGRAM)  # [14]
dns.settimeout(30)
# header: id, flags (RD), 1 question; then the name as labels (RFC 1035 4.1)
q = bytes([0x5c, 0x00, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]) + b'\x03lab\x09sockscope\x04test\x00' + b'\x00\x01\x00\x01'
dns.sendto(q, (host, dns_port))
answer, _ = dns.recvfrom(512)
# our id, one answer, and after our question: a pointer to the name, type,
# class, TTL, length, the address
rr = answer[len(q):]
if len(rr) < 16 or answer[:2] != q[:2] or answer[7] < 1 or rr[10:12] != b'\x00\x04':
    sys.exit(f'DNS: recvfrom() = {len(answer)}: not the answer asked for')
print(f'DNS: recvfrom() = {len(answer)}: lab.sockscope.test A {socket.inet_ntop(socket.AF_INET, rr[12:16])}')
dns.close()
