"""`import ecskit` next to `import boto3` (target: ≤ 1.3×): medians over fresh processes.

.venv/bin/python benchmarks/import_time.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys


def fresh_import(module: str) -> float:
    """Seconds for one `import module` in a new interpreter, interpreter start-up excluded."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return float(subprocess.check_output([sys.executable, "-c", code], text=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    fresh_import("ecskit")  # fill the OS file cache and write .pyc files first
    fresh_import("boto3")
    # Interleaved, so drift on a shared machine hits both sides alike.
    # ecskit.backend is what the first connect() loads: boto3 and nothing heavier.
    timings: dict[str, list[float]] = {"boto3": [], "ecskit": [], "ecskit.backend": []}
    for _ in range(runs):
        for module in timings:
            timings[module].append(fresh_import(module))
    medians = {module: statistics.median(t) * 1000 for module, t in timings.items()}
    print(f"runs: {runs} fresh interpreters each, medians")
    for module, ms in medians.items():
        ratio = ms / medians["boto3"]
        print(f"import {module:<15} {ms:7.1f} ms  {ratio:5.2f}x boto3 (target <= 1.3x)")


if __name__ == "__main__":
    main()
