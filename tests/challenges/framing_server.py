#!/usr/bin/env python3
"""Reference solution of the framing challenge (4), and its deliberately
wrong variants, chosen by the first argument:
  ok       read exactly 4 bytes, then exactly n; answer "OK <n>\\n"
  onerecv  one recv() = one message: parse the first, drop the rest
  header   the length with one recv(4) (3 bytes of it arrive: length 0)
  body     the length read right, the message with one recv(n)
  little   the length read little-endian (5 becomes 83886080)
  once     right, but closes the connection after its first answer
  crlf     answers "OK <n>\\r\\n"
  nonl     answers "OK <n>" without the newline
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, sys

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])


def read_exact(conn, n):
    """n bytes, or None at the end of the stream"""
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve(conn):
    while True:
        if mode == "onerecv":
            data = conn.recv(65536)
            if not data:
                return
            n = int.from_bytes(data[:4], "big")
        elif mode == "header":
            head = conn.recv(4)
            if not head:
                return
            n = int.from_bytes(head, "big")
            conn.recv(n)
        else:
            head = read_exact(conn, 4)
            if head is None:
                return
            n = int.from_bytes(head, "little" if mode == "little" else "big")
            if mode == "body":
                n = len(conn.recv(n))
            elif read_exact(conn, n) is None:
                return
        end = {"crlf": b"\r\n", "nonl": b""}.get(mode, b"\n")
        conn.sendall(b"OK %d" % n + end)
        if mode == "once":
            return


family = socket.AF_INET6 if ":" in host else socket.AF_INET
ls = socket.socket(family, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((host, port))
ls.listen()
while True:
    conn, _ = ls.accept()
    serve(conn)
    conn.close()
