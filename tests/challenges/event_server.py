#!/usr/bin/env python3
"""Reference solutions of the event-loop challenge (12), and its
deliberately wrong variants, chosen by the first argument:
  ok        selectors: one thread waits on the listener and every connection
  asyncio   asyncio.start_server, one coroutine per client, one thread
  serial    accept, serve that client until it closes, then the next
  threads   a thread per client
  fork      a process per client
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, selectors, socket, sys, threading

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])

if mode == "asyncio":
    import asyncio

    async def client(reader, writer):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(client, host, port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())
    sys.exit(0)

family = socket.AF_INET6 if ":" in host else socket.AF_INET
ls = socket.socket(family, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((host, port))
ls.listen(128)


def serve(conn):
    while data := conn.recv(65536):
        conn.sendall(data)
    conn.close()


if mode == "ok":
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is ls:
                conn, _ = ls.accept()
                sel.register(conn, selectors.EVENT_READ)
                continue
            data = key.fileobj.recv(65536)
            if data:
                key.fileobj.sendall(data)   # short echoes to a reader that reads: never blocks long
            else:
                sel.unregister(key.fileobj)
                key.fileobj.close()
while True:
    conn, _ = ls.accept()
    if mode == "serial":
        serve(conn)
    elif mode == "threads":
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
    elif mode == "fork":
        if os.fork() == 0:
            ls.close()
            serve(conn)
            os._exit(0)
        conn.close()
