#!/usr/bin/env python3
"""Reference solution of the udp-echo-server challenge (9), and its
deliberately wrong variants, chosen by the first argument:
  ok        recvfrom(65535), sendto() back to the sender's address, forever
  fixed     replies to the first sender's address, whoever sent the datagram
  connect   connect()s to the first sender, then send(): hears no one else
  small     recvfrom(512): a longer datagram comes back cut
  twice     sends every echo two times
  empty     takes an empty datagram for the end and exits
  tcp       listens on TCP instead
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, sys, time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
if mode == "tcp":
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.bind((host, port))
    ls.listen()
    time.sleep(3600)
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((host, port))
first = None
while True:
    data, peer = s.recvfrom(512 if mode == "small" else 65535)
    if mode == "empty" and not data:
        break                       # the mistake: UDP has no end of stream
    if first is None:
        first = peer
        if mode == "connect":
            s.connect(peer)         # the mistake: from now on only this peer is heard
    if mode == "connect":
        s.send(data)
    elif mode == "fixed":
        s.sendto(data, first)       # the mistake: not to this datagram's sender
    else:
        s.sendto(data, peer)
        if mode == "twice":
            s.sendto(data, peer)
