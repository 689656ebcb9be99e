"""ecskit's WSGI layer in front of moto: where the sandbox learns to behave like ECS.

Every ECS call arrives as an operation name (from `X-Amz-Target`) and a JSON body. A handler
registered for that operation may answer it (an ECS error, a reshaped page) or pass it on to
moto. Everything else goes to moto untouched.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
WARM_REGION = "us-east-1"
WARM_ACCOUNT = "123456789012"

StartResponse = Callable[..., Any]


class EcsLayer:
    """WSGI middleware: sees ECS operations, waits for moto's warm-up, injects latency."""

    def __init__(self, app: Callable[..., Iterable[bytes]], sandbox: Any = None) -> None:
        self.app = app
        self.sandbox = sandbox
        self.warm = threading.Event()
        self.calls = 0

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

        threading.Thread(target=build, name="ecskit-sandbox-warm-up", daemon=True).start()

    def reset(self) -> None:
        """Forget the layer's own state (none yet beyond counters)."""
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self.calls += 1
        latency = getattr(self.sandbox, "latency", 0.0)
        if latency:
            time.sleep(latency)
        # A request that races the warm-up would build a second backend: wait for the first.
        self.warm.wait(timeout=30)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(ECS_TARGET_PREFIX):
            return self.ecs_call(target[len(ECS_TARGET_PREFIX) :], environ, start_response)
        return self.app(environ, start_response)

    def ecs_call(
        self, operation: str, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        return self.app(environ, start_response)


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back, so moto can still read it."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
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


def ecs_error(start_response: StartResponse, code: str, message: str) -> list[bytes]:
    """An ECS error as ECS sends it: boto3 raises `client.exceptions.<code>`."""
    return json_response(start_response, 400, {"__type": code, "message": message})
