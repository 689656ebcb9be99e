"""Running a WSGI app to the end, in this process: the layer calling moto, a snapshot's replay
calling the layer, Express Mode's calls to moto's other services, and the in-process route."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[..., Iterable[bytes]]


def call_wsgi(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list, bytes]:
    """`app`'s status line, headers and whole body for `environ`."""
    captured: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda _chunk: None  # the legacy write(): nothing here uses it

    chunks = app(environ, start)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return captured.get("status", "500 Internal Server Error"), captured.get("headers", []), body
