"""ClusterForm's Managed Instances choice: the capacity provider AWS launches instances for.

botocore's CreateCapacityProvider.managedInstancesProvider: an infrastructure role, an instance
launch template (instance profile, subnets and security groups, instance requirements with vCPU
and memory ranges). Made with `cluster` set, it "becomes available only within the specified
cluster" (API_CreateCapacityProvider.html), so it is created after the cluster.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import express, ops, preview
from ..errors import plain_errors
from ..rules.model import check_request
from ._fields import Field

MI = "managedInstancesProvider"
LT = f"{MI}.instanceLaunchTemplate"
GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
# infrastructure_IAM_role.html: Managed Instances use the managed policy named below
ROLE_HELP = (
    "Lets ECS launch and stop the instances: trusted by ecs.amazonaws.com, with "
    "AmazonECSInfrastructureRolePolicyForManagedInstances."
)


INFRASTRUCTURE_ROLE = "ecsInfrastructureRoleForManagedInstances"
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForManagedInstances.html
INFRASTRUCTURE_POLICY = (
    "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForManagedInstances"
)
# managed-instances-instance-profile.html: role and profile ecsInstanceRole, trusted by
# ec2.amazonaws.com, with AmazonECSInstanceRolePolicyForManagedInstances (the infrastructure
# policy lets ECS pass only roles named ecsInstanceRole*)
INSTANCE_ROLE = "ecsInstanceRole"
INSTANCE_POLICY = "arn:aws:iam::aws:policy/AmazonECSInstanceRolePolicyForManagedInstances"
# a short form of the managed policies (for backends without AWS-managed policies)
INFRASTRUCTURE_RIGHTS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "arn:aws:iam::*:role/ecsInstanceRole*",
        },
    ],
}
INSTANCE_RIGHTS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll"],
            "Resource": "*",
        }
    ],
}


def create_roles(session: Any) -> tuple[str, str]:
    """The documented infrastructure role and instance profile (found or made): their ARNs."""
    role = ops.service_role(
        session,
        INFRASTRUCTURE_ROLE,
        trust=ops.trust_policy("ecs.amazonaws.com"),
        policy=INFRASTRUCTURE_POLICY,
        rights=INFRASTRUCTURE_RIGHTS,
        description="Lets ECS launch and manage Managed Instances.",
    )
    ops.service_role(
        session,
        INSTANCE_ROLE,
        trust=ops.trust_policy("ec2.amazonaws.com"),
        policy=INSTANCE_POLICY,
        rights=INSTANCE_RIGHTS,
        description="What Managed Instances run with: register with ECS.",
    )
    iam = session.iam
    with plain_errors(f"create the instance profile {INSTANCE_ROLE}"):
        try:
            found = iam.get_instance_profile(InstanceProfileName=INSTANCE_ROLE)["InstanceProfile"]
        except iam.exceptions.NoSuchEntityException:
            found = iam.create_instance_profile(InstanceProfileName=INSTANCE_ROLE)[
                "InstanceProfile"
            ]
        if not found.get("Roles"):
            iam.add_role_to_instance_profile(
                InstanceProfileName=INSTANCE_ROLE, RoleName=INSTANCE_ROLE
            )
    return role, str(found["Arn"])


def fit_rows(select: widgets.SelectMultiple, most: int = 8) -> None:
    """Show every option of a multiple choice (up to `most` rows), so no choice hides."""
    select.rows = max(2, min(len(select.options), most))


class ManagedInstancesSection:
    """The fields, the CreateCapacityProvider request and its submit, for one ClusterForm."""

    def __init__(self, form: Any) -> None:
        self.form = form
        wide = {"width": "420px"}
        self.role = widgets.Dropdown(options=[("None", "")], layout=wide)
        self.profile = widgets.Dropdown(options=[("None", "")], layout=wide)
        self.vpc = widgets.Dropdown(options=[], layout=wide)
        self.subnets = widgets.SelectMultiple(options=[], layout=wide)
        self.security_groups = widgets.SelectMultiple(options=[], layout=wide)
        small = {"width": "80px"}
        self.vcpu_min = widgets.BoundedIntText(value=1, min=0, max=1024, layout=small)
        self.vcpu_max = widgets.BoundedIntText(value=4, min=0, max=1024, layout=small)
        self.memory_min = widgets.BoundedIntText(value=2048, min=0, max=2**31 - 1, layout=small)
        self.memory_max = widgets.BoundedIntText(value=16384, min=0, max=2**31 - 1, layout=small)
        self.request = widgets.HTML()
        self.request.add_class("ecskit-capacity-provider-request")
        self.create_button = widgets.Button(
            description="Create both as documented", layout={"width": "220px"}
        )
        self.create_button.add_class("ecskit-create-managed-instances-roles")
        self.create_button.on_click(lambda _: self.create_roles())
        self.role_message = widgets.HTML()

        def label(text: str) -> widgets.HTML:
            return widgets.HTML(text, layout={"margin": "0 6px"})

        self.fields = [
            Field(
                f"{MI}.infrastructureRoleArn",
                self.role,
                label="Infrastructure role",
                help=ROLE_HELP,
                name="mi-infrastructure-role",
                extra=[self.create_button],
            ),
            Field(
                f"{LT}.ec2InstanceProfileArn",
                self.profile,
                label="Instance profile",
                help="The role the instances run with (ecsInstanceRole, as the guide names it).",
                name="mi-instance-profile",
            ),
            Field("", self.vpc, label="VPC", name="mi-vpc"),
            Field(
                f"{LT}.networkConfiguration.subnets",
                self.subnets,
                label="Subnets",
                name="mi-subnets",
            ),
            Field(
                f"{LT}.networkConfiguration.securityGroups",
                self.security_groups,
                label="Security groups",
                name="mi-security-groups",
            ),
            Field(
                f"{LT}.instanceRequirements",
                self.vcpu_min,
                label="vCPUs (min / max)",
                name="mi-vcpus",
                extra=[
                    label("to"),
                    self.vcpu_max,
                    label("memory MiB"),
                    self.memory_min,
                    label("to"),
                    self.memory_max,
                ],
                help="ECS picks instance types within these ranges.",
            ),
        ]
        boxes = [field.box for field in self.fields]
        self.box = widgets.VBox([*boxes[:2], self.role_message, *boxes[2:], self.request])
        self.box.add_class("ecskit-section")
        self.vpc.observe(lambda _: self._vpc_changed(), names="value")
        form.watch(
            self.role,
            self.profile,
            self.subnets,
            self.security_groups,
            self.vcpu_min,
            self.vcpu_max,
            self.memory_min,
            self.memory_max,
        )
        self._read = False

    def refresh_lists(self) -> None:
        """Roles trusted by ecs.amazonaws.com, instance profiles, VPCs (read when first shown)."""
        self._read = True
        session, read = self.form.session, self.form.read

        def profiles() -> list[tuple[str, str]]:
            pages = session.iam.get_paginator("list_instance_profiles").paginate()
            return sorted(
                (p["InstanceProfileName"], p["Arn"])
                for page in pages
                for p in page["InstanceProfiles"]
            )

        vpcs = read(lambda: session.ec2.describe_vpcs()["Vpcs"], [], "list VPCs")
        with self.form.holding():
            self.role.options = [
                ("None", ""),
                *read(lambda: express.infrastructure_roles(session), [], "list IAM roles"),
            ]
            self.profile.options = [("None", ""), *read(profiles, [], "list instance profiles")]
            self.vpc.options = [
                (
                    f"{v['VpcId']} {v.get('CidrBlock', '')}"
                    + (" (default)" if v.get("IsDefault") else ""),
                    v["VpcId"],
                )
                for v in vpcs
            ]
            default = [v["VpcId"] for v in vpcs if v.get("IsDefault")] or [v["VpcId"] for v in vpcs]
            self.vpc.value = default[0] if default else None
            self._vpc_changed()

    def create_roles(self) -> None:
        """Make (or find) the infrastructure role and instance profile, and choose them."""
        try:
            role, profile = create_roles(self.form.session)
        except ops.OpError as error:
            self.role_message.value = (
                f'<span class="ecskit-error" style="color:#b00020">✖ {escape(error.message)}</span>'
            )
            return
        self.role_message.value = (
            '<span style="font-size:12px">Created or found '
            f"<code>{escape(role)}</code> and <code>{escape(profile)}</code>.</span>"
        )
        with self.form.holding():
            self.refresh_lists()
            self.role.value, self.profile.value = role, profile

    @property
    def wanted(self) -> bool:
        return bool(self._read)

    def _vpc_changed(self) -> None:
        ec2, vpc, read = self.form.session.ec2, self.vpc.value, self.form.read
        where = [{"Name": "vpc-id", "Values": [vpc]}] if vpc else []
        subnets = read(lambda: ec2.describe_subnets(Filters=where)["Subnets"], [], "list subnets")
        groups = (
            read(
                lambda: ec2.describe_security_groups(Filters=where)["SecurityGroups"],
                [],
                "list security groups",
            )
            if vpc
            else []
        )
        with self.form.holding():
            self.subnets.options = [
                (f"{s['SubnetId']} {s.get('AvailabilityZone', '')}", s["SubnetId"])
                for s in (subnets if vpc else [])
            ]
            self.subnets.value = tuple(v for _, v in self.subnets.options)
            self.security_groups.options = [
                (f"{g['GroupId']} {g.get('GroupName', '')}", g["GroupId"]) for g in groups
            ]
            default = [g["GroupId"] for g in groups if g.get("GroupName") == "default"]
            self.security_groups.value = tuple(default[:1])
            fit_rows(self.subnets)
            fit_rows(self.security_groups)

    @staticmethod
    def provider_name(cluster: str) -> str:
        return f"{cluster}-managed-instances"

    def body(self, cluster: str) -> dict[str, Any]:
        """The CreateCapacityProvider request; input problems reported through `form.bad`."""
        body = {
            "name": self.provider_name(cluster),
            "cluster": cluster,
            MI: {
                "infrastructureRoleArn": self.role.value or "",
                "instanceLaunchTemplate": {
                    "ec2InstanceProfileArn": self.profile.value or "",
                    "networkConfiguration": {
                        "subnets": list(self.subnets.value),
                        "securityGroups": list(self.security_groups.value),
                    },
                    "instanceRequirements": {
                        "vCpuCount": {"min": self.vcpu_min.value, "max": self.vcpu_max.value},
                        "memoryMiB": {"min": self.memory_min.value, "max": self.memory_max.value},
                    },
                },
            },
        }
        bad = self.form.bad
        if not self.role.value:
            bad(
                f"{MI}.infrastructureRoleArn",
                "Infrastructure role is required: a role ecs.amazonaws.com may assume.",
            )
        if not self.profile.value:
            bad(
                f"{LT}.ec2InstanceProfileArn",
                "Instance profile is required: the profile the instances run with.",
            )
        if not self.subnets.value:
            bad(f"{LT}.networkConfiguration.subnets", "Choose at least one subnet.")
        for low, high, what in (
            (self.vcpu_min.value, self.vcpu_max.value, "vCPUs"),
            (self.memory_min.value, self.memory_max.value, "memory"),
        ):
            if low < 1 or low > high:
                bad(
                    f"{LT}.instanceRequirements",
                    f"Instance {what}: the minimum must be at least 1 and at most the maximum "
                    f"(now {low} to {high}).",
                )
        for problem in check_request("ecs", "CreateCapacityProvider", body):
            bad(problem.path, problem.message)
        shown = preview.as_cli("ecs", "create_capacity_provider", body, self.form.session)
        self.request.value = (
            '<details><summary style="font-size:12px">Then CreateCapacityProvider (AWS CLI)'
            f"</summary><pre>{escape(shown)}</pre></details>"
        )
        return body

    def create(self, body: dict[str, Any]) -> str:
        with plain_errors(f"create the capacity provider {body['name']!r}", list(body)):
            self.form.session.ecs.create_capacity_provider(**body)
        return str(body["name"])

    def delete(self, name: str) -> None:
        with plain_errors(f"delete the capacity provider {name!r}"):
            self.form.session.ecs.delete_capacity_provider(capacityProvider=name)

    def fill(self, provider: dict[str, Any]) -> None:
        """Set the fields from a managedInstancesProvider object (what a body may carry)."""
        template = provider.get("instanceLaunchTemplate") or {}
        requirements = template.get("instanceRequirements") or {}
        for dropdown, arn in (
            (self.role, provider.get("infrastructureRoleArn")),
            (self.profile, template.get("ec2InstanceProfileArn")),
        ):
            if arn and arn not in [v for _, v in dropdown.options]:
                dropdown.options = [*dropdown.options, (str(arn).rsplit("/", 1)[-1], arn)]
            dropdown.value = arn or ""
        vcpu, memory = requirements.get("vCpuCount") or {}, requirements.get("memoryMiB") or {}
        self.vcpu_min.value = int(vcpu.get("min", 1))
        self.vcpu_max.value = int(vcpu.get("max", self.vcpu_max.value))
        self.memory_min.value = int(memory.get("min", 2048))
        self.memory_max.value = int(memory.get("max", self.memory_max.value))
