#!/usr/bin/env python3
"""What a process's resident memory is made of, read from /proc/PID/smaps (used by memory.sh; Linux only).

    python3 tests/bench/rss_parts.py PID                 the parts now, on one line
    python3 tests/bench/rss_parts.py --peak PID OUT      samples the RSS every 0.5 s until PID exits or this sampler
                                                         is sent SIGTERM, then writes the parts at the highest RSS seen
                                                         to OUT (with the process's VmHWM: a peak between two samples)

Parts, in MB of RSS:
  gc        anonymous memory inside the garbage collector's reservations (contiguous runs of anonymous mappings,
            committed or not, spanning gigabytes, that the GC reserves at start for its regions and their bookkeeping)
  malloc    glibc malloc: its brk heap and its arenas (64 MB-aligned reservations: zlib, ICU, OpenSSL, the runtime's
            own native allocations)
  jit       the runtime's executable memory (JIT code, stubs, precode data), mapped through its W^X double mapping: an
            executable view and, where the runtime writes, a writable view of the same pages ("rw" below it: a page
            mapped in both counts twice). With W^X off it is anonymous memory (anon). The JIT's own code is the least
            of it: 2.8 MB for the 11,700 methods a serve round of 4,000 feeds compiled, of 33 MB.
  anon      the rest of the anonymous memory: thread stacks, the runtime's loader heaps and metadata, GC bookkeeping
  dll, so   managed assemblies (ReadyToRun code, metadata) and native libraries mapped from their files
  data      other mapped files (Lucene's memory-mapped index files, ICU data)
"""
import re
import signal
import sys
import time

ARENA = 64 << 20
GC_RESERVATION = 4 << 30
PARTS = ("gc", "malloc", "jit", "anon", "dll", "so", "data")


def mappings(pid):
    maps = []
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                fields = line.split()
                start, end = (int(x, 16) for x in fields[0].split("-"))
                name = fields[5] if len(fields) > 5 else ""
                maps.append({"start": start, "end": end, "perm": fields[1], "name": name, "rss": 0})
            elif line.startswith("Rss:"):
                maps[-1]["rss"] = int(line.split()[1])
    return maps


def kind_of(name):
    if "doublemapper" in name:
        return "jit"
    if name == "[heap]":
        return "malloc"
    if name.endswith(".dll"):
        return "dll"
    if re.search(r"\.so(\.[0-9.]+)?$", name):
        return "so"
    if name.startswith("/"):
        return "data"
    return "anon"


def parts(pid):
    maps = mappings(pid)
    for m in maps:
        m["kind"] = kind_of(m["name"])
    # glibc arenas: a 64 MB-aligned reservation whose used start is read-write and whose rest is inaccessible.
    for used, rest in zip(maps, maps[1:]):
        if (used["kind"] == rest["kind"] == "anon" and used["perm"] == "rw-p" and rest["perm"] == "---p"
                and used["end"] == rest["start"] and used["start"] % ARENA == 0 and rest["end"] - used["start"] == ARENA):
            used["kind"] = rest["kind"] = "malloc"
    # The GC's reservation: contiguous anonymous mappings spanning gigabytes.
    run = []
    for m in maps + [None]:
        if m is not None and m["kind"] == "anon" and m["name"] == "" and run and run[-1]["end"] == m["start"]:
            run.append(m)
            continue
        if run and run[-1]["end"] - run[0]["start"] >= GC_RESERVATION:
            for r in run:
                r["kind"] = "gc"
        run = [m] if m is not None and m["kind"] == "anon" and m["name"] == "" else []
    sizes = dict.fromkeys(PARTS + ("jit_rw",), 0)
    for m in maps:
        sizes[m["kind"]] += m["rss"]
        if m["kind"] == "jit" and m["perm"].startswith("rw"):
            sizes["jit_rw"] += m["rss"]
    return {k: v // 1024 for k, v in sizes.items()}


def line(sizes):
    return ", ".join(f"{k} {sizes[k]}" + (f" (rw {sizes['jit_rw']})" if k == "jit" else "") for k in PARTS) + " MB"


def status_mb(pid, key):
    with open(f"/proc/{pid}/status") as status:
        for row in status:
            if row.startswith(key + ":"):
                return int(row.split()[1]) // 1024
    return 0


def peak(pid, out):
    stopped = False

    def stop(*_):
        nonlocal stopped
        stopped = True

    signal.signal(signal.SIGTERM, stop)
    best_rss, best, best_at, hwm, began = 0, None, 0.0, 0, time.monotonic()
    while not stopped:
        try:
            rss = status_mb(pid, "VmRSS")
            hwm = max(hwm, status_mb(pid, "VmHWM"))
            # A full read of smaps costs milliseconds: only when the RSS is above the highest read so far.
            if rss > best_rss:
                sizes = parts(pid)
                best_rss, best, best_at = rss, sizes, time.monotonic() - began
        except (FileNotFoundError, ProcessLookupError, IndexError):
            break
        time.sleep(0.5)
    with open(out, "w") as f:
        if best is None:
            f.write("no sample\n")
        else:
            f.write(f"peak RSS sampled {best_rss} MB at {best_at:.0f} s (VmHWM {hwm} MB): {line(best)}\n")


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(line(parts(sys.argv[1])))
    elif len(sys.argv) == 4 and sys.argv[1] == "--peak":
        peak(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
