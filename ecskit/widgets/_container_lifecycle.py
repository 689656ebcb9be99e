"""How one container starts and stops with the others, and how its image is pulled: essential,
dependsOn, and private registry credentials (a Secrets Manager secret).

botocore ContainerDefinition.essential: an essential container that stops stops the whole task;
"All tasks must have at least one essential container". ContainerDefinition.dependsOn: "When a
dependency is defined for container startup, for container shutdown it is reversed"; conditions
START, COMPLETE, SUCCESS, HEALTHY (ContainerDependency). RepositoryCredentials.credentialsParameter:
the secret's ARN, which the console asks for in full
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._fields import Field
from ._port_mappings import text_input

KEYS = ("essential", "dependsOn", "repositoryCredentials")
CONDITIONS = ("START", "COMPLETE", "SUCCESS", "HEALTHY")


class ContainerLifecycle:
    """The essential tick, the dependsOn line and the registry-credentials secret of a container."""

    def __init__(self, form: Any, container: dict[str, Any]) -> None:
        self.form = form
        self.essential = widgets.Checkbox(
            value=bool(container.get("essential", True)), indent=False
        )
        self.depends_on = text_input(
            _written(container.get("dependsOn")), "e.g. log-router:START, init:SUCCESS", "460px"
        )
        credentials = container.get("repositoryCredentials")
        credentials = credentials if isinstance(credentials, dict) else {}
        self.credentials_extra = {
            k: v for k, v in credentials.items() if k != "credentialsParameter"
        }
        self.private_registry = widgets.Checkbox(
            value="repositoryCredentials" in container,
            description="Private registry authentication",
            indent=False,
        )
        self.private_registry.add_class("ecskit-private-registry")
        self.secret = text_input(
            str(credentials.get("credentialsParameter", "")),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-login",
            "460px",
        )
        self.secret.add_class("ecskit-registry-secret")
        self.private_registry.observe(lambda _: self.render(), names="value")
        self.f_essential = Field(
            "",
            self.essential,
            label="Essential",
            help="If it stops, the task stops. A task needs at least one essential container.",
            name="essential",
        )
        self.f_depends = Field(
            "",
            self.depends_on,
            label="Depends on",
            help="Containers to wait for, as NAME:CONDITION (START, COMPLETE, SUCCESS or "
            "HEALTHY); at shutdown the order is reversed.",
            name="depends-on",
        )
        self.f_credentials = Field(
            "",
            widgets.VBox([self.private_registry, self.secret]),
            label="Registry credentials",
            help="For an image in a private registry outside ECR: the Secrets Manager secret "
            'holding {"username": ..., "password": ...}; the execution role must read it.',
            name="repository-credentials",
        )
        self.fields = [self.f_essential, self.f_depends, self.f_credentials]
        form.watch(self.essential, self.depends_on, self.private_registry, self.secret)
        self.render()

    def render(self) -> None:
        self.secret.layout.display = "" if self.private_registry.value else "none"

    def build(self, path: str, body: dict[str, Any]) -> None:
        """Put essential, dependsOn and repositoryCredentials into the container `body`."""
        body["essential"] = bool(self.essential.value)
        depends = []
        for number, item in enumerate(self.depends_on.value.split(","), start=1):
            if not item.strip():
                continue
            name, sep, condition = item.strip().partition(":")
            if not sep or not name.strip() or not condition.strip():
                self.form.bad(
                    f"{path}.dependsOn",
                    f"Depends on, item {number} ({item.strip()!r}): write NAME:CONDITION, e.g. "
                    f"log-router:START (conditions: {', '.join(CONDITIONS)}).",
                )
                continue
            depends.append({"containerName": name.strip(), "condition": condition.strip()})
        if depends:
            body["dependsOn"] = depends
        if self.private_registry.value:
            body["repositoryCredentials"] = {
                "credentialsParameter": self.secret.value.strip(),
                **self.credentials_extra,
            }

    def shown(self) -> dict[str, Any]:
        """Each key these inputs make, with the inputs' values (for keeping loaded values)."""
        return {
            "essential": self.essential.value,
            "dependsOn": self.depends_on.value,
            "repositoryCredentials": (self.private_registry.value, self.secret.value),
        }


def _written(depends: Any) -> str:
    if not isinstance(depends, list):
        return ""
    return ", ".join(
        f"{item.get('containerName', '')}:{item.get('condition', '')}"
        for item in depends
        if isinstance(item, dict)
    )
