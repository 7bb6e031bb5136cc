"""Run every benchmark in turn, each in its own process, and print their figures.

`python -m bench` (or `make bench`); `python -m bench planner receipts` runs only those.
The planner's report needs OR-Tools for its exact reference (`pip install -r bench/requirements.txt`).
"""
from __future__ import annotations

import subprocess
import sys

BENCHMARKS = {
    "planner": "bench.planner.report",
    "planning_request": "bench.planning_request",
    "lavka": "bench.lavka",
    "dispatch": "bench.dispatch",
    "api": "bench.api",
    "round_trips": "bench.round_trips",
    "dispatch_bursts": "bench.dispatch_bursts",
    "receipts": "bench.receipts",
    "faults": "bench.faults",
    "console": "bench.console",
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    failed = []
    for name in chosen:
        print(f"\n=== {name} ({BENCHMARKS[name]})", flush=True)
        if subprocess.call([sys.executable, "-m", BENCHMARKS[name]]) != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
