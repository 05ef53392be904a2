#!/usr/bin/env python3
"""The udp-send challenge (2) in Python, waiting for the reply in the ways
the tracer tells apart (tests/e2e_challenges_trace.sh), by the first argument:
  sleep    wrong: time.sleep(2), then one non-blocking recvfrom()
  nolook   wrong: time.sleep(2), and never receives at all
  select   right: select.select() with a 2 s timeout
Each prints "no reply" and exits 0, so the wire alone cannot tell them
apart.  The @ marks are the lines the test finds the verdict's line
numbers by.  Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, select, socket, sys, time

mode = sys.argv[1] if len(sys.argv) > 1 else "sleep"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"ping", (host, port))
s.sendto(b"reply?", (host, port))
data = None
if mode == "select":
    ready, _, _ = select.select([s], [], [], 2)    # @select
    if ready:
        data, _ = s.recvfrom(2048)
else:
    time.sleep(2)                                  # @sleep-call
    if mode == "sleep":
        s.setblocking(False)
        try:
            data, _ = s.recvfrom(2048)             # @sleep-recv
        except BlockingIOError:
            pass
print("reply: %r" % data if data else "no reply")
s.close()
