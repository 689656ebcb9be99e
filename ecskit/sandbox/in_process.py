"""The sandbox reached in-process: each client's HTTP session hands requests to ecskit's WSGI layer.

Over HTTP a call is serialised, sent through a loopback socket to werkzeug's server thread,
parsed back into a WSGI environ and answered the same way. In-process, the client's *HTTP
session* (what botocore's Endpoint sends through, `self.http_session.send(request)`, only when
no `before-send` handler answered: botocore/endpoint.py `_do_get_response`; "If no response is
returned botocore will fulfill the request as normal",
https://docs.aws.amazon.com/botocore/latest/topics/events.html) builds that environ
from botocore's prepared request, calls the layer and returns an `AWSResponse`. Everything above
the socket is botocore's own, as over HTTP: signing, a user's before-send answer (it wins and the
sandbox never sees the request), botocore.stub.Stubber, the retry handler, every event hook.

That is the only way there is in a browser (Pyodide has neither sockets nor threads,
https://pyodide.org/en/stable/usage/wasm-constraints.html), and the faster one in CPython
(docs/sandbox-routes.md). The HTTP server stays for what lives outside the kernel: the AWS
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

from ..runtime import IN_BROWSER, THREADS
from .wsgi import WsgiApp, call_wsgi

# Where in-process clients point when there is no HTTP server (the browser): never contacted,
# the in-process HTTP session answers every request. (.invalid never resolves: RFC 2606.)
IN_PROCESS_URL = "http://sandbox.ecskit.invalid"
ROUTES = ("in-process", "http")
# The id of the creating-client-class handler on every event emitter it sits on.
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


class InProcessSession:
    """botocore's HTTP session for a sandbox client: `send()` answers with the layer, no socket.

    The same two methods botocore's Endpoint calls on its URLLib3Session (`send`, `close`)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def send(self, request: Any) -> AWSResponse:
        return call(self.app, request)

    def close(self) -> None:
        """Nothing to close: no connection pool, no socket."""


def attach(events: Any, app: WsgiApp) -> None:
    """Send every request of the clients made from now on through `events` (a boto3 session's
    emitter) to `app`, in this process. Once per emitter: a second call replaces the first."""

    class SendsInProcess:
        """Mixed into the client class: after botocore built the client (and its endpoint with a
        urllib3 pool that has opened nothing yet), swap the endpoint's HTTP session."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            endpoint = self._endpoint  # type: ignore[attr-defined]
            endpoint.http_session.close()
            endpoint.http_session = InProcessSession(app)

    def add_mixin(base_classes: list, **_: Any) -> None:
        # botocore builds the class from this list after the event (botocore/client.py,
        # `_create_client_class`; https://docs.aws.amazon.com/boto3/latest/guide/events.html):
        # first in the list, so its __init__ runs around BaseClient's
        base_classes.insert(0, SendsInProcess)

    # botocore ignores a second handler with the same id: the newest app must win
    events.unregister("creating-client-class", unique_id=_HANDLER_ID)
    events.register("creating-client-class", add_mixin, unique_id=_HANDLER_ID)


def sends_in_process(client: Any) -> bool:
    """Whether `client` (a botocore client) hands its requests to the layer in this process."""
    endpoint = getattr(client, "_endpoint", None)
    return isinstance(getattr(endpoint, "http_session", None), InProcessSession)
