"""MonitoringView: CPU and memory utilization of a cluster or service over time, and its logs.

The chart is hand-written SVG, not a plotting library: two lines on a percent axis need none,
`import ecskit` stays light (matplotlib alone takes longer to import than ecskit), and the same
markup shows in JupyterLab, JupyterLite and a notebook's saved output without any extension.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, monitoring
from ..runtime import THREADS  # Pyodide (the JupyterLite tab) starts no thread
from ._view import View

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 34, 44  # room for the axis labels and the legend
COLORS = {"CPUUtilization": "#1f77b4", "MemoryUtilization": "#d62728"}
LABELS = {"CPUUtilization": "CPU utilization", "MemoryUtilization": "Memory utilization"}


def _ticks(top: float) -> list[float]:
    step = 25.0 if top <= 100 else 10 ** len(str(int(top))) / 4
    return [step * n for n in range(int(top // step) + 1)]


def line_chart(
    series: dict[str, list[tuple[dt.datetime, float]]],
    unit: str = "Percent",
    namespace: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> str:
    """An inline SVG line chart of each series over time, with a value axis (in `unit`), a time
    axis (UTC) and a legend naming each metric and its namespace; a note when there is no data."""
    points = [p for values in series.values() for p in values]
    if not points:
        return '<i class="ecskit-no-data">No CloudWatch data points yet for this time range.</i>'
    start = start or min(t for t, _ in points)
    end = end or max(t for t, _ in points)
    span = max((end - start).total_seconds(), 60.0)
    top = max(100.0, max(v for _, v in points))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: dt.datetime) -> float:
        return LEFT + inner_w * (t - start).total_seconds() / span

    def y(v: float) -> float:
        return TOP + inner_h - inner_h * v / top

    suffix = "%" if unit == "Percent" else ""
    parts = [
        f'<svg class="ecskit-chart" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">',
        f'<g class="ecskit-axis" data-axis="y" data-unit="{escape(unit)}">',
    ]
    for tick in _ticks(top):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
            f'stroke="#e5e5e5"/><text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick:g}{suffix}</text>'
        )
    parts.append(
        f'<text transform="translate(14 {TOP + inner_h / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(unit)}</text></g>'
    )
    parts.append('<g class="ecskit-axis" data-axis="x">')
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}" '
        'stroke="#888"/>'
    )
    for n in range(5):
        t = start + dt.timedelta(seconds=span * n / 4)
        anchor = ("start", "middle", "middle", "middle", "end")[n]
        parts.append(
            f'<line x1="{x(t):.1f}" y1="{TOP + inner_h}" x2="{x(t):.1f}" '
            f'y2="{TOP + inner_h + 4}" stroke="#888"/><text x="{x(t):.1f}" '
            f'y="{TOP + inner_h + 16}" text-anchor="{anchor}">{t:%H:%M}</text>'
        )
    parts.append(
        f'<text x="{LEFT + inner_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">'
        "Time (UTC)</text></g>"
    )
    legend_x = LEFT
    parts.append('<g class="ecskit-legend">')
    for name in series:
        color = COLORS.get(name, "#333")
        label = LABELS.get(name, name) + (f" ({namespace})" if namespace else "")
        parts.append(
            f'<line x1="{legend_x}" y1="14" x2="{legend_x + 18}" y2="14" stroke="{color}" '
            f'stroke-width="3"/><text x="{legend_x + 24}" y="18">{escape(label)}</text>'
        )
        legend_x += 30 + 7 * len(label)
    parts.append("</g>")
    for name, values in series.items():
        if not values:
            continue
        color = COLORS.get(name, "#333")
        line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in values)
        parts.append(
            f'<polyline class="ecskit-series" data-metric="{escape(name)}" '
            f'data-points="{len(values)}" fill="none" stroke="{color}" stroke-width="2" '
            f'points="{line}"/>'
        )
        if len(values) <= 60:  # dots while they can be told apart
            parts.extend(
                f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}">'
                f"<title>{escape(name)} {v:g}{suffix} at {t:%H:%M} UTC</title></circle>"
                for t, v in values
            )
    parts.append("</svg>")
    return "".join(parts)


class MonitoringView(View):
    """CPU and memory utilization of `cluster` (or one `service` in it), with its log lines.

    `follow=True` (on the sandbox): the view reads again each minute of sandbox time, as the
    sandbox publishes its metrics, so `sandbox.advance(...)` moves the chart along; until the
    view is closed or the sandbox reset (restore() resets it: make the view again).
    """

    css = "ecskit-monitoring"

    def __init__(
        self,
        session: Any = None,
        cluster: str = "default",
        service: str | None = None,
        log_group: str | None = None,
        minutes: int = 60,
        follow: bool = False,
    ) -> None:
        super().__init__(session)
        self.cluster, self.service, self.minutes = cluster, service, minutes
        self.log_group = log_group
        self.title = f"Monitoring: {service + ' in ' if service else ''}{cluster}"
        self.series: dict[str, list[tuple[dt.datetime, float]]] = {}
        self.reading: dict[str, Any] = {}
        self.logs: list[dict[str, Any]] = []
        self.chart = widgets.HTML()
        self.chart.add_class("ecskit-metrics")
        self.log_view = widgets.HTML()
        self.log_view.add_class("ecskit-logs")
        self.children = [self.header(), self.message, self.chart, self.log_view]
        self._pending = threading.Lock()
        self._again = False
        self.refresh()
        if follow:
            self.follow()

    def follow(self) -> None:
        """Read again after each minute the sandbox publishes (a no-op on a real account)."""
        load = getattr(getattr(getattr(self.session, "sandbox", None), "layer", None),
                       "service_load", None)  # fmt: skip
        if load is None:
            return
        me = weakref.ref(self)

        def minute() -> None:
            view = me()
            if view is None or view.comm is None:  # gone, or closed
                return
            view._again = True  # a refresh under way reads once more when it is done
            if not view._pending.acquire(blocking=False):
                return
            if not THREADS:  # Pyodide: read here; the in-process call re-enters the sandbox's RLock
                view._refresh_while_due()
                return
            # a thread of its own: the sandbox publishes under its lock, the read needs it
            threading.Thread(target=view._refresh_while_due, daemon=True).start()

        load.listeners.append(minute)

    def _refresh_while_due(self) -> None:
        try:
            while self._again:
                self._again = False
                self.refresh()
        finally:
            self._pending.release()

    def load_rows(self) -> list[dict[str, Any]]:
        self.reading = monitoring.utilization(
            self.session, self.cluster, self.service, self.minutes
        )
        self.series = self.reading["series"]
        group = self.log_group or self._guess_log_group()
        self.logs = monitoring.log_lines(self.session, group) if group else []
        return self.logs

    def _guess_log_group(self) -> str | None:
        """The awslogs group of the service's revision (the console shows the same)."""
        if not self.service:
            return None
        return console.service_log_group(self.session, self.cluster, self.service)

    def show(self) -> None:
        reading = self.reading or {}
        self.chart.value = line_chart(
            self.series,
            reading.get("unit", "Percent"),
            reading.get("namespace"),
            reading.get("start"),
            reading.get("end"),
        )
        if not self.logs:
            self.log_view.value = "<i>No log lines.</i>"
            return
        lines = "\n".join(f"{row['time']:%H:%M:%S} {escape(row['message'])}" for row in self.logs)
        self.log_view.value = f'<pre style="max-height:240px;overflow:auto">{lines}</pre>'
