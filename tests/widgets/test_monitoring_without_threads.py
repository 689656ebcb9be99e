"""MonitoringView following the sandbox clock where no thread can start (Pyodide, the
JupyterLite tab): it reads again in the clock's own call, and never starts a thread."""

from __future__ import annotations

import threading

from test_monitoring import _service

from ecskit.widgets import MonitoringView, monitoring_view


def test_a_following_view_moves_with_the_clock_without_a_thread(session, monkeypatch) -> None:
    monkeypatch.setattr(monitoring_view, "THREADS", False)

    def no_thread(*args, **kwargs):
        raise RuntimeError("can't start new thread")  # what Pyodide says

    box = session.sandbox
    box.clock = "manual"
    try:
        _service(session, insights="disabled")
        box.advance(120)
        view = MonitoringView(session, "shop", "web", minutes=30, follow=True)
        before = len(view.series["CPUUtilization"])
        monkeypatch.setattr(threading.Thread, "start", no_thread)
        box.advance(180)  # each minute's read happens inside this call
        monkeypatch.undo()
    finally:
        box.clock = "real"
    assert len(view.series["CPUUtilization"]) >= before + 3
    assert 'data-metric="CPUUtilization"' in view.chart.value
    view.close()
