"""What the sandbox reads from a request (its region, the service it is signed for, its body)
and how it answers: results and AWS errors in the caller's protocol, never an HTML page."""

from __future__ import annotations

import difflib
import functools
import io
import json
import re
from collections.abc import Callable
from typing import Any

from . import request_check

ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
WARM_REGION = "us-east-1"
WARM_ACCOUNT = "123456789012"
_REGION = re.compile(r"Credential=[^/]*/\d+/([^/]+)/")
_SERVICE = re.compile(r"Credential=[^/]*/\d+/[^/]+/([^/]+)/")

StartResponse = Callable[..., Any]


def region_of(environ: dict[str, Any]) -> str:
    """The region a signed request is for (its credential scope), else us-east-1."""
    match = _REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else WARM_REGION


def signing_name(environ: dict[str, Any]) -> str:
    """The signing name of the service a request is for (its credential scope), or ''."""
    match = _SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


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
        if signing_name(environ) == "ec2":
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


def internal_failure(
    environ: dict[str, Any], start_response: StartResponse, page: bytes
) -> list[bytes]:
    """moto's HTML 500 page as an AWS error (InternalFailure) in the request's protocol."""
    text = " ".join(re.sub(rb"<[^>]+>", b" ", page).decode("utf-8", "replace").split())[:200]
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    what = target.split(".")[-1] or environ.get("PATH_INFO", "")
    message = f"The sandbox could not complete {what}: {text}"
    return protocol_error(environ, start_response, "InternalFailure", message, 500)
