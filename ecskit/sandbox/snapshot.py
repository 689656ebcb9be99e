"""Snapshots of the sandbox: the events that made the state, replayed on an empty sandbox.

moto has no snapshot API and its objects hold locks and backends that do not pickle, so the
layer records what made the state (recording.py): every request that may change something,
every clock event (mode, each step of advance, settle) and the sandbox time of each. Restoring
resets the sandbox and replays the events at their own times, each from its own seed, so ids
repeat in any process, as often as it is restored, and a state saved mid-deployment comes back
mid-deployment. A snapshot holds no credential, token or signature: replay signs for the
recorded service and region itself.
"""

from __future__ import annotations

import copy
import io
import json
from typing import Any

from . import recording
from .wsgi import call_wsgi

FORMAT = "ecskit-sandbox-snapshot/2"
_PREFIX = "ecskit-sandbox-snapshot/"


class SnapshotError(ValueError):
    """What was given to restore() is not a snapshot this ecskit can restore."""


def save(layer: Any) -> dict[str, Any]:
    """The recording and the clock as they are now: JSON-ready (`json.dumps` it to a file)."""
    with layer.lock:
        clock = layer.clock
        now = {"mode": clock.mode, "step": clock.step, "now": clock.now()}
        return {"format": FORMAT, "clock": now, "events": copy.deepcopy(layer.recording)}


def restore(sandbox: Any, snapshot: dict[str, Any] | str | bytes) -> None:
    """Reset `sandbox`, then replay `snapshot`'s events; the clock ends as it was saved."""
    snapshot = _checked(snapshot)
    events = snapshot["events"]
    sandbox.reset()
    layer = sandbox._layer()
    clock = layer.clock
    with layer.lock:
        layer.replaying = True
        try:
            for number, event in enumerate(events):
                layer.replayed = number
                clock.pinned = float(event["at"])
                _replay(layer, number, event)
            saved = snapshot["clock"]
            clock.mode, clock.step = saved["mode"], float(saved["step"])
            clock.set_now(float(saved["now"]))
        except Exception:
            clock.pinned = None
            sandbox.reset()  # an empty sandbox, never a half-restored one
            raise
        finally:
            layer.replaying = False
        layer.recording = copy.deepcopy(events)


def _checked(snapshot: Any) -> dict[str, Any]:
    if isinstance(snapshot, str | bytes):
        try:
            snapshot = json.loads(snapshot)
        except ValueError as exc:
            raise SnapshotError(f"restore() was given text that is not JSON: {exc}") from None
    found = snapshot.get("format") if isinstance(snapshot, dict) else None
    if isinstance(found, str) and found.startswith(_PREFIX) and found != FORMAT:
        raise SnapshotError(
            f"This snapshot is in format {found!r}; this version of ecskit restores {FORMAT!r} "
            "only. Re-save it with this version of ecskit: rebuild the state (or restore it "
            "with the ecskit that saved it and re-create it), then call sandbox.save() again."
        )
    if (
        found != FORMAT
        or not isinstance(snapshot.get("events"), list)
        or not isinstance(snapshot.get("clock"), dict)
    ):
        raise SnapshotError(
            "restore() takes what sandbox.save() returned (a dict with format "
            f"{FORMAT!r}, its 'clock' and 'events'); got {type(snapshot).__name__}"
            + (f" with keys {sorted(snapshot)[:5]}." if isinstance(snapshot, dict) else ".")
        )
    return snapshot


def _replay(layer: Any, number: int, event: dict[str, Any]) -> None:
    """One event, as it happened: the clock's time is pinned to the event's."""
    from moto.moto_api._internal import mock_random

    kind = event.get("kind")
    clock = layer.clock
    if kind == "clock":
        clock.mode, clock.step = event["mode"], float(event["step"])
        mock_random.seed(number)
    elif kind == "advance":
        for step in range(int(event.get("steps", 1))):
            mock_random.seed(recording.step_seed(number, step))
            clock.advance(float(event["seconds"]))
            layer.tick()
    elif kind == "settle":
        mock_random.seed(number)
        layer.settle()
    elif kind == "ecs":
        layer.tick()  # as the layer does before every request
        _replay_ecs(layer, event)
    elif kind == "wsgi":
        layer.tick()
        _replay_request(layer, event)
    elif kind == "load":  # Sandbox.load(cluster, service, ...)
        layer.service_load.replay(event)
    elif kind == "hook":  # Sandbox.hook_results[arn] = result
        layer.scheduler.hook_results.quietly(event["arn"], event.get("result"))
    elif kind == "behaviour":  # Sandbox.behave(...)
        from .behaviour import replay

        replay(layer, event)
    else:
        raise SnapshotError(f"event {number} of the snapshot is of no kind ecskit knows: {kind!r}")


def _replay_ecs(layer: Any, event: dict[str, Any]) -> None:
    from .wire import ECS_TARGET_PREFIX

    op = event["op"]
    data = json.dumps(event["body"]).encode()
    environ = _environ("POST", "/", "", data, "ecs", event.get("region", "us-east-1"))
    environ["HTTP_X_AMZ_TARGET"] = ECS_TARGET_PREFIX + op
    environ["CONTENT_TYPE"] = "application/x-amz-json-1.1"
    status, _, body = call_wsgi(lambda env, start: layer.ecs_call(op, env, start), environ)
    _check(status, body, op)


def _replay_request(layer: Any, event: dict[str, Any]) -> None:
    data = event["body"].encode("latin-1")
    region = event.get("region", "us-east-1")
    environ = _environ(event["method"], event["path"], event["query"], data, "", region)
    environ.update(event["headers"])
    service = event.get("service")
    if service:
        environ["HTTP_AUTHORIZATION"] = _signature(service, region)
    else:  # the request came unsigned: moto routes it by its host, target or body
        environ.pop("HTTP_AUTHORIZATION", None)
    layer._reseed()
    status, _, body = call_wsgi(layer.app, environ)
    _check(status, body, event["path"])


def _signature(service: str, region: str) -> str:
    """A stand-in signature: moto reads the service and region from its credential scope."""
    return (
        f"AWS4-HMAC-SHA256 Credential=sandbox/20240101/{region}/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


def _check(status: str, body: bytes, what: str) -> None:
    if not status.startswith("2"):
        text = body.decode("utf-8", "replace")[:300]
        raise SnapshotError(f"replaying {what} failed ({status}): {text}")


def _environ(
    method: str, path: str, query: str, data: bytes, service: str, region: str
) -> dict[str, Any]:
    environ = {
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
    if service:
        environ["HTTP_HOST"] = f"{service}.{region}.amazonaws.com"
        environ["HTTP_AUTHORIZATION"] = _signature(service, region)
    return environ
