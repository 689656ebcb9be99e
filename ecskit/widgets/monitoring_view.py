"""MonitoringView: CPU and memory utilization of a cluster or service over time, and its logs."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, monitoring
from ._view import View

WIDTH, HEIGHT, PAD = 520, 160, 30
COLORS = {"CPUUtilization": "#1f77b4", "MemoryUtilization": "#d62728"}


def line_chart(series: dict[str, list[tuple[dt.datetime, float]]]) -> str:
    """An inline SVG line chart (0–100 %) of each series over time; a note when there is no data."""
    points = [p for values in series.values() for p in values]
    if not points:
        return '<i class="ecskit-no-data">No CloudWatch data points yet for this time range.</i>'
    start = min(t for t, _ in points)
    end = max(t for t, _ in points)
    span = max((end - start).total_seconds(), 1.0)
    top = max(100.0, max(v for _, v in points))

    def xy(t: dt.datetime, v: float) -> str:
        x = PAD + (WIDTH - 2 * PAD) * (t - start).total_seconds() / span
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg class="ecskit-chart" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="10">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#999"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>',
        f'<text x="2" y="{PAD + 4}">{top:.0f}%</text><text x="8" y="{HEIGHT - PAD}">0%</text>',
        f'<text x="{PAD}" y="{HEIGHT - 8}">{start:%H:%M}</text>',
        f'<text x="{WIDTH - PAD - 30}" y="{HEIGHT - 8}">{end:%H:%M}</text>',
    ]
    for legend, (name, values) in enumerate(series.items()):
        color = COLORS.get(name, "#333")
        if values:
            line = " ".join(xy(t, v) for t, v in values)
            parts.append(
                f'<polyline class="ecskit-series" data-metric="{escape(name)}" fill="none" '
                f'stroke="{color}" stroke-width="2" points="{line}"/>'
            )
        parts.append(
            f'<text x="{WIDTH - 170}" y="{14 + 12 * legend}" fill="{color}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


class MonitoringView(View):
    """CPU and memory utilization of `cluster` (or one `service` in it), with its log lines."""

    css = "ecskit-monitoring"

    def __init__(
        self,
        session: Any = None,
        cluster: str = "default",
        service: str | None = None,
        log_group: str | None = None,
        minutes: int = 60,
    ) -> None:
        super().__init__(session)
        self.cluster, self.service, self.minutes = cluster, service, minutes
        self.log_group = log_group
        self.title = f"Monitoring: {service + ' in ' if service else ''}{cluster}"
        self.series: dict[str, list[tuple[dt.datetime, float]]] = {}
        self.logs: list[dict[str, Any]] = []
        self.chart = widgets.HTML()
        self.chart.add_class("ecskit-metrics")
        self.log_view = widgets.HTML()
        self.log_view.add_class("ecskit-logs")
        self.children = [self.header(), self.message, self.chart, self.log_view]
        self.refresh()

    def load_rows(self) -> list[dict[str, Any]]:
        self.series = monitoring.metrics(self.session, self.cluster, self.service, self.minutes)
        group = self.log_group or self._guess_log_group()
        self.logs = monitoring.log_lines(self.session, group) if group else []
        return self.logs

    def _guess_log_group(self) -> str | None:
        """The awslogs group of the service's revision (the console shows the same)."""
        if not self.service:
            return None
        return console.service_log_group(self.session, self.cluster, self.service)

    def show(self) -> None:
        self.chart.value = line_chart(self.series)
        if not self.logs:
            self.log_view.value = "<i>No log lines.</i>"
            return
        lines = "\n".join(f"{row['time']:%H:%M:%S} {escape(row['message'])}" for row in self.logs)
        self.log_view.value = f'<pre style="max-height:240px;overflow:auto">{lines}</pre>'
