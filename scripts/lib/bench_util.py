#!/usr/bin/env python3
"""Helpers for scripts/bench.sh (python3 standard library only).

Subcommands:
  freeport N            print N free loopback TCP ports (never 6379)
  gen N PREFIX_W VLEN   write RESP "SET key:<N digits> <value>" for keys 0..N-1 to stdout
  rss PID               print VmRSS of PID in bytes
  conns PORT PID N SECS connection storm + idle-connection test (key=value lines)
  report SAMPLES        turn the samples file into the result lines
"""

import os
import random
import selectors
import socket
import statistics
import sys
import time

HOST = "127.0.0.1"


def freeport(n):
    # Outside the ephemeral range (32768+) so client sockets can never hold a chosen port,
    # and never Redis's default 6379.
    got = []
    rng = random.Random(os.getpid() ^ int(time.time() * 1e6))
    while len(got) < n:
        p = rng.randrange(20000, 32000)
        if p == 6379 or p in got:
            continue
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((HOST, p))
        except OSError:
            continue
        finally:
            s.close()
        got.append(p)
    print(" ".join(map(str, got)))


def gen(n, width, vlen):
    # One buffered write per chunk keeps generation of a million commands to about a second.
    value = b"v" * vlen
    tail = b"$%d\r\n%s\r\n" % (vlen, value)
    klen = 4 + width
    head = b"*3\r\n$3\r\nSET\r\n$%d\r\nkey:" % klen
    fmt = "%0" + str(width) + "d"
    out = sys.stdout.buffer
    chunk = []
    for i in range(n):
        chunk.append(head + (fmt % i).encode() + b"\r\n" + tail)
        if len(chunk) == 10000:
            out.write(b"".join(chunk))
            chunk = []
    out.write(b"".join(chunk))
    out.flush()


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS for pid %d" % pid)


def nfds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def ping_new_connection(port, timeout=1.0):
    """Seconds from connect() to a complete reply on a fresh connection, and the reply."""
    t0 = time.perf_counter()
    s = socket.create_connection((HOST, port), timeout=timeout)
    try:
        s.sendall(b"PING\r\n")
        buf = b""
        while not buf.endswith(b"\r\n"):
            d = s.recv(256)
            if not d:
                break
            buf += d
        return time.perf_counter() - t0, buf.strip().decode(errors="replace")
    finally:
        s.close()


def conns(port, pid, n, storm_limit):
    """Open n connections at once (the storm), PING each, keep them idle, then measure RSS
    and the PING latency of one more, new connection."""
    rss0 = rss(pid)
    fds0 = nfds(pid)
    sel = selectors.DefaultSelector()
    socks = []
    state = {}  # fd -> [sock, phase, buffer]; phase 0 connecting, 1 waiting for the reply
    t0 = time.perf_counter()
    connect_errors = 0
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((HOST, port))
        if err not in (0, 115):  # 115 = EINPROGRESS
            connect_errors += 1
            s.close()
            continue
        socks.append(s)
        state[s.fileno()] = [s, 0, b""]
        sel.register(s, selectors.EVENT_WRITE)
    ok = 0
    rejected = 0
    failed = 0
    pending = len(socks)
    # Redis takes about a second; a server that stalls is cut off so the run stays short.
    deadline = time.perf_counter() + storm_limit
    while pending and time.perf_counter() < deadline:
        for key, _ in sel.select(timeout=1.0):
            st = state[key.fd]
            s = st[0]
            try:
                if st[1] == 0:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, os.strerror(err))
                    s.send(b"PING\r\n")
                    st[1] = 1
                    sel.modify(s, selectors.EVENT_READ)
                    continue
                d = s.recv(256)
                if not d:
                    raise OSError("closed by server")
                st[2] += d
                if not st[2].endswith(b"\r\n"):
                    continue
                if st[2].startswith(b"+PONG"):
                    ok += 1
                else:
                    rejected += 1
            except OSError:
                failed += 1
            sel.unregister(s)
            pending -= 1
    storm = time.perf_counter() - t0
    timed_out = pending
    # Let the server finish setting up the last clients before sampling its memory.
    time.sleep(1.0)
    rss1 = rss(pid)
    fds1 = nfds(pid)
    lat = []
    replies = []
    for _ in range(5):
        try:
            dt, rep = ping_new_connection(port)
        except OSError as e:
            dt, rep = float("inf"), "error: %s" % e
        lat.append(dt)
        replies.append(rep)
    alive = rss(pid) > 0
    for s in socks:
        try:
            # RST instead of FIN: no TIME_WAIT on the client side, so repeated rounds never run
            # out of ephemeral ports.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        except OSError:
            pass
    print("opened=%d" % len(socks))
    print("ok=%d" % ok)
    print("rejected=%d" % rejected)
    print("failed=%d" % (failed + connect_errors))
    print("timed_out=%d" % timed_out)
    print("storm_s=%.4f" % storm)
    print("rss_before=%d" % rss0)
    print("rss_after=%d" % rss1)
    print("rss_per_conn=%.1f" % ((rss1 - rss0) / max(ok, 1)))
    print("fds_before=%d" % fds0)
    print("fds_after=%d" % fds1)
    print("fds_per_conn=%.2f" % ((fds1 - fds0) / max(ok, 1)))
    print("ping_new_ms=%.3f" % (statistics.median(lat) * 1000))
    print("ping_new_max_ms=%.3f" % (max(lat) * 1000))
    print("ping_new_reply=%s" % replies[0].replace("\n", " "))
    print("alive=%d" % alive)


def fmt(v, kind):
    if v is None:
        return "-"
    if v == float("inf"):
        return "timeout"
    if kind == "tput":
        return "%.0f" % v
    if kind == "lat":
        return "%.3f" % v
    if kind == "time":
        return "%.3f" % v
    if kind == "mem":
        return "%.1f" % v
    return str(v)


def report(path):
    """Samples file lines (tab-separated):
    case  <kind> <name> <unit>        declares a case in output order
    val   <name> <redis|candidate> <value>
    skip  <name> <reason>
    fail  <name> <reason>
    note  <text>
    kind: tput (higher is better), lat/mem/time (lower is better), info (no ratio).
    """
    order, kinds, units, vals, skips, fails, notes = [], {}, {}, {}, {}, {}, []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "case" and p[2] not in kinds:
                order.append(p[2])
                kinds[p[2]] = p[1]
                units[p[2]] = p[3]
            elif p[0] == "val":
                vals.setdefault(p[1], {}).setdefault(p[2], []).append(p[3])
            elif p[0] == "skip":
                skips[p[1]] = p[2]
            elif p[0] == "fail":
                fails.setdefault(p[1], []).append(p[2])
            elif p[0] == "note" and p[1] not in notes:
                notes.append(p[1])
    print("# ratio > 1 means the candidate is better: throughput ratio = candidate/redis,")
    print("# latency, memory and time ratio = redis/candidate. Values are medians over rounds.")
    for n in notes:
        print("# note: " + n)
    tput = []
    lat = []
    for name in order:
        kind = kinds[name]
        if name in skips:
            print("%s: skipped (%s)" % (name, skips[name]))
            continue
        v = vals.get(name, {})
        if kind == "info":
            def uniq(xs):
                return ",".join(sorted(set(xs))) if xs else "-"
            print("%s: redis=%s candidate=%s" % (name, uniq(v.get("redis")), uniq(v.get("candidate"))))
            continue
        r = [float(x) for x in v.get("redis", [])]
        c = [float(x) for x in v.get("candidate", [])]
        rm = statistics.median(r) if r else None
        cm = statistics.median(c) if c else None
        ratio = None
        if rm is not None and cm is not None:
            if kind == "tput":
                ratio = cm / rm if rm else None
            else:
                ratio = rm / cm if cm else None
        line = "%s (%s): redis=%s candidate=%s ratio=%s" % (
            name, units[name], fmt(rm, kind), fmt(cm, kind),
            "%.2f" % ratio if ratio is not None else "-")
        if len(r) > 1 or len(c) > 1:
            line += "  range: redis=%s..%s candidate=%s..%s" % (
                fmt(min(r), kind) if r else "-", fmt(max(r), kind) if r else "-",
                fmt(min(c), kind) if c else "-", fmt(max(c), kind) if c else "-")
        if name in fails:
            line += "  FAILED: " + "; ".join(sorted(set(fails[name])))
        print(line)
        if kind == "tput" and ratio is not None:
            tput.append((ratio, name))
        if kind == "lat" and ratio is not None and name.endswith((" p50", " p99")):
            lat.append((ratio, name))
    if tput:
        lo = min(tput)
        med = statistics.median(r for r, _ in tput)
        print("summary: throughput ratio (candidate/redis) over %d cases: min=%.2f (%s) median=%.2f"
              % (len(tput), lo[0], lo[1], med))
        both = tput + lat
        print("summary: throughput and request latency ratios over %d cases: min=%.2f (%s) median=%.2f"
              % (len(both), min(both)[0], min(both)[1], statistics.median(r for r, _ in both)))
    else:
        print("summary: no throughput case ran")


def main():
    cmd = sys.argv[1]
    a = sys.argv[2:]
    if cmd == "freeport":
        freeport(int(a[0]))
    elif cmd == "gen":
        gen(int(a[0]), int(a[1]), int(a[2]))
    elif cmd == "rss":
        print(rss(int(a[0])))
    elif cmd == "conns":
        conns(int(a[0]), int(a[1]), int(a[2]), float(a[3]))
    elif cmd == "report":
        report(a[0])
    else:
        sys.exit("unknown subcommand " + cmd)


if __name__ == "__main__":
    main()
