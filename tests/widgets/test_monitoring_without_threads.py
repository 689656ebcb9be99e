"""MonitoringView following the sandbox clock where no thread can start (Pyodide, the
JupyterLite tab): it reads again in the clock's own call, and never starts a thread."""

from __future__ import annotations

import threading

from test_monitoring import _service

from ecskit.widgets import MonitoringView, monitoring_view


def _no_thread(*args, **kwargs):
    raise RuntimeError("can't start new thread")  # what Pyodide's threading says


def test_a_following_view_moves_with_the_clock_without_a_thread(session, monkeypatch) -> None:
    monkeypatch.setattr(monitoring_view, "THREADS", False)
    _service(session, insights="disabled")
    session.sandbox.clock = "manual"
    try:
        view = MonitoringView(session, "shop", "web", minutes=30, follow=True)
        points = len(view.series["CPUUtilization"])
        with monkeypatch.context() as threads:
            threads.setattr(threading.Thread, "start", _no_thread)
            session.sandbox.advance(180)  # each minute's read happens inside this call
    finally:
        session.sandbox.clock = "real"
    assert len(view.series["CPUUtilization"]) >= points + 3
    assert 'data-metric="CPUUtilization"' in view.chart.value
    view.close()
