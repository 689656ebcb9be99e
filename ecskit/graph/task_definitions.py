"""The task definition part of the picture: revisions, their roles, containers, images, logs."""

from __future__ import annotations

from ..inventory import Inventory
from ..inventory import records as r
from .nodes import Node, Picture


def revision(pic: Picture, inventory: Inventory, revision: r.Revision) -> None:
    pic.add(
        Node(
            revision.arn,
            "revision",
            revision.name,
            revision,
            faded=revision.status != "ACTIVE",
            detail=revision.status if revision.status != "ACTIVE" else "",
        )
    )
    for relation, arn in (
        ("tasks act as", revision.task_role_arn),
        ("ECS starts tasks as", revision.execution_role_arn),
    ):
        if arn:
            role(pic, inventory, arn)
            pic.link(revision.arn, relation, arn)
    for container in revision.containers:
        node = pic.add(
            Node(
                f"{revision.arn}#container/{container.name}", "container", container.name, container
            )
        )
        pic.link(revision.arn, "contains", node.id)
        if container.image:
            image = pic.add(Node(f"image:{container.image}", "image", _short_image(container)))
            pic.link(node.id, "pulls", image.id)
            repository = _repository(inventory, container)
            if repository is not None:
                pic.add(Node(repository.key, "ECR repository", repository.name, repository))
                pic.link(image.id, "stored in", repository.key)
        if container.log_group:
            group = inventory.log_groups.get(f"log-group:{container.log_group}")
            key = f"log-group:{container.log_group}"
            missing = group is None or not group.visible
            pic.add(Node(key, "log group", container.log_group, group, faded=missing))
            pic.link(node.id, "logs to", key)


def role(pic: Picture, inventory: Inventory, arn: str) -> None:
    role = inventory.roles.get(arn)
    name = role.name if role else arn.rsplit("/", 1)[-1]
    pic.add(Node(arn, "IAM role", name, role, faded=role is None or not role.visible))
    for policy in role.policies if role else []:
        kind = "inline policy" if policy.inline else "policy"
        pic.add(Node(policy.key, kind, policy.name, policy))
        pic.link(arn, "embeds" if policy.inline else "attaches", policy.key)


def _repository(inventory: Inventory, container: r.Container) -> r.Repository | None:
    for repository in inventory.repositories:
        if repository.name == container.repository and container.image.startswith(repository.uri):
            return repository
    return None


def _short_image(container: r.Container) -> str:
    if container.repository:
        return f"{container.repository}:{container.tag}" if container.tag else container.repository
    return container.image
