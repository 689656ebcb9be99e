"""What ECS resources point at: IAM roles and their policies, log groups, the network, ELB.

Looked up by the ids and ARNs the ECS side names, never by listing a whole account where a
filter can ask for just those (EC2 filters take 200 values a call).
"""

from __future__ import annotations

from typing import Any

from . import records as r
from .crawl import FILTER_VALUES, Crawl, chunks


class Linked:
    """Looks up linked resources as the ECS pass names them, then the network in three steps."""

    def __init__(self, crawl: Crawl) -> None:
        self.crawl = crawl
        self.inv = crawl.inv
        self.region = crawl.session.region
        self.target_groups: list[dict[str, Any]] = []
        self.load_balancers: list[dict[str, Any]] = []

    # -- roles -----------------------------------------------------------------------------
    def role(self, arn: str | None) -> None:
        """Look up a role (once) with its attached and inline policies."""
        if not arn or arn in self.inv.roles:
            return
        name = arn.rsplit("/", 1)[-1]
        path = arn.split(":role", 1)[-1].rsplit("/", 1)[0] + "/" if ":role/" in arn else "/"
        role = self.inv.roles.add(r.Role(arn=arn, name=name, path=path, visible=False))
        crawl = self.crawl

        def got(answer: dict[str, Any]) -> None:
            role.raw = answer.get("Role", {})
            role.visible = True

        def attached(items: list[dict[str, Any]]) -> None:
            role.policies += [
                r.Policy(raw=p, name=p["PolicyName"], arn=p["PolicyArn"], role=arn) for p in items
            ]

        def inline(names: list[str]) -> None:
            role.policies += [r.Policy(name=n, inline=True, role=arn) for n in names]

        label = f"IAM role {name}"
        crawl.request(label, "iam", "GetRole", got, RoleName=name)
        crawl.pages(
            f"{label} policies", "iam", "ListAttachedRolePolicies", "AttachedPolicies",
            attached, RoleName=name,
        )  # fmt: skip
        crawl.pages(
            f"{label} inline policies", "iam", "ListRolePolicies", "PolicyNames", inline,
            RoleName=name,
        )  # fmt: skip

    def listed_role(self, items: list[dict[str, Any]]) -> None:
        """Roles found by ListRoles (the ECS service-linked role): known, policies still asked."""
        for item in items:
            self.role(item["Arn"])
            self.inv.roles[item["Arn"]].raw = item
            self.inv.roles[item["Arn"]].visible = True

    # -- log groups ------------------------------------------------------------------------
    def log_group(self, name: str | None, region: str | None) -> None:
        key = f"log-group:{name}"
        if not name or key in self.inv.log_groups:
            return
        group = self.inv.log_groups.add(r.LogGroup(name=name, visible=False))
        if region and region != self.region:
            self.crawl.note(
                f"log group {name}: in region {region}, not looked up from {self.region}"
            )
            return

        def found(items: list[dict[str, Any]]) -> None:
            for item in items:
                if item.get("logGroupName") == name:
                    group.raw, group.arn, group.visible = item, item.get("arn", ""), True

        def done() -> None:
            if not group.visible:
                self.crawl.note(
                    f"log group {name}: does not exist — containers that log to it cannot start"
                )

        self.crawl.pages(
            f"log group {name}", "logs", "DescribeLogGroups", "logGroups", found, done,
            logGroupNamePrefix=name,
        )  # fmt: skip

    # -- network and load balancers, once the ECS pass is done ------------------------------
    def network_first(self) -> None:
        """Task ENIs not covered by their service's network configuration; ELB's lists."""
        covered = {
            (s.cluster_arn, s.name) for s in self.inv.services if s.subnets or s.security_groups
        }
        enis = sorted(
            {
                eni
                for t in self.inv.tasks
                if (t.cluster_arn, t.service_name) not in covered
                for eni in t.network_interfaces
            }
        )
        by_eni = {eni: t for t in self.inv.tasks for eni in t.network_interfaces}

        def got_enis(items: list[dict[str, Any]]) -> None:
            for item in items:
                task = by_eni.get(item["NetworkInterfaceId"])
                if task is not None:
                    task.security_groups += [g["GroupId"] for g in item.get("Groups", [])]
                    if item.get("SubnetId") and item["SubnetId"] not in task.subnets:
                        task.subnets.append(item["SubnetId"])

        for batch in chunks(enis, FILTER_VALUES):
            self.crawl.pages(
                "network interfaces of tasks", "ec2", "DescribeNetworkInterfaces",
                "NetworkInterfaces", got_enis,
                Filters=[{"Name": "network-interface-id", "Values": batch}],
            )  # fmt: skip
        # the EC2 instances under container instances (ECS Anywhere's "mi-" ids are not EC2's)
        instances = {
            i.ec2_instance_id
            for i in self.inv.container_instances
            if i.ec2_instance_id.startswith("i-")
        }
        self._filtered(
            "EC2 instances", "DescribeInstances", "Reservations", "instance-id", instances,
            self._reservation,
        )  # fmt: skip
        if any(s.target_groups or s.traffic_shifts for s in self.inv.services):
            self.crawl.pages(
                "ELB target groups", "elbv2", "DescribeTargetGroups", "TargetGroups",
                self.target_groups.extend,
            )  # fmt: skip
            self.crawl.pages(
                "ELB load balancers", "elbv2", "DescribeLoadBalancers", "LoadBalancers",
                self.load_balancers.extend,
            )  # fmt: skip

    def network_second(self) -> None:
        """Subnets and security groups named by services and tasks; the linked ELB resources."""
        wanted_groups = {arn for s in self.inv.services for arn in s.target_groups}
        # blue/green, linear and canary services' green target groups
        wanted_groups |= {
            x.alternate_target_group for s in self.inv.services for x in s.traffic_shifts
        }
        for item in self.target_groups:
            if item["TargetGroupArn"] in wanted_groups:
                self.inv.target_groups.add(
                    r.TargetGroup(
                        raw=item,
                        arn=item["TargetGroupArn"],
                        name=item.get("TargetGroupName", ""),
                        vpc_id=item.get("VpcId", ""),
                        target_type=item.get("TargetType", ""),
                        load_balancer_arns=list(item.get("LoadBalancerArns", [])),
                    )
                )
        wanted_lbs = {arn for g in self.inv.target_groups for arn in g.load_balancer_arns}
        for item in self.load_balancers:
            if item["LoadBalancerArn"] in wanted_lbs:
                self.inv.load_balancers.add(
                    r.LoadBalancer(
                        raw=item,
                        arn=item["LoadBalancerArn"],
                        name=item.get("LoadBalancerName", ""),
                        type=item.get("Type", ""),
                        vpc_id=item.get("VpcId", ""),
                        dns_name=item.get("DNSName", ""),
                    )
                )
        providers = self.inv.capacity_providers
        subnets = {x for s in self.inv.services for x in s.subnets}
        subnets |= {x for t in self.inv.tasks for x in t.subnets}
        subnets |= {x for p in providers for x in p.subnets}
        subnets |= {i.subnet_id for i in self.inv.ec2_instances if i.subnet_id}
        groups = {x for s in self.inv.services for x in s.security_groups}
        groups |= {x for t in self.inv.tasks for x in t.security_groups}
        groups |= {x for p in providers for x in p.security_groups}
        self._filtered("subnets", "DescribeSubnets", "Subnets", "subnet-id", subnets, self._subnet)
        self._filtered(
            "security groups", "DescribeSecurityGroups", "SecurityGroups", "group-id", groups,
            self._group,
        )  # fmt: skip

    def network_third(self) -> None:
        """The VPCs every subnet, security group, target group and load balancer is in."""
        vpcs = {x.vpc_id for table in (self.inv.subnets, self.inv.security_groups) for x in table}
        vpcs |= {x.vpc_id for x in self.inv.target_groups} | {
            x.vpc_id for x in self.inv.load_balancers
        }
        self._filtered("VPCs", "DescribeVpcs", "Vpcs", "vpc-id", vpcs - {""}, self._vpc)

    def _filtered(
        self, label: str, operation: str, key: str, name: str, ids: set[str], add: Any
    ) -> None:
        for batch in chunks(sorted(ids), FILTER_VALUES):
            self.crawl.pages(
                label, "ec2", operation, key, lambda items: [add(i) for i in items],
                Filters=[{"Name": name, "Values": batch}],
            )  # fmt: skip

    def _subnet(self, item: dict[str, Any]) -> None:
        self.inv.subnets.add(
            r.Subnet(
                raw=item,
                id=item["SubnetId"],
                vpc_id=item.get("VpcId", ""),
                availability_zone=item.get("AvailabilityZone", ""),
                cidr=item.get("CidrBlock", ""),
                name=_name_tag(item),
            )
        )

    def _group(self, item: dict[str, Any]) -> None:
        self.inv.security_groups.add(
            r.SecurityGroup(
                raw=item,
                id=item["GroupId"],
                name=item.get("GroupName", ""),
                vpc_id=item.get("VpcId", ""),
            )
        )

    def _reservation(self, item: dict[str, Any]) -> None:
        for instance in item.get("Instances") or []:
            self.inv.ec2_instances.add(
                r.Ec2Instance(
                    raw=instance,
                    id=instance["InstanceId"],
                    type=instance.get("InstanceType", ""),
                    state=(instance.get("State") or {}).get("Name", ""),
                    subnet_id=instance.get("SubnetId", ""),
                )
            )

    def _vpc(self, item: dict[str, Any]) -> None:
        self.inv.vpcs.add(
            r.Vpc(raw=item, id=item["VpcId"], cidr=item.get("CidrBlock", ""), name=_name_tag(item))
        )


def _name_tag(item: dict[str, Any]) -> str:
    return next((t["Value"] for t in item.get("Tags", []) if t.get("Key") == "Name"), "")
