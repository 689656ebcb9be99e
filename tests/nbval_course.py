"""nbval settings for the course, loaded with `-p nbval_course` (see run-tests) so that no test
plumbing sits in the learners' `notebooks/` folder: outputs that differ between Graphviz versions
are not compared."""

from __future__ import annotations

import pytest


def pytest_collectstart(collector: pytest.Collector) -> None:
    # `dot` writes different SVG on each Graphviz version; compared cells check the DOT source.
    if type(collector).__name__ == "IPyNbFile":
        collector.skip_compare += ("image/svg+xml",)
