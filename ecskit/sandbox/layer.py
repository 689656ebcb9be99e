"""ecskit's WSGI layer in front of moto: where the sandbox learns to behave like ECS.

Every ECS call arrives as an operation name (from `X-Amz-Target`) and a JSON body. An
`op_<Operation>` handler (operations.py) may answer it (an ECS error, a reshaped page) or pass
it on to moto. Everything else goes to moto untouched. Before each call the sandbox's clock
moves tasks through their lifecycle and the service scheduler does its work (see lifecycle.py,
scheduler.py); moto stays the store.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import fleet, paging, placement, recording, request_check, service_linked_role, tuning
from .clock import Clock
from .errors import EcsError
from .further_operations import FurtherOperations
from .lifecycle import Lifecycle, hold_moto_progression
from .operations import EcsOperations
from .scheduler import Scheduler
from .wsgi import call_wsgi

ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
WARM_REGION = "us-east-1"
WARM_ACCOUNT = "123456789012"
_REGION = re.compile(r"Credential=[^/]*/\d+/([^/]+)/")
_SERVICE = re.compile(r"Credential=[^/]*/\d+/[^/]+/([^/]+)/")

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]

# Seconds of scheduler work a request may wait for (the rest waits for the next request).
TICK_BUDGET = 0.1
# ECS operations that change nothing: never recorded for snapshots.
_READS = ("Describe", "List", "Get", "Discover")


class _MotoAnswer(Exception):
    """moto answered with an error: pass it on as it is (it is already in AWS's format)."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        super().__init__(status)
        self.status, self.headers, self.body = status, headers, body


class EcsLayer(EcsOperations, FurtherOperations):
    """WSGI middleware: ECS's checks, paging, lifecycle and scheduler in front of moto."""

    def __init__(self, app: Callable[..., Iterable[bytes]], sandbox: Any = None) -> None:
        self.app = app
        self.sandbox = sandbox
        self.warm = threading.Event()
        self.calls = 0
        self.clock = Clock()
        self.lifecycle = Lifecycle(self.clock)
        self.scheduler = Scheduler(self.clock, self.lifecycle)
        self.scheduler.hook_results.on_change = self._hook_result_set
        self.lock = threading.RLock()
        self.recording: list[dict[str, Any]] = []
        self.replaying = False
        self.replayed = 0  # requests replayed so far (restore): seeds as the recording did
        self.hooks: list[Any] = []  # extra behaviour (monitoring, load balancers, Cloud Map)
        self.integrations: Any = None
        self.activations = fleet.Activations()
        _install(self)
        try:
            from . import integrations

            integrations.install(self)
        except ImportError:  # pragma: no cover - the integrations module is optional
            pass
        from . import service_metrics

        self.service_load = service_metrics.install(self)  # AWS/ECS, alarms, auto scaling

    def warm_up(self) -> None:
        """Build moto's ECS and EC2 backends in the background (~650 ms the first time)."""

        def build() -> None:
            try:
                from moto.ec2.models import ec2_backends
                from moto.ecs.models import ecs_backends

                ecs_backends[WARM_ACCOUNT][WARM_REGION]
                ec2_backends[WARM_ACCOUNT][WARM_REGION]
            finally:
                self.warm.set()

        from .in_process import THREADS

        if not THREADS:  # Pyodide: no threads, so the warm-up runs in the foreground
            build()
            return
        threading.Thread(target=build, name="ecskit-sandbox-warm-up", daemon=True).start()

    def reset(self) -> None:
        """Forget the layer's own state: moving tasks, busy services, the recording."""
        from moto.moto_api._internal import mock_random

        self.calls = 0
        self.lifecycle.reset()
        self.scheduler.reset()
        # a fresh sandbox starts at wall time again (time moved by advance() is forgotten)
        self.clock.set_now(time.time())
        self.recording = [recording.clock_state(self.clock)]  # the clock as the state began
        self.replayed = 0
        if self.integrations is not None:
            self.integrations.next_publish = 0.0
        self.service_load.reset()
        hold_moto_progression()
        mock_random.seed(0)

    def _hook_result_set(self, arn: str, result: str | None) -> None:
        """Sandbox.hook_results changed: kept in the recording (snapshots replay it)."""
        if not self.replaying:
            with self.lock:
                self.recording.append(
                    {"kind": "hook", "at": self.clock.now(), "arn": arn, "result": result}
                )

    # -- time ----------------------------------------------------------------------------
    def tick(self, budget: float | None = TICK_BUDGET) -> None:
        """Bring tasks and services to where the clock says they are (`budget`: see _tick)."""
        insights = getattr(self, "integrations", None)
        if insights is not None and insights.due():
            with self.lock:
                self._tick(budget)
                insights.publish()
                self.service_load.publish()  # same minute: AWS/ECS, then alarms and scaling
            return
        if not self.lifecycle.moving and self.scheduler.idle:
            return
        with self.lock:
            self._tick(budget)

    def _tick(self, budget: float | None = TICK_BUDGET) -> None:
        """Work in bounded steps: a request waits at most about `budget` seconds for the
        scheduler (what is left is done on the next request); settle() works to the end."""
        deadline = None if budget is None else time.monotonic() + budget
        for _ in range(200 if deadline is not None else 100_000):
            moved = self.lifecycle.tick(deadline)
            acted = self.scheduler.tick(deadline)
            if not (moved or acted):
                break
            if deadline is not None and time.monotonic() > deadline:
                break

    def advance(self, seconds: float) -> None:
        """Move the clock on by `seconds`, a step at a time, so services act between steps."""
        if seconds < 0:
            self.clock.advance(seconds)  # raises ClockError with the explanation
        left = float(seconds)
        while left > 0:
            step = min(left, self.clock.step or left)
            self.clock.advance(step)
            left -= step
            self.tick()

    def settle(self) -> None:
        """Every task and deployment at its steady state now, whatever the clock."""
        with self.lock:
            self.clock.rushing = True
            try:
                self.tick(budget=None)
            finally:
                self.clock.rushing = False

    # -- WSGI ----------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Every answer is an AWS error or result in the caller's protocol: never HTML."""
        try:
            return self._serve(environ, start_response)
        except request_check.RequestError as refused:
            return protocol_error(
                environ, start_response, refused.code, refused.message, refused.status
            )
        except Exception:  # the sandbox's own bug: HTTP 500, details in the sandbox's log
            log.error("sandbox: %s failed", environ.get("PATH_INFO"), exc_info=True)
            message = "The sandbox could not complete the request; the sandbox's log has details."
            return protocol_error(environ, start_response, "InternalFailure", message, 500)

    def _serve(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self.calls += 1
        latency = getattr(self.sandbox, "latency", 0.0)
        if latency:
            time.sleep(latency)
        # A request that races the warm-up would build a second backend: wait for the first.
        self.warm.wait(timeout=30)
        self.tick()
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(ECS_TARGET_PREFIX):
            return self.ecs_call(target[len(ECS_TARGET_PREFIX) :], environ, start_response)
        check_other_service(environ, target)
        if target == "AnyScaleFrontendService.DescribeScalingActivities":  # moto has none
            body = json.loads(read_body(environ) or b"{}")
            answer = self.service_load.scaling.describe(region_of(environ), body)
            return json_response(start_response, 200, answer)
        if target == "AmazonSSM.CreateActivation":
            body = json.loads(read_body(environ) or b"{}")
            return json_response(start_response, 200, self.activations.create(body))
        if target == "Logs_20140328.ListLogGroups":
            try:
                return self._list_log_groups(environ, start_response)
            except Exception as exc:  # never an HTML page
                log.debug("sandbox: ListLogGroups failed", exc_info=True)
                return _internal_failure(environ, start_response, str(exc).encode())
        record = self._recordable(environ)
        if record is not None:
            self._reseed()
        try:
            status, headers, body = call_wsgi(self.app, environ)
        except Exception as exc:  # a crash in moto: an AWS error, never an HTML page
            log.debug("sandbox: %s failed", environ.get("PATH_INFO"), exc_info=True)
            return _internal_failure(
                environ, start_response, f"{type(exc).__name__}: {exc}".encode()
            )
        if status.startswith("5") and b"<!doctype html" in body[:100].lower():
            return _internal_failure(environ, start_response, body)
        if record is not None and status.startswith("2") and not self.replaying:
            self.recording.append({**record, "at": self.recorded_at})
        start_response(status, headers)
        return [body]

    def _list_log_groups(self, environ: dict[str, Any], start_response: StartResponse) -> list:
        """CloudWatch Logs' ListLogGroups (moto 5.2.5 has only DescribeLogGroups)."""
        from moto.logs.models import logs_backends

        body = json.loads(read_body(environ) or b"{}")
        pattern = (body.get("logGroupNamePattern") or "").lower()
        region = region_of(environ)
        groups = [
            {
                "logGroupName": g.name,
                "logGroupArn": f"arn:aws:logs:{region}:{WARM_ACCOUNT}:log-group:{g.name}",
                "logGroupClass": getattr(g, "log_group_class", None) or "STANDARD",
            }
            for g in _log_groups(logs_backends[WARM_ACCOUNT][region])
            if pattern in g.name.lower()
        ]
        limit = int(body.get("limit") or 50)
        start = int(body.get("nextToken") or 0)
        page: dict[str, Any] = {"logGroups": groups[start : start + limit]}
        if start + limit < len(groups):
            page["nextToken"] = str(start + limit)
        return json_response(start_response, 200, page)

    def _reseed(self) -> None:
        """The n-th event of the recording always draws the same random ids (snapshots rely on
        it), and happens at the sandbox time noted here.

        moto builds a backend (EC2's draws its default VPC) from a seed of its own, whenever it
        is built (recording.seed_new_backends), so which backend a request touches no longer
        matters here.
        """
        from moto.moto_api._internal import mock_random

        self.recorded_at = self.clock.now()
        mock_random.seed(len(self.recording) if not self.replaying else self.replayed)

    def ecs_call(
        self, operation: str, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            region = known_region(environ)
            body = request_check.read_json(read_body(environ))
            # moto sees only what the model allows: nothing half-stored from a bad request
            body = request_check.check("ecs", operation, body)
        except request_check.RequestError as refused:
            return ecs_error(start_response, refused.code, refused.message, refused.status)
        from moto.ecs.models import ecs_backends

        backend = ecs_backends[WARM_ACCOUNT][region]
        handler = getattr(self, f"op_{operation}", None)
        changes = not operation.startswith(_READS)
        with self.lock:
            if changes:
                self._reseed()
            try:
                if handler is not None:
                    result = handler(backend, body, environ)
                else:
                    result = self.moto(environ, operation, body)
                    if operation in paging.result_keys():
                        result = paging.paginate(operation, body, result)
            except EcsError as exc:
                return ecs_error(start_response, exc.code, exc.message)
            except _MotoAnswer as answer:
                return self._moto_error(operation, answer, start_response)
            except Exception:  # a crash is the sandbox's fault: HTTP 500, details in the log
                log.error("sandbox: %s failed", operation, exc_info=True)
                return ecs_error(
                    start_response,
                    "ServerException",
                    f"The sandbox could not complete {operation}; this is a bug in ecskit's "
                    "sandbox, not in your request (the sandbox's log has the details).",
                    500,
                )
            if changes and not self.replaying:
                self.recording.append(
                    {"kind": "ecs", "at": self.recorded_at, "op": operation,
                     "region": region_of(environ), "body": body}
                )  # fmt: skip
        return json_response(start_response, 200, result)

    def _moto_error(
        self, operation: str, answer: _MotoAnswer, start_response: StartResponse
    ) -> list[bytes]:
        if answer.status.startswith("5"):
            text = answer.body.decode("utf-8", "replace")
            try:
                text = json.loads(text).get("message", text)
            except (ValueError, AttributeError):
                text = re.sub(r"<[^>]+>", " ", text)
                text = " ".join(text.split())[:300]
            return ecs_error(
                start_response,
                "ServerException",
                f"The sandbox could not complete {operation}: {text}",
            )
        start_response(answer.status, answer.headers)
        return [answer.body]

    # -- talking to moto -----------------------------------------------------------------
    def moto(self, environ: dict[str, Any], operation: str, body: dict[str, Any]) -> dict:
        """Call moto's ECS with `body`; its JSON answer, or _MotoAnswer on an error."""
        fast = tuning.answer(operation, WARM_ACCOUNT, region_of(environ), body)
        if fast is not None:
            return fast
        env = dict(environ)
        data = json.dumps(body, default=str).encode()
        env["wsgi.input"] = io.BytesIO(data)
        env["CONTENT_LENGTH"] = str(len(data))
        env["HTTP_X_AMZ_TARGET"] = ECS_TARGET_PREFIX + operation
        status, headers, payload = call_wsgi(self.app, env)
        if not status.startswith("2"):
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(payload))))
            raise _MotoAnswer(status, headers, payload)
        return json.loads(payload or b"{}")

    def describe_service(self, environ: dict[str, Any], service: Any) -> dict:
        found = self.moto(
            environ,
            "DescribeServices",
            {"cluster": service.cluster_name, "services": [service.name], "include": ["TAGS"]},
        )
        return found["services"][0]

    def describe_task(self, environ: dict[str, Any], task: Any) -> dict:
        found = self.moto(
            environ, "DescribeTasks", {"cluster": task.cluster_name, "tasks": [task.task_arn]}
        )
        return next(t for t in found["tasks"] if t["taskArn"] == task.task_arn)

    # -- recording, for snapshots --------------------------------------------------------------
    def _recordable(self, environ: dict[str, Any]) -> dict[str, Any] | None:
        """A non-ECS request that may change state (anything but a read), as kept for replay."""
        method = environ.get("REQUEST_METHOD", "GET")
        query = environ.get("QUERY_STRING", "")
        if method in ("GET", "HEAD") or "/moto-api" in environ.get("PATH_INFO", ""):
            return None
        raw = read_body(environ)
        action = re.search(rb"Action=([A-Za-z]+)", raw) or re.search(r"Action=([A-Za-z]+)", query)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        name = action.group(1) if action else target.split(".")[-1]
        if isinstance(name, bytes):
            name = name.decode()
        if not name:  # Smithy RPC v2 (CBOR): the operation is the path's last part
            name = environ.get("PATH_INFO", "").rpartition("/operation/")[2]
        if name.startswith(_READS) or name.startswith("BatchGet"):
            return None
        # the service and region replace the signature: a snapshot holds no credential
        return {
            "kind": "wsgi",
            "service": _service_of(environ),
            "region": region_of(environ),
            "method": method,
            "path": environ.get("PATH_INFO", "/"),
            "query": recording.unsigned_query(query),
            "headers": recording.replay_headers(environ),
            "body": raw.decode("latin-1"),
        }


def _install(layer: EcsLayer) -> None:
    """Patch moto where the wire cannot reach: new tasks are born PROVISIONING, with ECS's id
    format; placement."""
    from moto.ecs import models

    global _CURRENT
    _CURRENT = layer
    recording.install(layer)  # before the warm-up builds moto's backends: from their own seeds
    placement.install()
    service_linked_role.install()  # IAM's CreateServiceLinkedRole for ECS names it right
    hold_moto_progression()
    _fallback_dns_name()
    if getattr(models.Task.__init__, "_ecskit", False):
        return
    original = models.Task.__init__

    def __init__(self: Any, cluster: Any, task_definition: Any, *args: Any, **kwargs: Any) -> None:
        original(self, cluster, task_definition, *args, **kwargs)
        # ECS's task ids are 32 hex characters (moto's are UUIDs); the ARN is made from the id
        self.id = self.id.replace("-", "")
        if _CURRENT is not None:
            _CURRENT.lifecycle.born(self, task_definition)

    __init__._ecskit = True  # type: ignore[attr-defined]
    models.Task.__init__ = __init__  # type: ignore[method-assign]


_CURRENT: EcsLayer | None = None


class _DnsFromIp:
    """An ENI's private DNS name from its IP, as ECS reports it even without DNS hostnames.

    moto 5.2.5 only sets `private_dns_name` in a VPC with DNS hostnames on, and its awsvpc task
    crashes reading it otherwise. A non-data descriptor: moto's own value, when set, wins.
    """

    def __get__(self, eni: Any, owner: Any = None) -> Any:
        if eni is None:
            return self
        from moto.ec2.utils import generate_dns_from_ip

        return generate_dns_from_ip(eni.private_ip_address)


def _fallback_dns_name() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    if not isinstance(NetworkInterface.__dict__.get("private_dns_name"), _DnsFromIp):
        NetworkInterface.private_dns_name = _DnsFromIp()  # type: ignore[attr-defined]


def _log_groups(backend: Any) -> list[Any]:
    return sorted(backend.groups.values(), key=lambda g: g.name)


def _internal_failure(
    environ: dict[str, Any], start_response: StartResponse, page: bytes
) -> list[bytes]:
    """moto's HTML 500 page as an AWS error (InternalFailure) in the request's protocol."""
    text = " ".join(re.sub(rb"<[^>]+>", b" ", page).decode("utf-8", "replace").split())[:200]
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    what = target.split(".")[-1] or environ.get("PATH_INFO", "")
    message = f"The sandbox could not complete {what}: {text}"
    return protocol_error(environ, start_response, "InternalFailure", message, 500)


def protocol_error(
    environ: dict[str, Any], start_response: StartResponse, code: str, message: str, status: int
) -> list[bytes]:
    """An AWS error in the protocol of the service called: JSON for JSON services (with
    X-Amz-Target), else the query protocol's XML (EC2's own shape for EC2)."""
    content = environ.get("CONTENT_TYPE", "")
    if environ.get("HTTP_X_AMZ_TARGET") or "json" in content or "cbor" in content:
        data = json.dumps({"__type": code, "message": message}).encode()
        kind = "application/x-amz-json-1.1"
    else:
        escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if _service_of(environ) == "ec2":
            data = (
                f"<Response><Errors><Error><Code>{code}</Code><Message>{escaped}</Message>"
                "</Error></Errors><RequestID>sandbox</RequestID></Response>"
            ).encode()
        else:
            side = "Receiver" if status >= 500 else "Sender"
            data = (
                f"<ErrorResponse><Error><Type>{side}</Type><Code>{code}</Code>"
                f"<Message>{escaped}</Message></Error><RequestId>sandbox</RequestId>"
                "</ErrorResponse>"
            ).encode()
        kind = "text/xml"
    reason = {400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
    start_response(
        f"{status} {reason.get(status, 'Error')}",
        [("Content-Type", kind), ("Content-Length", str(len(data))), ("x-amzn-ErrorType", code)],
    )
    return [data]


def _service_of(environ: dict[str, Any]) -> str:
    """The signing name of the service a request is for (its credential scope), or ''."""
    match = _SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


def region_of(environ: dict[str, Any]) -> str:
    """The region a signed request is for (its credential scope), else us-east-1."""
    match = _REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else WARM_REGION


# Query-protocol services by the name they sign with (credential scope) -> botocore's name.
_QUERY_SIGNERS = {"ec2": "ec2", "iam": "iam", "elasticloadbalancing": "elbv2",
                  "autoscaling": "autoscaling", "sts": "sts"}  # fmt: skip


def check_other_service(environ: dict[str, Any], target: str) -> None:
    """A request for a service other than ECS, checked against its model before moto."""
    known_region(environ)
    if environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD"):
        return
    prefix, _, operation = target.partition(".")
    service = request_check.services_by_target().get(prefix)
    if service is not None:
        body = request_check.read_json(read_body(environ))
        request_check.check(service, operation, body)
        return
    signer = _QUERY_SIGNERS.get(_service_of(environ))
    if signer is not None and not target:
        request_check.check_query(signer, read_body(environ), environ.get("QUERY_STRING", ""))


class RegionError(request_check.RequestError):
    """The request is signed for a region that does not exist."""


@functools.cache
def _regions() -> frozenset[str]:
    import botocore.session

    session = botocore.session.get_session()
    found: set[str] = set()
    for partition in session.get_available_partitions():
        found.update(session.get_available_regions("ecs", partition_name=partition))
    return frozenset(found)


def known_region(environ: dict[str, Any]) -> str:
    """The request's region if AWS has it (botocore's endpoint data), else RegionError.

    AWS refuses a signature scoped to a region that does not exist; moto would crash on it.
    """
    region = region_of(environ)
    if region not in _regions():
        close = difflib.get_close_matches(region, sorted(_regions()), n=1)
        hint = f"Did you mean {close[0]!r}?" if close else ""
        # JSON services answer InvalidSignatureException (400); query services
        # SignatureDoesNotMatch (403) (docs/sandbox-errors.md, question 9)
        json_call = bool(environ.get("HTTP_X_AMZ_TARGET"))
        raise RegionError(
            "InvalidSignatureException" if json_call else "SignatureDoesNotMatch",
            f"Credential should be scoped to a valid region, not {region!r}. {hint}".strip(),
            400 if json_call else 403,
        )
    return region


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back, so moto can still read it."""
    try:
        length = max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:  # a Content-Length that is not a number: read nothing
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def json_response(
    start_response: StartResponse, status: int, payload: dict[str, Any]
) -> list[bytes]:
    data = json.dumps(payload, default=str).encode()
    reason = {200: "OK", 400: "Bad Request", 500: "Internal Server Error"}.get(status, "")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))],
    )
    return [data]


def ecs_error(
    start_response: StartResponse, code: str, message: str, status: int = 400
) -> list[bytes]:
    """An ECS error as ECS sends it: boto3 raises `client.exceptions.<code>`."""
    return json_response(start_response, status, {"__type": code, "message": message})
