"""How long one announcement import takes (issue 12: at most 200 ms per text).

    .venv/bin/python bench/import_speed.py [--rounds 20] [CASES_DIR ...]

Imports every NAME.txt of the case folders (default: tests/import_cases/seeds and
tests/import_cases/collected) `--rounds` times in this process, after one warm-up round
(module imports and regular expressions are compiled once per process, not per text), and
prints per case the median and the slowest time, then the figures over all texts, as wall
time and as this process's CPU time (on a shared machine the wall time's maximum mostly shows
other processes; the CPU time is the import's own cost). Exits 1 when an import's CPU time or
the median wall time is above the goal. Nothing is saved: this is the importer alone, without
HTTP or the database.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.events.importer import import_announcement  # noqa: E402

GOAL_MS = 200.0


def cases(folders: list[Path]) -> list[tuple[str, str, date | None]]:
    found = []
    for folder in folders:
        for text_file in sorted(folder.glob("*.txt")):
            facts_file = text_file.with_suffix(".json")
            as_of = json.loads(facts_file.read_text()).get("as_of") if facts_file.exists() else None
            found.append((f"{folder.name}/{text_file.stem}", text_file.read_text(),
                          date.fromisoformat(as_of) if as_of else None))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path,
                        default=[ROOT / "tests/import_cases/seeds", ROOT / "tests/import_cases/collected"])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = cases(args.folders)
    if not texts:
        print("no cases found", file=sys.stderr)
        return 1
    started = time.perf_counter()
    for _name, text, as_of in texts:
        import_announcement(text=text, as_of=as_of)
    print(f"warm-up (first round, includes module set-up): {(time.perf_counter() - started) * 1000:.0f} ms "
          f"for {len(texts)} texts")
    every: list[float] = []
    cpu: list[float] = []
    print(f"{'case':<40}{'chars':>7}{'median ms':>11}{'max ms':>9}{'cpu max ms':>12}")
    for name, text, as_of in texts:
        runs, cpu_runs = [], []
        for _ in range(args.rounds):
            t0, c0 = time.perf_counter(), time.process_time()
            import_announcement(text=text, as_of=as_of)
            runs.append((time.perf_counter() - t0) * 1000)
            cpu_runs.append((time.process_time() - c0) * 1000)
        every += runs
        cpu += cpu_runs
        print(f"{name:<40}{len(text):>7}{statistics.median(runs):>11.1f}{max(runs):>9.1f}{max(cpu_runs):>12.1f}")
    every.sort()
    cpu.sort()
    p95 = every[int(len(every) * 0.95) - 1]
    print(f"all {len(every)} imports, wall: median {statistics.median(every):.1f} ms, p95 {p95:.1f} ms, "
          f"max {every[-1]:.1f} ms; CPU: median {statistics.median(cpu):.1f} ms, max {cpu[-1]:.1f} ms "
          f"(goal: at most {GOAL_MS:.0f} ms per text)")
    return 0 if cpu[-1] <= GOAL_MS and statistics.median(every) <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
