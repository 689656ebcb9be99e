"""The sandbox reached in-process: botocore hands each request to ecskit's WSGI layer directly.

Over HTTP a call is serialised, sent through a loopback socket to werkzeug's server thread,
parsed back into a WSGI environ and answered the same way. In-process, a `before-send` handler
builds that environ from botocore's prepared request, calls the layer and hands botocore an
`AWSResponse`: botocore stops there and parses it as if it had come over the wire
(botocore/endpoint.py, `_send`: "the first response returned by a before-send handler is used").

That is the only way there is in a browser (Pyodide has neither sockets nor threads,
https://pyodide.org/en/stable/usage/wasm-constraints.html), and the faster one in CPython
(benchmarks/in_process.py). The HTTP server stays for what lives outside the kernel: the AWS
CLI (`Session.cli()`) and `ecskit sandbox`.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.awsrequest import AWSResponse

from .wsgi import WsgiApp, call_wsgi

# Pyodide reports its platform as emscripten: no threads, no sockets there.
IN_BROWSER = sys.platform == "emscripten"
THREADS = not IN_BROWSER
# Where in-process clients point when there is no HTTP server (the browser): never contacted,
# every request stops at the before-send handler. (.invalid never resolves: RFC 2606.)
IN_PROCESS_URL = "http://sandbox.ecskit.invalid"
ROUTES = ("in-process", "http")
# The id of the before-send handler on every event emitter it sits on.
_HANDLER_ID = "ecskit-in-process"


class RouteError(ValueError):
    """ECSKIT_SANDBOX_ROUTE names a route the sandbox does not have."""


def route() -> str:
    """How the kernel's own clients reach the sandbox: ``in-process`` (the default) or ``http``
    (``ECSKIT_SANDBOX_ROUTE=http``, as before; never in a browser, where there is no HTTP)."""
    chosen = os.environ.get("ECSKIT_SANDBOX_ROUTE", "") or "in-process"
    if chosen not in ROUTES:
        raise RouteError(
            f"ECSKIT_SANDBOX_ROUTE={chosen!r} is not one of {', '.join(ROUTES)}: unset it "
            "(in-process, the fastest) or set it to 'http' to send every call over loopback."
        )
    return "in-process" if IN_BROWSER else chosen


class _Raw(io.BytesIO):
    """The answer's body as urllib3 would hand it to botocore: read() and stream()."""

    def stream(self, amt: int = 2**16, decode_content: bool | None = None) -> Iterable[bytes]:
        while chunk := self.read(amt):
            yield chunk


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _body(request: Any) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return body.read()  # a file-like body (an upload): read it whole, as the socket would


def environ_for(request: Any) -> dict[str, Any]:
    """The WSGI environ werkzeug's server would build for botocore's prepared `request`."""
    url = urlsplit(request.url)
    body = _body(request)
    port = str(url.port or (443 if url.scheme == "https" else 80))
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(url.path) or "/",
        "QUERY_STRING": url.query,
        "RAW_URI": url.path + (f"?{url.query}" if url.query else ""),
        "SERVER_NAME": url.hostname or "localhost",
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "",
        "HTTP_HOST": url.netloc,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": THREADS,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = _text(value)
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = _text(value)
    return environ


def call(app: WsgiApp, request: Any) -> AWSResponse:
    """`app`'s answer to botocore's prepared `request`, as botocore's own HTTP layer returns it."""
    status, headers, body = call_wsgi(app, environ_for(request))
    return AWSResponse(request.url, int(status.split(" ", 1)[0]), dict(headers), _Raw(body))


def attach(events: Any, app: WsgiApp) -> None:
    """Answer every request made through clients on `events` (a boto3 session's emitter, or a
    client's) with `app`, in this process. Registered once; clients made later copy it."""

    def send(request: Any, **_: Any) -> AWSResponse:
        return call(app, request)

    events.register("before-send", send, unique_id=_HANDLER_ID)
