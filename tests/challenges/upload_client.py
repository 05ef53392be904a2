#!/usr/bin/env python3
"""Reference solution of the upload-client challenge (11), and its
deliberately wrong variants, chosen by the first argument:
  ok        sendall() the body, close
  send      one send() of the whole body on a socket with a timeout (non-
            blocking underneath): what it did not take is never sent
  chunks    send() in 64 kB pieces, each one's count ignored: holes
  noclose   sendall(), then never close: stopped by the lab
  rst       sendall(), then close with SO_LINGER {1, 0}: RST
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, struct, sys, time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
size = int(sys.argv[2]) if len(sys.argv) > 2 else 4194304
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
body = (bytes(range(251)) * (size // 251 + 1))[:size]
family = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
if mode in ("send", "chunks"):
    # a small send buffer makes the partial send certain, not left to timing
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    s.settimeout(10)
s.connect((host, port))
if mode == "send":
    s.send(body)                    # the mistake: its count is ignored
elif mode == "chunks":
    for off in range(0, size, 65536):
        s.send(body[off:off + 65536])   # the mistake, 64 times
else:
    s.sendall(body)
if mode == "noclose":
    time.sleep(3600)
if mode == "rst":
    time.sleep(1)                   # all sent: only the close is wrong
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
