"""Container instances and their attributes: DeregisterContainerInstance, UpdateContainerAgent,
PutAttributes, DeleteAttributes and ListAttributes.

moto 5.2.5 crashes on an unknown container instance (a bare `Exception`), on an attribute with no
target, and filters ListAttributes by name and value wrongly. As documented (botocore's
docstrings, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutAttributes.html,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-constraints.html#attributes):

- PutAttributes creates or replaces "up to 10 custom attributes for each resource", "up to 10
  attributes in a single call"; DeleteAttributes takes "up to 10 attributes for each request",
  by name and target ("don't specify the value"). "If you specify the target ID using the short
  form, you must also specify the target type."
- ListAttributes lists one item per attribute per resource of the cluster; filtering by
  `attributeValue` needs `attributeName`.
- UpdateContainerAgent answers NoUpdateAvailableException when "the agent is already running the
  latest version" — the sandbox's agents always are.
"""

from __future__ import annotations

from typing import Any

from . import errors, paging
from .errors import EcsError

ATTRIBUTE_LIMIT = 10
TARGET_TYPE = "container-instance"


def find_instance(backend: Any, cluster: Any, name: str) -> Any:
    """The cluster's container instance with this id or ARN, or InvalidParameterException."""
    wanted = (name or "").split("/")[-1]
    instance = backend.container_instances.get(cluster.name, {}).get(wanted)
    if instance is None or not wanted:
        # wording ours: no public record of ECS's message for an unknown container instance
        raise EcsError(
            "InvalidParameterException",
            f"The container instance {name!r} was not found in cluster {cluster.name}. "
            "ListContainerInstances shows the cluster's instances.",
        )
    return instance


def _instance_arn(instance: Any) -> str:
    return instance.container_instance_arn


class ContainerInstances:
    """The op_* handlers for container instances and attributes (uses EcsLayer's moto())."""

    def op_DeregisterContainerInstance(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        instance = find_instance(backend, cluster, body.get("containerInstance") or "")
        request = {**body, "cluster": cluster.name, "containerInstance": instance.id}
        result = self.moto(environ, "DeregisterContainerInstance", request)
        self._cluster_changed(backend, cluster.name)
        return result

    def op_UpdateContainerAgent(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        instance = find_instance(backend, cluster, body.get("containerInstance") or "")
        version = (getattr(instance, "version_info", None) or {}).get("agentVersion", "")
        raise EcsError(
            "NoUpdateAvailableException",
            f"There is no update available for the container agent on {instance.id} "
            f"(agent {version or 'of the sandbox'}): the sandbox's agents are always the "
            "latest version.",
        )

    # -- attributes ------------------------------------------------------------------------
    def op_PutAttributes(self, backend: Any, body: dict, environ: dict) -> dict:
        pairs = _targets(backend, body)
        for instance, _attribute in pairs:  # check all first: nothing half-applied
            custom = set(instance.attributes) | {a["name"] for i, a in pairs if i is instance}
            if len({k for k in custom if not k.startswith("ecs.")}) > ATTRIBUTE_LIMIT:
                raise EcsError(
                    "AttributeLimitExceededException",
                    f"{instance.id} would have more than {ATTRIBUTE_LIMIT} custom attributes, "
                    "the most a resource can have. Delete some with DeleteAttributes first.",
                )
        for instance, attribute in pairs:
            instance.attributes[attribute["name"]] = attribute.get("value")
        return {"attributes": [_shown(i, a) for i, a in pairs]}

    def op_DeleteAttributes(self, backend: Any, body: dict, environ: dict) -> dict:
        pairs = _targets(backend, body)
        for instance, attribute in pairs:
            instance.attributes.pop(attribute["name"], None)
        return {"attributes": [_shown(i, a) for i, a in pairs]}

    def op_ListAttributes(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        name, value = body.get("attributeName"), body.get("attributeValue")
        if value is not None and not name:
            raise EcsError(
                "InvalidParameterException",
                "attributeValue filters by value only with attributeName: give both.",
            )
        found = []
        instances = backend.container_instances.get(cluster.name, {}).values()
        for instance in sorted(instances, key=_instance_arn):
            for key, val in sorted(instance.attributes.items()):
                if (name and key != name) or (value is not None and val != value):
                    continue
                item = {"name": key, "targetId": _instance_arn(instance), "targetType": TARGET_TYPE}
                if val is not None:
                    item["value"] = val
                found.append(item)
        return paging.paginate("ListAttributes", body, {"attributes": found})


def _targets(backend: Any, body: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
    """Each attribute of the request with the container instance it is for."""
    cluster = errors.find_cluster(backend, body.get("cluster"))
    attributes = body.get("attributes") or []
    _check_batch(attributes)
    return [(_target(backend, cluster, a), a) for a in attributes]


def _check_batch(attributes: list[dict[str, Any]]) -> None:
    if not attributes or len(attributes) > ATTRIBUTE_LIMIT:
        raise EcsError(
            "InvalidParameterException",
            f"attributes must hold 1 to {ATTRIBUTE_LIMIT} attributes; got {len(attributes)}. "
            f"Send them in batches of {ATTRIBUTE_LIMIT}.",
        )


def _target(backend: Any, cluster: Any, attribute: dict[str, Any]) -> Any:
    target = attribute.get("targetId") or ""
    kind = attribute.get("targetType")
    if not target:
        raise EcsError(
            "InvalidParameterException",
            f"attribute {attribute.get('name')!r}: give targetId, the container instance's "
            "ARN (or its id with targetType 'container-instance').",
        )
    if kind not in (None, TARGET_TYPE):
        raise EcsError(
            "InvalidParameterException", f"targetType must be {TARGET_TYPE!r}; got {kind!r}."
        )
    if not target.startswith("arn:") and kind is None:
        raise EcsError(
            "InvalidParameterException",
            f"targetId {target!r} is a short id: give targetType 'container-instance' with it, "
            "or the full ARN.",
        )
    instance = backend.container_instances.get(cluster.name, {}).get(target.split("/")[-1])
    if instance is None:
        raise EcsError("TargetNotFoundException", f"Could not find {target}")
    return instance


def _shown(instance: Any, attribute: dict[str, Any]) -> dict[str, Any]:
    shown = {"name": attribute["name"], "targetId": _instance_arn(instance)}
    shown["targetType"] = TARGET_TYPE
    if attribute.get("value") is not None:
        shown["value"] = attribute["value"]
    return shown
