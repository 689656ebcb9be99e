"""A service's deployment history, read the fewest ways the API allows: what DeploymentsView and
RevisionDiff show (the console's Deployments tab)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .console import diff_revisions
from .errors import plain_errors
from .inventory.crawl import chunks

# botocore's ECS model: ListServiceDeployments pages up to 100; the Describe calls take 20 ARNs
LIST_PAGE = 100
DESCRIBE_AT_ONCE = 20


def service_deployments(
    session: Any, cluster: str, service: str, *, limit: int = 100
) -> list[dict[str, Any]]:
    """The service's newest `limit` deployments, newest first, each as DescribeServiceDeployments
    tells it (lifecycle stage, hooks, revisions with task counts and traffic weights, rollback).

    Every page of ListServiceDeployments, then one describe per 20 ARNs; a deployment the
    describe cannot find stays as the list told it.
    """
    ecs = session.ecs
    briefs: list[dict[str, Any]] = []
    with plain_errors(f"read the deployments of service {service}"):
        token = ""
        while len(briefs) < limit:
            page = ecs.list_service_deployments(
                cluster=cluster,
                service=service,
                maxResults=min(LIST_PAGE, limit - len(briefs)),
                **({"nextToken": token} if token else {}),
            )
            briefs += page.get("serviceDeployments") or []
            token = page.get("nextToken") or ""
            if not token:
                break
        described: dict[str, dict[str, Any]] = {}
        for chunk in chunks([b["serviceDeploymentArn"] for b in briefs[:limit]], DESCRIBE_AT_ONCE):
            answer = ecs.describe_service_deployments(serviceDeploymentArns=chunk)
            described.update((d["serviceDeploymentArn"], d) for d in answer["serviceDeployments"])
    found = [described.get(b["serviceDeploymentArn"], b) for b in briefs[:limit]]
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return sorted(found, key=lambda d: d.get("createdAt") or epoch, reverse=True)


def service_revisions(session: Any, arns: list[str]) -> dict[str, dict[str, Any]]:
    """Each service revision ARN's description (20 per call); ARNs ECS cannot find are left out."""
    found: dict[str, dict[str, Any]] = {}
    wanted = list(dict.fromkeys(arn for arn in arns if arn))
    with plain_errors("read service revisions"):
        for chunk in chunks(wanted, DESCRIBE_AT_ONCE):
            answer = session.ecs.describe_service_revisions(serviceRevisionArns=chunk)
            found.update((r["serviceRevisionArn"], r) for r in answer["serviceRevisions"])
    return found


# what names a service revision rather than what it runs (botocore model, ServiceRevision)
_REVISION_IDENTITY = ("serviceRevisionArn", "serviceArn", "clusterArn", "createdAt")


def diff_service_revisions(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """diff_revisions for two service revisions: task definition, network, load balancers,
    images... (their ARNs and creation times are not a difference)."""
    left = {k: v for k, v in a.items() if k not in _REVISION_IDENTITY}
    right = {k: v for k, v in b.items() if k not in _REVISION_IDENTITY}
    return diff_revisions(left, right)
