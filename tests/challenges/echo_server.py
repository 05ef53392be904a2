#!/usr/bin/env python3
"""Reference solution of the echo-server challenge (3), and its deliberately
wrong variants, chosen by the first argument:
  ok        accept in a loop; send back what each recv() returns until it
            returns b"" (the client closed its side); close
  once      serve one client, then exit (no accept() loop)
  onerecv   one recv() and its echo per client, then close
  noclose   never notice recv() returning b"": the connection stays open
  decode    decode the bytes as UTF-8 text: the lab's binary bytes kill it
  wrongport listen on another port than $SOCKSCOPE_PORT
  mute      accept, then never read nor send: the lab must not hang
  banner    greet each client with "hello\n" before the echo
  send      conn.send(data), its return ignored, on a socket with a timeout
            (non-blocking underneath): what send() did not take is lost
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, sys, time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
if mode == "wrongport":
    port = 0
family = socket.AF_INET6 if ":" in host else socket.AF_INET
ls = socket.socket(family, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((host, port))
ls.listen()
while True:
    conn, _ = ls.accept()
    if mode == "mute":
        time.sleep(3600)
    if mode == "banner":
        conn.sendall(b"hello\n")
    if mode == "onerecv":
        conn.sendall(conn.recv(65536))
        conn.close()
        continue
    if mode == "send":
        # A small send buffer makes the partial send certain: the lab's slow
        # reading alone left it to timing (this program passed once under
        # ASan, where the lab is slower); the mistake is the same.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        conn.settimeout(5)
    while True:
        data = conn.recv(65536)
        if mode == "send":
            if not data:
                break
            conn.send(data)  # the mistake: send() may take fewer bytes than given
            continue
        if mode == "noclose":
            if data:
                conn.sendall(data)
            continue
        if not data:
            break
        if mode == "decode":
            data = data.decode("utf-8").encode("utf-8")
        conn.sendall(data)
    conn.close()
    if mode == "once":
        break
