"""ecskit's WSGI layer in front of moto: where the sandbox learns to behave like ECS.

Every ECS call arrives as an operation name (from `X-Amz-Target`) and a JSON body. An
`op_<Operation>` handler (operations.py) may answer it (an ECS error, a reshaped page) or pass
it on to moto. Everything else goes to moto untouched. Before each call the sandbox's clock
moves tasks through their lifecycle and the service scheduler does its work (see lifecycle.py,
scheduler.py); moto stays the store.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import fleet, moto_patches, other_services, paging, recording, request_check
from .clock import Clock
from .errors import EcsError
from .further_operations import FurtherOperations
from .lifecycle import Lifecycle, hold_moto_progression
from .moto_calls import MotoAnswer, MotoCalls
from .operations import EcsOperations
from .scheduler import Scheduler
from .wire import (
    ECS_TARGET_PREFIX,
    WARM_ACCOUNT,
    WARM_REGION,
    StartResponse,
    ecs_error,
    internal_failure,
    json_response,
    known_region,
    protocol_error,
    read_body,
    region_of,
    signing_name,
)
from .wsgi import call_wsgi

log = logging.getLogger(__name__)

# Seconds of scheduler work a request may wait for (the rest waits for the next request).
TICK_BUDGET = 0.1
# ECS operations that change nothing: never recorded for snapshots.
_READS = ("Describe", "List", "Get", "Discover")


class EcsLayer(EcsOperations, FurtherOperations, MotoCalls):
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
        moto_patches.install(self)
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
        other_services.check_other_service(environ, target)
        if target == "AnyScaleFrontendService.DescribeScalingActivities":  # moto has none
            body = json.loads(read_body(environ) or b"{}")
            answer = self.service_load.scaling.describe(region_of(environ), body)
            return json_response(start_response, 200, answer)
        if target == "AmazonSSM.CreateActivation":
            body = json.loads(read_body(environ) or b"{}")
            return json_response(start_response, 200, self.activations.create(body))
        if target == "Logs_20140328.ListLogGroups":
            try:
                return other_services.list_log_groups(environ, start_response)
            except Exception as exc:  # never an HTML page
                log.debug("sandbox: ListLogGroups failed", exc_info=True)
                return internal_failure(environ, start_response, str(exc).encode())
        record = self._recordable(environ)
        if record is not None:
            self._reseed()
        try:
            status, headers, body = call_wsgi(self.app, environ)
        except Exception as exc:  # a crash in moto: an AWS error, never an HTML page
            log.debug("sandbox: %s failed", environ.get("PATH_INFO"), exc_info=True)
            return internal_failure(
                environ, start_response, f"{type(exc).__name__}: {exc}".encode()
            )
        if status.startswith("5") and b"<!doctype html" in body[:100].lower():
            return internal_failure(environ, start_response, body)
        if record is not None and status.startswith("2") and not self.replaying:
            self.recording.append({**record, "at": self.recorded_at})
        start_response(status, headers)
        return [body]

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
            except MotoAnswer as answer:
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
            "service": signing_name(environ),
            "region": region_of(environ),
            "method": method,
            "path": environ.get("PATH_INFO", "/"),
            "query": recording.unsigned_query(query),
            "headers": recording.replay_headers(environ),
            "body": raw.decode("latin-1"),
        }
