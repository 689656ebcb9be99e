"""The sandbox talking to moto: an ECS call as moto answers it (after tuning.py's fast
answers), and moto's errors passed on in AWS's format.

A mixin of `EcsLayer` (layer.py): it uses the layer's `app` (moto's WSGI app).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from . import tuning
from .wire import ECS_TARGET_PREFIX, WARM_ACCOUNT, StartResponse, ecs_error, region_of
from .wsgi import call_wsgi


class MotoAnswer(Exception):
    """moto answered with an error: pass it on as it is (it is already in AWS's format)."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        super().__init__(status)
        self.status, self.headers, self.body = status, headers, body


class MotoCalls:
    """Calls to moto's ECS, and its errors as the caller sees them."""

    def _moto_error(
        self, operation: str, answer: MotoAnswer, start_response: StartResponse
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

    def moto(self, environ: dict[str, Any], operation: str, body: dict[str, Any]) -> dict:
        """Call moto's ECS with `body`; its JSON answer, or MotoAnswer on an error."""
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
            raise MotoAnswer(status, headers, payload)
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
