# pylines.py — sockscope trace's Python runner: runs a learner's script and
# tells the tracer, before each line of the script's own files runs, which
# line that is, so each network call is shown at the Python line that made
# it (see docs/trace.md, "Python lines").
#
# Usage (sockscope builds this command line itself):
#   python3 [OPTIONS] pylines.py SCRIPT [ARGS...]
#   python3 [OPTIONS] pylines.py -m MODULE [ARGS...]
#
# The report is a write(2) of b"\0sockscope-line L|R PATH:LINE" to the
# descriptor named by SOCKSCOPE_TRACE_LINE_FD (/dev/null, opened by the
# tracer).  The tracer stops at every write anyway (it may be a socket's),
# recognises this one, takes the line from our memory and skips the call,
# so the line is known in the same order as the program's calls, on the
# thread that runs it.  "L" is a line that begins, "R" a line that goes
# on after a function of the script's own returned into it.  Without the
# variable (run by hand) the script just runs.
import atexit
import os
import runpy
import sys
import sysconfig
import threading

_MAGIC = b"\0sockscope-line "


def _not_own_dirs():
	"""Where the interpreter's and installed packages' files live."""
	dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
	for name in ("stdlib", "platstdlib", "purelib", "platlib"):
		p = sysconfig.get_path(name)
		if p:
			dirs.add(p)
	return [os.path.realpath(d) + os.sep for d in dirs if d]


def _main():
	argv = sys.argv[1:]
	if not argv:
		sys.stderr.write("usage: pylines.py SCRIPT [ARGS...] | -m MODULE [ARGS...]\n")
		return 2
	module = None
	if argv[0] == "-m" and len(argv) > 1:
		module, argv = argv[1], argv[1:]
		top = os.getcwd()
	else:
		top = os.path.dirname(os.path.realpath(argv[0]))
	# As python3 SCRIPT would: the script's own directory first on the path
	# (here it is ours, the runner's), the current one for -m; -I and -P
	# put neither there.
	if not sys.flags.isolated and not getattr(sys.flags, "safe_path", False):
		sys.path[0] = top if module is None else ""

	fd = -1
	env = os.environ.pop("SOCKSCOPE_TRACE_LINE_FD", "")
	if env.isdigit():
		try:
			fd = int(env)
			os.fstat(fd)
			# The program's children are not run by this runner: they do not get it.
			os.set_inheritable(fd, False)
		except OSError:
			fd = -1

	if module is None and not os.path.isfile(argv[0]):
		# as python3 SCRIPT says it
		sys.stderr.write("%s: can't open file %r: [Errno 2] No such file or directory\n"
		                 % (os.path.basename(sys.executable), argv[0]))
		return 2
	if fd >= 0:
		_install(fd, top + os.sep)
	sys.argv = argv
	try:
		if module is not None:
			runpy.run_module(module, run_name="__main__", alter_sys=True)
		else:
			runpy.run_path(argv[0], run_name="__main__")
	except (SystemExit, KeyboardInterrupt):
		raise
	except BaseException as e:
		# The traceback as python3 SCRIPT prints it: from the script's
		# frames on, without the runner's and runpy's.
		tb = e.__traceback__
		runner = (__file__, runpy.__file__, "<frozen runpy>")
		while tb is not None and tb.tb_frame.f_code.co_filename in runner:
			tb = tb.tb_next
		sys.settrace(None)
		sys.excepthook(type(e), e.with_traceback(tb), tb)
		return 1
	return 0


def _install(fd, top):
	not_own = _not_own_dirs() + [os.path.realpath(__file__)]
	own_cache = {}
	# Bound now: while the interpreter shuts down, module globals are gone
	# but late frames still call us.
	write = os.write
	realpath = os.path.realpath
	magic = _MAGIC

	def own(filename):
		# The absolute path of a code object's file when it is one of the
		# script's own (else None): asked once a file.
		v = own_cache.get(filename, False)
		if v is False:
			p = realpath(filename) if not filename.startswith("<") else ""
			mine = p.startswith(top) and not any(p.startswith(d) or p == d for d in not_own)
			v = own_cache[filename] = p.encode(errors="replace") if mine else None
		return v

	def report(kind, frame):
		try:
			write(fd, b"%s%s %s:%d" % (magic, kind, own(frame.f_code.co_filename), frame.f_lineno))
		except OSError:
			pass

	def local(frame, event, arg):
		if event == "line":
			report(b"L", frame)
		elif event == "return":
			# Back in the nearest frame of the script's own (if any): the
			# calls that follow are that line's.
			f = frame.f_back
			while f is not None and own(f.f_code.co_filename) is None:
				f = f.f_back
			if f is not None:
				report(b"R", f)
		return local

	def call(frame, event, arg):
		# Only the script's own frames get line events: the rest runs at
		# the interpreter's speed.
		return local if own(frame.f_code.co_filename) is not None else None

	threading.settrace(call)
	sys.settrace(call)
	# The script's lines are over once the interpreter shuts down (its
	# teardown may run frames while modules are half gone).
	atexit.register(sys.settrace, None)


if __name__ == "__main__":
	sys.exit(_main())
