#!/usr/bin/env python3
"""Reference solution of the tcp-hello challenges (1 and 6), and its
deliberately wrong variants, chosen by the first argument:
  ok       connect, send HELLO line, read the reply line, print it, close
  nonl     the line without its newline (the server waits for the rest)
  rst      close with the reply unread: the kernel sends RST
  linger   reads and prints the reply, then closes with SO_LINGER {1, 0}: RST too
  early    closes (FIN) before the reply comes: the kernel answers the reply with RST
           (or, when the reply was quicker, closes with it unread)
  silent   connect and close without sending anything
  pieces   the line in three separate segments (still right)
  garbage  100 kB of bytes with no newline, as fast as it can
  v4       the right exchange over IPv4 when the task asks for IPv6
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, struct, sys, time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
if mode == "v4":   # wrong family on purpose (challenge 6)
    family, host = socket.AF_INET, "127.0.0.1"
s = socket.socket(family, socket.SOCK_STREAM)
s.settimeout(5)
s.connect((host, port))
if mode == "garbage":
    try:
        s.sendall(bytes(range(256)).replace(b"\n", b".") * 400)
    except OSError:
        pass                 # the lab stopped reading and closed: fine for this test
    s.close()
    sys.exit(0)
if mode == "silent":
    s.close()
    sys.exit(0)
if mode == "pieces":
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for part in (b"HEL", b"LO ad", b"a\n"):
        s.sendall(part)
        time.sleep(0.05)
else:
    s.sendall(b"HELLO ada" if mode == "nonl" else b"HELLO ada\n")
if mode == "rst":
    time.sleep(0.3)          # the reply arrives, and is never read
    s.close()
    sys.exit(0)
if mode == "early":
    s.close()                # before the lab's reply, which the kernel then answers with RST
    time.sleep(0.3)
    sys.exit(0)
if mode == "nonl":
    time.sleep(0.5)
    s.close()
    sys.exit(0)
data = b""
while not data.endswith(b"\n"):
    chunk = s.recv(1024)
    if not chunk:
        break
    data += chunk
print(data.decode(errors="replace"), end="")
if mode == "linger":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
