"""The README's Python runs as written and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import ecskit

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_tour_runs_and_prints_what_it_says(session: ecskit.Session) -> None:
    [block] = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    promised = [line[2:] for line in block.splitlines() if line.startswith("# [")]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, str(README), "exec"), {})
    lines = printed.getvalue().splitlines()
    assert lines[: len(promised)] == promised
    assert lines[-1] == session.cli("ecs list-clusters")
