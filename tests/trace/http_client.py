# http_client.py — tests/e2e_trace_py.sh's client: http_client.c done in
# Python, one GET to the lab's HTTP server, each call on its own line so
# the test finds the line numbers with grep (the @ comments).
import socket
import sys


def main():
	if len(sys.argv) < 2:
		return 2
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # @socket
	s.connect(("127.0.0.1", int(sys.argv[1])))  # @connect
	s.send(b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n")  # @send
	data = s.recv(4096)  # @recv
	s.close()  # @close
	print("received %d bytes" % len(data))
	return 0


if __name__ == "__main__":
	sys.exit(main())
