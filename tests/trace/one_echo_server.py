# one_echo_server.py — tests/e2e_trace_and.sh's server done in Python (the
# C client is traced beside it with --and): listens on 127.0.0.1 at a port
# the kernel picks, echoes one read of one client, closes and exits.  Each
# call on its own line, marked for the test's grep (the @ comments).
import socket


def main():
	ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # @socket
	ls.bind(("127.0.0.1", 0))  # @bind
	ls.listen(1)  # @listen
	c, _ = ls.accept()  # @accept
	data = c.recv(256)  # @srecv
	if data:
		c.send(data)  # @ssend
	c.close()  # @sclose
	ls.close()
	return 0


if __name__ == "__main__":
	raise SystemExit(main())
