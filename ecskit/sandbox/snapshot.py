"""Snapshots of the sandbox: the requests that made the state, replayed on an empty sandbox.

moto has no snapshot API and its objects hold locks and backends that do not pickle, so the
layer records every request that may change something (never reads) and a snapshot is that
list. After a reset moto's random ids start from the same seed, so replaying the same requests
in the same order makes the same ARNs and ids: a notebook can start "after chapter N".
"""

from __future__ import annotations

import copy
import io
import json
from typing import Any

FORMAT = "ecskit-sandbox-snapshot/1"


class SnapshotError(ValueError):
    """What was given to restore() is not a sandbox snapshot."""


def save(layer: Any) -> dict[str, Any]:
    with layer.lock:
        return {"format": FORMAT, "requests": copy.deepcopy(layer.recording)}


def restore(sandbox: Any, snapshot: dict[str, Any] | str | bytes) -> None:
    if isinstance(snapshot, str | bytes):
        snapshot = json.loads(snapshot)
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        raise SnapshotError(
            "restore() takes what sandbox.save() returned (a dict with format "
            f"{FORMAT!r}); got {type(snapshot).__name__}."
        )
    requests = snapshot.get("requests") or []
    sandbox.reset()
    layer = sandbox._layer()
    mode = layer.clock.mode
    with layer.lock:
        layer.replaying = True
        try:
            for number, request in enumerate(requests):
                layer.replayed = number
                _replay(layer, request)
                layer.settle()
        finally:
            layer.replaying = False
            layer.clock.mode = mode
        layer.recording = copy.deepcopy(requests)


def _replay(layer: Any, request: dict[str, Any]) -> None:
    from .layer import ECS_TARGET_PREFIX, call_wsgi

    if request["kind"] == "ecs":
        data = json.dumps(request["body"]).encode()
        region = request.get("region", "us-east-1")
        environ = _environ("POST", "/", "", data)
        environ["HTTP_HOST"] = f"ecs.{region}.amazonaws.com"
        environ["HTTP_X_AMZ_TARGET"] = ECS_TARGET_PREFIX + request["op"]
        environ["CONTENT_TYPE"] = "application/x-amz-json-1.1"
        environ["HTTP_AUTHORIZATION"] = (
            f"AWS4-HMAC-SHA256 Credential=testing/20240101/{region}/ecs/aws4_request, "
            "SignedHeaders=host, Signature=0"
        )
        op = request["op"]
        status, _, body = call_wsgi(lambda env, start: layer.ecs_call(op, env, start), environ)
        _check(status, body, op)
        return
    data = request["body"].encode("latin-1")
    environ = _environ(request["method"], request["path"], request["query"], data)
    environ.update(request["headers"])
    environ["CONTENT_LENGTH"] = str(len(data))
    layer._reseed(_region_of(request))
    status, _, body = call_wsgi(layer.app, environ)
    _check(status, body, request["path"])


def _check(status: str, body: bytes, what: str) -> None:
    if not status.startswith("2"):
        text = body.decode("utf-8", "replace")[:300]
        raise SnapshotError(f"replaying {what} failed ({status}): {text}")


def _region_of(request: dict[str, Any]) -> str:
    from .layer import region_of

    return region_of(request.get("headers") or {})


def _environ(method: str, path: str, query: str, data: bytes) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "0",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(data)),
    }
