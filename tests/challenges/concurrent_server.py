#!/usr/bin/env python3
"""Reference solutions of the concurrency challenge (5), and deliberately
wrong variants, chosen by the first argument:
  threads   a thread per client (the reference)
  fork      a process per client (children reaped)
  select    one loop over all sockets with the selectors module
  serial    one client at a time: challenge 3's echo server (wrong here)
  quit      one loop over all sockets that ends when a client leaves (wrong)
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, selectors, signal, socket, sys, threading

mode = sys.argv[1] if len(sys.argv) > 1 else "threads"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])


def echo(conn):
    """send back every byte until the client closes its side"""
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            conn.sendall(data)


family = socket.AF_INET6 if ":" in host else socket.AF_INET
ls = socket.socket(family, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((host, port))
ls.listen(16)

if mode in ("select", "quit"):
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is ls:
                conn, _ = ls.accept()
                sel.register(conn, selectors.EVENT_READ)
                continue
            data = key.fileobj.recv(4096)
            if data:
                key.fileobj.sendall(data)
                continue
            if mode == "quit":
                sys.exit(0)        # the mistake: one client left, and the server with it
            sel.unregister(key.fileobj)
            key.fileobj.close()

if mode == "fork":
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # the kernel reaps the children
while True:
    conn, _ = ls.accept()
    if mode == "serial":
        echo(conn)
    elif mode == "fork":
        if os.fork() == 0:
            ls.close()
            echo(conn)
            os._exit(0)
        conn.close()
    else:
        threading.Thread(target=echo, args=(conn,), daemon=True).start()
