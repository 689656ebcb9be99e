"""Calls from the sandbox to moto's other services, on the wire, as boto3 would make them.

Express Mode makes load balancers, security groups, certificates, scaling policies, alarms and
log groups "on your behalf" (express-service-work page): the sandbox makes them through moto's
own API (botocore's serializer and parser, moto's WSGI app), so moto validates each request as
it validates a user's and `elbv2`, `ec2`, `acm`, `logs`, `cloudwatch` and
`application-autoscaling` describe them as if the user had made them.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from .wsgi import call_wsgi

# Protocols moto 5.2.5 answers; CloudWatch's first choice (smithy-rpc-v2-cbor) is skipped.
_SPOKEN = ("query", "ec2", "json", "rest-json", "rest-xml")


class WireError(Exception):
    """A moto service refused a call: its error code and message."""

    def __init__(self, service: str, operation: str, code: str, message: str) -> None:
        super().__init__(f"{service} {operation}: {code}: {message}")
        self.code, self.message = code, message


@functools.cache
def _model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def _protocol(model: Any) -> str:
    for name in model.metadata.get("protocols") or [model.metadata["protocol"]]:
        if name in _SPOKEN:
            return str(name)
    return str(model.metadata["protocol"])


class MotoClient:
    """`call(service, operation, **params)` against moto's WSGI app, answering the parsed result."""

    def __init__(self, app: Any, region: str, account: str = "123456789012") -> None:
        self.app, self.region, self.account = app, region, account

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        from botocore import parsers, serialize

        model = _model(service)
        op = model.operation_model(operation)
        protocol = _protocol(model)
        request = serialize.create_serializer(protocol).serialize_to_request(params, op)
        body = request["body"]
        if isinstance(body, dict):
            body = urlencode(body, doseq=True)
        if isinstance(body, str):
            body = body.encode()
        environ = self._environ(model, request, body or b"")
        status, headers, payload = call_wsgi(self.app, environ)
        answer = {
            "status_code": int(status.split()[0]),
            "headers": {k.lower(): v for k, v in headers},
            "body": payload,
        }
        parsed = parsers.create_parser(protocol).parse(answer, op.output_shape)
        if answer["status_code"] >= 300:
            error = parsed.get("Error") or {}
            raise WireError(
                service, operation, error.get("Code", "Error"), error.get("Message", "")
            )
        parsed.pop("ResponseMetadata", None)
        return parsed

    def _environ(self, model: Any, request: dict[str, Any], body: bytes) -> dict[str, Any]:
        # the snapshot's replay builds the same request environ (host and credential scope
        # route it to the service's moto backend and region)
        from .snapshot import _environ as replay_environ

        signing = model.metadata.get("signingName") or model.endpoint_prefix
        path, _, query = request["url_path"].partition("?")
        extra = urlencode(request.get("query_string") or {}, doseq=True)
        query = "&".join(q for q in (query, extra) if q)
        environ = replay_environ(request["method"], path, query, body, signing, self.region)
        for name, value in request["headers"].items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        return environ
