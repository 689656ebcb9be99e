"""The course under nbval and a test directory over each sandbox route, back to back.

.venv/bin/python benchmarks/routes.py [--tests tests/sandbox] [--rounds 2] [--skip-course]

Each run is its own pytest process with ECSKIT_SANDBOX_ROUTE set: the course as the README checks
it (nbval, lax, the course's sanitizer), then the test directory. Runs go http, in-process, then
in-process, http for a second round (ABBA) so load that grows or fades on a shared machine hits
both routes alike. Wall time, and the tests that failed: say what else was running.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUTES = ("http", "in-process")
COURSE = [
    "notebooks",
    "-p",
    "nbval_course",
    "--nbval-lax",
    "--nbval-current-env",
    "--nbval-sanitize-with",
    "tests/nbval_sanitize.cfg",
]


def run(arguments: list[str], route: str) -> tuple[float, str]:
    """Seconds of wall time and pytest's last line (with any failed test ids), for one pytest
    process on `route`."""
    environ = {**os.environ, "ECSKIT_SANDBOX_ROUTE": route, "PYTHONPATH": "tests"}
    command = [sys.executable, "-m", "pytest", *arguments, "-p", "no:cacheprovider", "-q", "-rf"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines() or ["(no output)"]
    failed = [line.split(" - ")[0] for line in lines if line.startswith("FAILED ")]
    return seconds, "\n".join([lines[-1], *(f"    {line}" for line in failed)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", default="tests/sandbox")
    parser.add_argument("--rounds", type=int, default=1, help="2 runs each route ABBA")
    parser.add_argument("--skip-course", action="store_true")
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args()
    suites = {} if args.skip_course else {"course (nbval)": COURSE}
    if not args.skip_tests:
        suites[args.tests] = [args.tests]
    for name, arguments in suites.items():
        seconds: dict[str, list[float]] = {route: [] for route in ROUTES}
        for round_ in range(args.rounds):
            for route in ROUTES if round_ % 2 == 0 else ROUTES[::-1]:
                took, last = run(arguments, route)
                seconds[route].append(took)
                print(f"{name:<20}{route:<12}{took:>8.1f} s   {last}", flush=True)
        ratio = sum(seconds["in-process"]) / sum(seconds["http"])
        print(f"{name:<20}{'ratio':<12}{ratio:>8.2f}x (in-process / HTTP)", flush=True)


if __name__ == "__main__":
    main()
