"""`import ecskit` stays light: the heavy parts load only when used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("moto", "ipywidgets", "graphviz", "jupyterlab", "anywidget", "werkzeug", "flask")


def test_import_ecskit_loads_nothing_heavy() -> None:
    code = "import sys, ecskit; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(subprocess.check_output([sys.executable, "-c", code], text=True).split())
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_names_are_there_when_asked_for() -> None:
    import ecskit

    assert callable(ecskit.connect)
    assert ecskit.connect.__module__ == "ecskit.backend"
