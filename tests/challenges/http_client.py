#!/usr/bin/env python3
"""Reference solution of the http-get challenge (8), and its deliberately
wrong variants, chosen by the first argument:
  ok       GET /hello.txt HTTP/1.1, Host, CRLFs, the empty line; read the
           head, then Content-Length bytes of body; print the body
  nohost   no Host header (the lab answers 400)
  noport   "Host: 127.0.0.1", without the port
  lf       lines end with a bare \\n
  noblank  no empty line after the headers: waits for an answer forever
  eof      reads until the connection closes: hangs, as it stays open
  once     one recv(): only the first segment of the body
  drop     reads by Content-Length but throws away the body bytes that came
           with the head: waits for bytes that never come
  headers  prints the whole response, headers too
  close    sends "Connection: close" and reads until the end
  http10   says HTTP/1.0
  lower    says "get"
  nopath   asks for "hello.txt", without the /
  garbage  100 kB of bytes without a line end, as fast as it can
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, socket, sys

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
authority = ("[%s]:%d" if family == socket.AF_INET6 else "%s:%d") % (host, port)
s = socket.socket(family, socket.SOCK_STREAM)
s.connect((host, port))
if mode == "garbage":
    try:
        s.sendall(bytes(range(256)).replace(b"\n", b".") * 400)
    except OSError:
        pass                 # the lab answered 400 and stopped reading
    s.close()
    sys.exit(0)

line = {"http10": "GET /hello.txt HTTP/1.0", "lower": "get /hello.txt HTTP/1.1",
        "nopath": "GET hello.txt HTTP/1.1"}.get(mode, "GET /hello.txt HTTP/1.1")
headers = [line]
if mode != "nohost":
    headers.append("Host: " + (host if mode == "noport" else authority))
headers.append("User-Agent: sockscope-test")
if mode == "close":
    headers.append("Connection: close")
eol = "\n" if mode == "lf" else "\r\n"
request = eol.join(headers) + eol + ("" if mode == "noblank" else eol)
s.sendall(request.encode())

if mode in ("eof", "close"):
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    sys.stdout.write(data.split(b"\r\n\r\n", 1)[-1].decode())
    s.close()
    sys.exit(0)
if mode == "once":
    data = s.recv(65536)
    sys.stdout.write(data.split(b"\r\n\r\n", 1)[-1].decode())
    s.close()
    sys.exit(0)

# the head, up to the empty line
data = b""
while b"\r\n\r\n" not in data:
    chunk = s.recv(4096)
    if not chunk:
        sys.exit("the server closed before the end of its headers")
    data += chunk
head, body = data.split(b"\r\n\r\n", 1)
if mode == "drop":
    body = b""
length = 0
for h in head.split(b"\r\n")[1:]:
    name, _, value = h.partition(b":")
    if name.strip().lower() == b"content-length":
        length = int(value.strip())
# then exactly Content-Length bytes of body
while len(body) < length:
    chunk = s.recv(length - len(body))
    if not chunk:
        break
    body += chunk
    if mode == "drop":       # printed as it comes: the lab sees which bytes it kept
        sys.stdout.write(chunk.decode(errors="replace"))
        sys.stdout.flush()
if mode == "drop":
    sys.exit(0)
if mode == "headers":
    sys.stdout.write((head + b"\r\n\r\n").decode())
sys.stdout.write(body.decode(errors="replace"))
s.close()
