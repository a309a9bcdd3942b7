"""Memory and CPU of process trees, read from /proc (Linux).

PSS (proportional set size, `Pss` in /proc/PID/smaps_rollup) counts a page shared by n
processes as 1/n to each: the sum over processes is what they really take together, where
the sum of RSS counts every shared page (the interpreter, forked copies) again for each
process. CPU is the process's own user + system time (`/proc/PID/stat`), which a busy
machine does not inflate the way it stretches wall time.
"""
from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """pid and every process below it (all threads' children)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                try:
                    stack.extend(int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split())
                except OSError:
                    continue
        except OSError:
            continue
    return found


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def pss_mb(pid: int) -> float:
    """Total PSS of a process tree, in MB."""
    return round(sum(pss_kb(p) for p in descendants(pid)) / 1024, 1)


def pss_by_process(pid: int) -> list[dict]:
    return [{"pid": p, "pss_mb": round(pss_kb(p) / 1024, 1), "command": command(p)[:160]} for p in descendants(pid)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process tree's live processes (with the children they reaped)."""
    total = 0
    for p in descendants(pid):
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # utime stime cutime cstime: fields 14-17 of stat, here 11-14 after "pid (comm)"
        total += sum(int(f) for f in fields[11:15])
    return total / CLOCK_TICKS
