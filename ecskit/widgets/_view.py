"""What the console views share: a title, a refresh button, a message line and an HTML table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import ipywidgets as widgets

from .. import ops
from ._form import default_session

TABLE_STYLE = (
    "<style>.ecskit-table{border-collapse:collapse;font-size:13px}"
    ".ecskit-table th,.ecskit-table td{border-bottom:1px solid #ddd;padding:3px 10px;"
    "text-align:left;vertical-align:top}</style>"
)


def html_table(rows: list[dict[str, Any]], columns: Sequence[tuple[str, str]], css: str) -> str:
    """Rows as an HTML table with the given (key, heading) columns; a note when empty."""
    if not rows:
        return f'<div class="{css} ecskit-empty"><i>None yet.</i></div>'
    head = "".join(f"<th>{escape(heading)}</th>" for _, heading in columns)
    body = "".join(
        f'<tr class="ecskit-row" data-key="{escape(str(row.get(columns[0][0], "")))}">'
        + "".join(f"<td>{escape(_text(row.get(key)))}</td>" for key, _ in columns)
        + "</tr>"
        for row in rows
    )
    return f'{TABLE_STYLE}<table class="ecskit-table {css}"><tr>{head}</tr>{body}</table>'


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d %H:%M:%S %Z")).strip()
    return str(value)


class View(widgets.VBox):
    """A console list view: `refresh()` re-reads the account; `rows` holds what is shown."""

    title = ""
    css = "ecskit-view"

    def __init__(self, session: Any = None) -> None:
        self.session = default_session(session)
        self.rows: list[dict[str, Any]] = []
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.add_class("ecskit-refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.message = widgets.HTML()
        self.message.add_class("ecskit-message")
        self.error = ""  # the error shown, until a refresh succeeds
        self.table = widgets.HTML()
        super().__init__()
        self.add_class(self.css)

    def header(self) -> widgets.Widget:
        # the button on the heading's line, beside it (the h3's own margins floated it above)
        heading = widgets.HTML(f'<h3 style="margin:0 12px 0 0">{escape(self.title)}</h3>')
        header = widgets.HBox([heading, self.refresh_button], layout={"align_items": "center"})
        header.add_class("ecskit-view-header")
        return header

    def load_rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def refresh(self) -> None:
        try:
            self.rows = self.load_rows()
        except ops.OpError as error:
            self.say(error.message, error=True)
            return
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            # an endpoint's answer without a field this view reads: say so, never a traceback
            self.say(
                f"The answer had no usable {error} field: this view cannot show it.", error=True
            )
            return
        if self.error:  # the account answered this time: the earlier failure no longer holds
            self.say("")
        self.show()

    def show(self) -> None:
        raise NotImplementedError

    def say(self, text: str, *, error: bool = False, html: bool = False) -> None:
        self.error = text if error else ""
        body = text if html else escape(text)
        css = "ecskit-error" if error else "ecskit-info"
        color = "#b00020" if error else "#1b5e20"
        self.message.value = (
            f'<div class="{css}" style="color:{color}">{body}</div>' if text else ""
        )


def run_safely(view: View, action: Callable[[], Any]) -> Any:
    """Run an ops action for a view, showing an OpError as the view's message."""
    try:
        return action()
    except ops.OpError as error:
        view.say(error.message, error=True)
        return None
