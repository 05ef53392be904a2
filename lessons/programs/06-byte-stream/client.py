"""client.py — lesson 6 (byte-stream), the writer: sends whose boundaries
the stream does not keep, two framings that put boundaries back (a length
prefix, a delimiter), and the end of the stream.
Run: python3 client.py HOST PORT  (127.0.0.1 or ::1)"""
import socket
import struct
import sys
import time


def sent(length, n):
    # what send() returned for length bytes: it may take fewer than asked;
    # here every message is small and the buffer empty, but a short count
    # is still an error (sendall() would loop).  The call stays on its
    # step's line.
    print(f'send({length} bytes) = {n}')
    if n != length:
        sys.exit('send: short')


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')

sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)  # [1]

sent(5, sock.send(b'Hello'))  # [2]
sent(2, sock.send(b', '))
sent(6, sock.send(b'world\n'))

sent(20, sock.send(b'0123456789ABCDEFGHIJ'))  # [4]

sent(10, sock.send(b'0123456789'))  # [5]
time.sleep(0.1)  # the two halves leave as two segments
sent(10, sock.send(b'abcdefghij'))

# two messages, each a 2-byte length (network byte order) and the bytes
msgs = [b'hello', b'world!']  # [6]
frame = b''.join(struct.pack('!H', len(m)) + m for m in msgs)
sent(len(frame), sock.send(frame))

sent(21, sock.send(b'LINE one\nLINE two\nLIN'))  # [7]

sent(8, sock.send(b'E three\n'))  # [8]

sock.close()  # [9]
