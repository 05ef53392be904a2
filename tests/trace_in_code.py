"""trace_in_code.py — reads `sockscope lesson ID --headless` output on stdin
and checks, step by step, that every call the trace shows stands in the
step's code: the same function on the same socket always; with --exact,
the same arguments too (casts aside), up to the first address the run
picked ({127.0.0.1, port N}), which the code names by a variable.
Prints one line per call that does not; exit 1 when any."""
import re
import sys

exact = "--exact" in sys.argv
steps = []  # (title, code lines, calls)
section = None
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("== step "):
        steps.append([line[3:], [], []])
    elif re.match(r"^\w[\w ]*:$", line):
        section = line[:-1]   # "code", "python": the C code only counts
    elif steps and section == "code" and line.startswith("  > "):
        steps[-1][1].append(line[4:])
    elif steps and re.match(r"^call: (client|lab server): ", line):
        steps[-1][2].append(line.split(": ", 2)[2])

def norm(s):
    return re.sub(r"\s+", " ", s.replace("(struct sockaddr *)", "")).strip()

bad = ncalls = 0
for title, code, calls in steps:
    text = [norm(c) for c in code]
    for c in calls:
        m = re.match(r"^(?:(\w+) = )?(\w+)\((\w*)", c)
        if not m:
            continue   # not a call on a socket (a loop, a read of /proc)
        made, func, first = m.groups()
        sock = made if func in ("socket", "accept") else first
        if func in ("usleep", "inet_pton", "getservbyname") or not sock:
            continue
        ncalls += 1
        word = re.compile(r"(^|\W)%s(\W|$)" % re.escape(sock))
        if not any(re.search(r"(^|\W)%s\s*\(" % func, t) and word.search(t) for t in text):
            print("%s: %s: no line of the code has %s() on %s" % (title, c, func, sock))
            bad += 1
            continue
        if exact:
            # the call as the trace shows it, up to its result and its first run-time address
            call = norm(re.sub(r"\) = .*$|\) \(.*$", ")", c))
            call = re.sub(r"^\w+ = ", "", call)
            if "{" in call:
                call = call[:call.index("{")]
            if not any(call in t for t in text):
                print("%s: the trace's %s is not in the code" % (title, call))
                bad += 1
print("%d calls checked" % ncalls)
sys.exit(1 if bad else 0)
