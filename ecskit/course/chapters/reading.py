"""What the chapter exercises share: the AWS pages they send to, reading a cluster, marking a
prediction against what the backend shows."""

from __future__ import annotations

from typing import Any

from ..result import Result

GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"


def cluster(session: Any, name: str) -> dict[str, Any] | None:
    """The ACTIVE cluster `name` with its tags and settings, or None."""
    found = session.ecs.describe_clusters(clusters=[name], include=["TAGS", "SETTINGS"])
    active = [c for c in found["clusters"] if c.get("status") == "ACTIVE"]
    return active[0] if active else None


def tags(resource: dict[str, Any]) -> dict[str, str]:
    return {t["key"]: t["value"] for t in resource.get("tags") or []}


def mark(result: Result, what: str, said: Any, truth: Any, hint: str, docs: str, ask: str) -> bool:
    """One prediction: not made yet, right, or wrong with why (`hint`) and where to read."""
    if said is None:
        return result.add(False, f"{what}: not predicted yet", f"predict first: {ask}", docs)
    right = _same(said, truth)
    return result.add(right, f"{what}: you said {said!r}, it is {truth!r}", hint, docs)


def _same(said: Any, truth: Any) -> bool:
    if isinstance(truth, bool) or isinstance(said, bool):
        return said is truth
    if isinstance(truth, int | float):
        try:
            return float(said) == float(truth)
        except (TypeError, ValueError):
            return False
    return str(said).strip().lower() == str(truth).strip().lower()


def service(session: Any, cluster_name: str, name: str) -> dict[str, Any] | None:
    """The ACTIVE service `name` of `cluster_name`, or None (also when the cluster is missing)."""
    ecs = session.ecs
    try:
        found = ecs.describe_services(cluster=cluster_name, services=[name])["services"]
    except ecs.exceptions.ClusterNotFoundException:
        return None
    return next((s for s in found if s.get("status") == "ACTIVE"), None)
