#!/usr/bin/env python3
"""loopback_sockets.py CMD... -- run CMD and, while it runs, list every
socket of it and of its descendants (their /proc/PID/fd entries matched to
/proc/PID/net/{tcp,tcp6,udp,udp6,raw,raw6}) every few milliseconds.  Prints
each socket seen once: protocol, local and remote address, and exits 1 if
any was bound to an address outside 127.0.0.0/8 and ::1 (an unbound socket,
local port 0, is no binding), 2 if no socket was seen at all, else CMD's
exit status.  Packet sockets (the capture's) have no address and are not
listed."""
import ipaddress, os, subprocess, sys, time

def descendants(root):
    kids = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                st = f.read()
            ppid = int(st[st.rindex(')') + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out

def addr(hexaddr, v6):
    a, port = hexaddr.split(':')
    raw = bytes.fromhex(a)
    if v6:  # four 32-bit words, each in host (little-endian) order
        raw = b''.join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    else:
        raw = raw[::-1]
    return ipaddress.ip_address(raw), int(port, 16)

def table(pid, name):
    rows = {}
    try:
        with open(f'/proc/{pid}/net/{name}') as f:
            next(f)
            for line in f:
                p = line.split()
                rows[p[9]] = (p[1], p[2])
    except OSError:
        pass
    return rows

def sample(pids, seen):
    for pid in pids:
        try:
            inodes = set()
            for fd in os.listdir(f'/proc/{pid}/fd'):
                try:
                    t = os.readlink(f'/proc/{pid}/fd/{fd}')
                except OSError:
                    continue
                if t.startswith('socket:['):
                    inodes.add(t[8:-1])
        except OSError:
            continue
        if not inodes:
            continue
        for name in ('tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6'):
            for ino, (loc, rem) in table(pid, name).items():
                if ino in inodes:
                    seen.setdefault((name, ino), (addr(loc, name.endswith('6')), addr(rem, name.endswith('6'))))

def main():
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    seen = {}
    while proc.poll() is None:
        sample(descendants(proc.pid), seen)
        time.sleep(0.003)
    bad = 0
    for (name, ino), ((la, lp), (ra, rp)) in sorted(seen.items(), key=lambda x: str(x)):
        ok = lp == 0 or la.is_loopback or (la.version == 6 and la.ipv4_mapped and la.ipv4_mapped.is_loopback)
        bad += not ok
        print(f'{"ok " if ok else "BAD"} {name:5} {la}:{lp} -> {ra}:{rp}')
    print(f'{len(seen)} sockets seen, {bad} bound outside the loopback')
    if bad:
        return 1
    if not seen:
        return 2
    return proc.returncode

if __name__ == '__main__':
    sys.exit(main())
