# py_threads.py — tests/e2e_trace_py.sh: two threads sending at once, so
# that one thread's lines run between another's line and its call (a
# socket call and the runner's report both let the other thread run).
# Each call must still be shown at the line of its own thread.
import socket
import sys
import threading

N = int(sys.argv[1]) if len(sys.argv) > 1 else 30
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sink.bind(("127.0.0.1", 0))
to = sink.getsockname()


def worker():
	w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	for _ in range(N):
		w.sendto(b"w", to)  # @wsend
	w.close()


t = threading.Thread(target=worker)
t.start()
m = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(N):
	m.sendto(b"m", to)  # @msend
t.join()
m.close()
print("sent %d + %d datagrams" % (N, N))
