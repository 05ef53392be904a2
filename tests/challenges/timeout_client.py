#!/usr/bin/env python3
"""Reference solution of the tcp-timeout challenge (7), and its
deliberately wrong variants, chosen by the first argument:
  ok       send "TIME\\n", wait 2 s for the answer, close, say so, exit
  hang     no receive timeout: waits in recv() until it is stopped
  long     a receive timeout of 4 s (the task allows 2)
  zero     settimeout(0): non-blocking, so recv() gives up at once
  rst      closes with SO_LINGER 0: RST instead of FIN
  quiet    right, but prints nothing
  nonl     the request without its newline
  silent   connects, sends nothing, waits 2 s, closes
  flood    1 MB of bytes without a newline, as fast as it can
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, struct, sys

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.settimeout(5)
s.connect((host, port))
if mode == "flood":
    try:
        s.sendall(bytes(range(256)).replace(b"\n", b".") * 4096)
    except OSError:
        pass                 # the lab stopped reading and closed
    s.close()
    sys.exit(0)
if mode != "silent":
    s.sendall(b"TIME" if mode == "nonl" else b"TIME\n")
if mode == "hang":
    s.settimeout(None)
else:
    s.settimeout({"long": 4, "zero": 0}.get(mode, 2))
try:
    answer = s.recv(1024)
    print("answer:", answer.decode(errors="replace"))
except (socket.timeout, BlockingIOError):
    if mode != "quiet":
        print("no answer from the server: giving up")
if mode == "rst":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
