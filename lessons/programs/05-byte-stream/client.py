"""client.py — lesson 5 (byte-stream), the writer: sends whose boundaries
the stream does not keep, two framings that put boundaries back (a length
prefix, a delimiter), and the end of the stream.
Run: python3 client.py HOST PORT  (127.0.0.1 or ::1)"""
import socket
import struct
import sys
import time


def say(sock, data):
    # send() may take fewer bytes than asked; sendall() loops until all are sent
    sock.sendall(data)
    print(f'send({len(data)} bytes) = {len(data)}')


if len(sys.argv) != 3:
    sys.exit(f'usage: {sys.argv[0]} HOST PORT')

sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)  # [1]

say(sock, b'Hello')  # [2]
say(sock, b', ')
say(sock, b'world\n')

say(sock, b'0123456789ABCDEFGHIJ')  # [4]

say(sock, b'0123456789')  # [5]
time.sleep(0.1)  # the two halves leave as two segments
say(sock, b'abcdefghij')

# two messages, each a 2-byte length (network byte order) and the bytes
msgs = [b'hello', b'world!']  # [6]
say(sock, b''.join(struct.pack('!H', len(m)) + m for m in msgs))

say(sock, b'LINE one\nLINE two\nLIN')  # [7]

say(sock, b'E three\n')  # [8]

sock.close()  # [9]
