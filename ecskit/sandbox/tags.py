"""Tags on every taggable ECS resource: TagResource, UntagResource, ListTagsForResource.

"Currently, the supported resources are Amazon ECS capacity providers, tasks, services, task
definitions, clusters, and container instances." (botocore's TagResource docstring); task sets
take tags too (CreateTaskSet's `tags`). moto 5.2.5 raises NotImplementedError for container
instances. ECS's rules, with sources:

- An ARN that is not an ECS resource's: InvalidParameterException "The ARN provided is invalid."
  (https://github.com/boto/boto3/issues/2774).
- A service's short ARN (`service/NAME`): "If you try to tag a service with a short ARN, you
  receive an InvalidParameterException error." (TagResource docstring).
- At most 50 tags a resource; keys up to 128 and values up to 256 characters; the `aws:` prefix
  is reserved (TagResource docstring); a missing resource: ResourceNotFoundException ("The
  specified resource wasn't found.", its docstring in the model).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import EcsError

_ARN = re.compile(r"^arn:[^:]+:ecs:[^:]*:[^:]*:(?P<kind>[a-z-]+)/(?P<rest>.+)$")
MAX_TAGS = 50
NOT_FOUND = "The specified resource wasn't found."


def find_resource(backend: Any, arn: str) -> Any:
    """moto's object for an ECS resource ARN, or ECS's error."""
    match = _ARN.match(arn or "")
    if match is None:
        raise EcsError("InvalidParameterException", "The ARN provided is invalid.")
    kind, parts = match["kind"], match["rest"].split("/")
    found = None
    if kind == "cluster":
        found = backend.clusters.get(parts[-1])
        if found is None or found.status != "ACTIVE":
            raise EcsError("ClusterNotFoundException", "Cluster not found.")
    elif kind == "service":
        if len(parts) < 2:
            raise EcsError(
                "InvalidParameterException",
                "Tag a service by its long ARN (service/CLUSTER/NAME), not the short one.",
            )
        found = backend.services.get(f"{parts[0]}:{parts[1]}")
        if found is not None and found.status == "INACTIVE":
            found = None
    elif kind == "task-set" and len(parts) >= 3:
        service = backend.services.get(f"{parts[0]}:{parts[1]}")
        found = next(
            (ts for ts in getattr(service, "task_sets", []) if ts.task_set_arn == arn), None
        )
    elif kind == "task":
        found = next(
            (t for tasks in backend.tasks.values() for t in tasks.values() if t.task_arn == arn),
            None,
        )
    elif kind == "task-definition":
        family, _, rev = parts[-1].partition(":")
        if rev.isdigit():
            found = (backend.task_definitions.get(family) or {}).get(int(rev))
    elif kind == "capacity-provider":
        found = backend.capacity_providers.get(parts[-1])
    elif kind == "container-instance":
        found = next(
            (
                ci
                for instances in backend.container_instances.values()
                for ci in instances.values()
                if ci.container_instance_arn == arn or ci.id == parts[-1]
            ),
            None,
        )
    if found is None:
        raise EcsError("ResourceNotFoundException", NOT_FOUND)
    return found


def _check_tags(tags: list[dict[str, Any]]) -> None:
    for tag in tags:
        key, value = tag.get("key") or "", tag.get("value") or ""
        if key.lower().startswith("aws:"):
            raise EcsError(
                "InvalidParameterException",
                f"Tag key {key!r}: the 'aws:' prefix is reserved for AWS's own tags.",
            )
        if len(key) > 128 or len(value) > 256:
            raise EcsError(
                "InvalidParameterException",
                f"Tag {key[:40]!r}: keys are at most 128 and values at most 256 characters.",
            )


class Tags:
    """The op_* handlers for tags on ECS resources."""

    def op_TagResource(self, backend: Any, body: dict, environ: dict) -> dict:
        resource = find_resource(backend, body.get("resourceArn") or "")
        new = body.get("tags") or []
        _check_tags(new)
        merged = {t["key"]: t for t in (getattr(resource, "tags", None) or [])}
        for tag in new:
            merged[tag["key"]] = {"key": tag["key"], "value": tag.get("value", "")}
        if len(merged) > MAX_TAGS:
            raise EcsError(
                "LimitExceededException",
                f"A resource can have at most {MAX_TAGS} tags; this would make {len(merged)}. "
                "Remove some with UntagResource first.",
            )
        resource.tags = list(merged.values())
        return {}

    def op_UntagResource(self, backend: Any, body: dict, environ: dict) -> dict:
        resource = find_resource(backend, body.get("resourceArn") or "")
        keys = set(body.get("tagKeys") or [])
        resource.tags = [t for t in (getattr(resource, "tags", None) or []) if t["key"] not in keys]
        return {}

    def op_ListTagsForResource(self, backend: Any, body: dict, environ: dict) -> dict:
        resource = find_resource(backend, body.get("resourceArn") or "")
        return {"tags": list(getattr(resource, "tags", None) or [])}
