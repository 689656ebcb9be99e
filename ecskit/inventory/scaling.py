"""What scales and fronts a service: Application Auto Scaling targets and policies, the
CloudWatch alarms they (and deployments) watch, and what Express Mode made for a service.

Asked account-wide once (ServiceNamespace "ecs": a page of 50 targets, 10 policies) and kept
for the services of this snapshot; alarms are described by name, 100 a call; an Express
service (resourceManagementType "ECS") by DescribeExpressGatewayService, and its current
service revision's `ecsManagedResources` by DescribeServiceRevisions, 20 a call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import records as r
from . import scaling_records as sr
from .crawl import Crawl, chunks

# Application Auto Scaling's resource id of a service: "service/<cluster>/<service>"
# (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DescribeScalableTargets.html)
DIMENSION = "ecs:service:DesiredCount"
# botocore's cloudwatch model: AlarmNames {"max": 100}; ECS: "a maximum of 20 ARNs".
ALARMS_A_CALL = 100
REVISIONS_A_CALL = 20


def resource_id(service: r.Service) -> str:
    return f"service/{r.last_part(service.cluster_arn)}/{service.name}"


class Scaling:
    """Reads what scales each service, and Express services, once the services are known."""

    def __init__(self, crawl: Crawl, role: Callable[[str | None], None]) -> None:
        self.crawl = crawl
        self.role = role  # looks up a role and its policies (Linked.role)
        self.inv = crawl.inv
        self.by_resource: dict[str, r.Service] = {}
        self.alarm_names: set[str] = set()

    def start(self) -> None:
        """Targets and policies (only where there are services to scale); Express services."""
        if not self.inv.services:
            return
        self.by_resource = {resource_id(s): s for s in self.inv.services}
        self.crawl.pages(
            "Application Auto Scaling targets", "application-autoscaling",
            "DescribeScalableTargets", "ScalableTargets", self._targets,
            ServiceNamespace="ecs", ScalableDimension=DIMENSION,
        )  # fmt: skip
        self.crawl.pages(
            "Application Auto Scaling policies", "application-autoscaling",
            "DescribeScalingPolicies", "ScalingPolicies", self._policies,
            ServiceNamespace="ecs", ScalableDimension=DIMENSION,
        )  # fmt: skip
        express = [s for s in self.inv.services if s.managed_by == "ECS"]
        for service in express:
            self.alarm_names |= set(service.deployment_alarms)
            self.crawl.request(
                f"Express service {service.name}", "ecs", "DescribeExpressGatewayService",
                self._express, serviceArn=service.arn,
            )  # fmt: skip
        revisions = [a for s in express for a in s.current_revisions]
        for batch in chunks(revisions, REVISIONS_A_CALL):
            self.crawl.request(
                "resources Express made", "ecs", "DescribeServiceRevisions", self._managed,
                serviceRevisionArns=batch,
            )  # fmt: skip

    def describe_alarms(self) -> None:
        """The alarms named by policies, deployments and Express (after `start`'s answers)."""
        for batch in chunks(sorted(self.alarm_names), ALARMS_A_CALL):
            self.crawl.request(
                "CloudWatch alarms", "cloudwatch", "DescribeAlarms", self._alarms,
                AlarmNames=batch,
            )  # fmt: skip

    # -- answers ----------------------------------------------------------------------------
    def _targets(self, items: list[dict[str, Any]]) -> None:
        for item in self.crawl.each("scalable target", items):
            service = self.by_resource.get(str(item.get("ResourceId", "")))
            if service is None:  # a service outside this snapshot (another cluster)
                continue
            self.inv.scalable_targets.add(
                sr.ScalableTarget(
                    raw=item,
                    arn=str(item.get("ScalableTargetARN") or ""),
                    resource_id=str(item["ResourceId"]),
                    min_capacity=int(item.get("MinCapacity") or 0),
                    max_capacity=int(item.get("MaxCapacity") or 0),
                    service_arn=service.arn,
                )
            )

    def _policies(self, items: list[dict[str, Any]]) -> None:
        for item in self.crawl.each("scaling policy", items):
            if str(item.get("ResourceId", "")) not in self.by_resource:
                continue
            alarms = [str(a["AlarmName"]) for a in item.get("Alarms") or [] if a.get("AlarmName")]
            self.alarm_names |= set(alarms)
            self.inv.scaling_policies.add(
                sr.ScalingPolicy(
                    raw=item,
                    arn=str(item.get("PolicyARN", "")),
                    name=str(item.get("PolicyName", "")),
                    resource_id=str(item["ResourceId"]),
                    type=str(item.get("PolicyType", "")),
                    alarms=alarms,
                )
            )

    def _alarms(self, answer: dict[str, Any]) -> None:
        for item in self.crawl.each("CloudWatch alarm", answer.get("MetricAlarms")):
            self.inv.alarms.add(
                sr.Alarm(
                    raw=item,
                    arn=str(item.get("AlarmArn", "")),
                    name=str(item.get("AlarmName", "")),
                    state=str(item.get("StateValue", "")),
                    metric=str(item.get("MetricName") or "metric math"),
                )
            )

    def _express(self, answer: dict[str, Any]) -> None:
        item = answer.get("service") or {}
        configs = [c for c in item.get("activeConfigurations") or [] if isinstance(c, dict)]
        urls = [
            str(p["endpoint"]) for c in configs for p in c.get("ingressPaths") or []
            if p.get("endpoint")
        ]  # fmt: skip
        logs = [
            str(((c.get("primaryContainer") or {}).get("awsLogsConfiguration") or {})["logGroup"])
            for c in configs
            if ((c.get("primaryContainer") or {}).get("awsLogsConfiguration") or {}).get("logGroup")
        ]
        self.role(item.get("infrastructureRoleArn"))
        self.inv.express_services.add(
            sr.ExpressService(
                raw=item,
                service_arn=str(item["serviceArn"]),
                name=str(item.get("serviceName", "")),
                status=str((item.get("status") or {}).get("statusCode", "")),
                infrastructure_role=item.get("infrastructureRoleArn"),
                urls=list(dict.fromkeys(urls)),
                log_groups=list(dict.fromkeys(logs)),
            )
        )

    def _managed(self, answer: dict[str, Any]) -> None:
        """A revision's ecsManagedResources: its alarms are described with the others."""
        for item in self.crawl.each("service revision", answer.get("serviceRevisions")):
            known = self.inv.service_revisions.get(str(item.get("serviceRevisionArn", "")))
            if known is not None:
                known.raw = {**known.raw, **item}
            managed = item.get("ecsManagedResources") or {}
            for alarm in managed.get("metricAlarms") or []:
                if alarm.get("arn"):
                    self.alarm_names.add(str(alarm["arn"]).split(":alarm:", 1)[-1])
