#!/usr/bin/env python3
"""Reference solution of the udp-send challenge (2), and its deliberately
wrong variants, chosen by the first argument:
  ok        "ping", then "reply?", wait 2 s for a reply, print "no reply", exit 0
  newline   "ping\\n" (what echo | nc -u sends)
  noask     only "ping": never asks for the reply
  forever   no receive timeout: waits for the reply until it is stopped
  crash     a timeout, but not caught: exits with status 1
  slow      a receive timeout of 4 s (the task allows 2)
  quiet     right, but prints nothing
  tcp       connects over TCP instead
  port      sends to the port after the lab's
  flood     1000 datagrams, as fast as it can
  garbage   two datagrams of random-looking bytes
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, sys

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
if mode == "tcp":
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
    except OSError as e:
        print("connect:", e)
    sys.exit(1)
s = socket.socket(family, socket.SOCK_DGRAM)
dest = (host, port + 1 if mode == "port" else port)
if mode == "flood":
    for _ in range(1000):
        s.sendto(b"ping", dest)
    sys.exit(0)
if mode == "garbage":
    s.sendto(bytes(range(256)) * 4, dest)
    s.sendto(bytes(range(255, -1, -1)), dest)
    sys.exit(0)
s.sendto(b"ping\n" if mode == "newline" else b"ping", dest)
if mode == "noask":
    sys.exit(0)
s.sendto(b"reply?", dest)
if mode != "forever":
    s.settimeout(4 if mode == "slow" else 2)
if mode == "crash":
    s.recvfrom(2048)         # socket.timeout, not caught: a traceback and status 1
try:
    data, _ = s.recvfrom(2048)
    print("reply:", data.decode(errors="replace"))
except socket.timeout:
    if mode != "quiet":
        print("no reply")
s.close()
