"""client.py — lesson 2 (tcp-basics), the learner's side: the classic TCP
client, one call a step, then the fix for a server that does not speak
first.  Run: python3 client.py HOST PORT [--timeout S]  (HOST 127.0.0.1 or ::1)
--timeout shortens step 2's 30 s so the "silent" variant ends sooner."""
import socket
import sys


def show(what, data):
    # latin-1 keeps every byte; unicode_escape writes \r, \n, \x00 as the lab does
    print(f'{what} = {len(data)}: "{data.decode("latin-1").encode("unicode_escape").decode()}"')


if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != '--timeout'):
    sys.exit(f'usage: {sys.argv[0]} HOST PORT [--timeout S]')
host, port = sys.argv[1], int(sys.argv[2])
secs = int(sys.argv[4]) if len(sys.argv) == 5 and sys.argv[4].isdigit() else 30 if len(sys.argv) == 3 else 0
if not 1 <= secs <= 300:  # 0 would make the socket non-blocking, not patient
    sys.exit(f'--timeout takes seconds, 1 to 300, not {sys.argv[4]!r}')
# A numeric host: nothing goes on the wire to resolve it; the family
# (IPv4 or IPv6) follows from the address.
family, _, _, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                           flags=socket.AI_NUMERICHOST)[0]

sock = socket.socket(family, socket.SOCK_STREAM)  # [1]

sock.settimeout(secs)  # [2]

sock.connect(addr)  # [3]
print('connected')

try:  # [4]
    data = sock.recv(1024)
    show('recv()', data)
except TimeoutError:  # settimeout()'s poll() gave up; recv() was never called
    print(f'recv(): TimeoutError: no greeting within {secs} s')

n = sock.send(b'Hello, World!')  # [5]
print(f'send() = {n}')

sock.close()  # [6]

# the lesson's 30 s whatever --timeout said: this server does answer, and a
# slow machine must not turn its answer into a timeout
fix = socket.create_connection(addr[:2], timeout=30)  # [7]
fix.sendall(b'HELLO\r\n')
data = fix.recv(1024)
show('recv()', data)

fix.close()  # [8]
