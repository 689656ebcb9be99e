"""Calls for AWS services other than ECS: checked against their model before moto, and the
few answers moto 5.2.5 lacks (CloudWatch Logs' ListLogGroups)."""

from __future__ import annotations

import json
from typing import Any

from . import request_check
from .wire import (
    WARM_ACCOUNT,
    StartResponse,
    json_response,
    known_region,
    read_body,
    region_of,
    signing_name,
)

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
    signer = _QUERY_SIGNERS.get(signing_name(environ))
    if signer is not None and not target:
        request_check.check_query(signer, read_body(environ), environ.get("QUERY_STRING", ""))


def list_log_groups(environ: dict[str, Any], start_response: StartResponse) -> list:
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


def _log_groups(backend: Any) -> list[Any]:
    return sorted(backend.groups.values(), key=lambda g: g.name)
