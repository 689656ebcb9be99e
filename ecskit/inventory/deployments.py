"""A service's revisions and its live deployment, with the fewest calls the API allows.

DescribeServices already answers `currentServiceRevisions` (with task counts) and
`currentServiceDeployment`: a steady service costs nothing more. Only a service whose deployment
is under way (a deployment `rolloutState` IN_PROGRESS, or more than one deployment) has its
deployment described, 20 ARNs a call (DescribeServiceDeployments' limit, botocore's ECS model).

A revision's task definition is read from the service's own `deployments[]` (each names its
`taskDefinition`), not from DescribeServiceRevisions: the PRIMARY deployment, "the most recent
deployment of a service", runs the revision being deployed (the rollback revision while rolling
back), the ACTIVE ones, "still [with] running tasks, but … being replaced", run the others
(botocore's ECS model, Deployment.status). Only a revision this leaves open (ACTIVE deployments
of different task definitions) is described, 20 a call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import readers
from . import records as r
from .crawl import Batches, Crawl, chunks

# DescribeServiceDeployments and DescribeServiceRevisions: "You can specify a maximum of 20 ARNs."
BATCH = 20


def under_way(item: dict[str, Any]) -> bool:
    """Whether DescribeServices shows a deployment in progress."""
    deployments = [d for d in item.get("deployments") or [] if isinstance(d, dict)]
    return len(deployments) > 1 or any(d.get("rolloutState") == "IN_PROGRESS" for d in deployments)


class Deployments:
    """Service revisions from DescribeServices; live deployments described in batches of 20."""

    def __init__(
        self,
        crawl: Crawl,
        failures: Callable[[str, dict[str, Any]], None],
        task_definitions: Callable[[list[str]], None],
    ) -> None:
        self.crawl = crawl
        self.inv = crawl.inv
        self.failures = failures
        self.task_definitions = task_definitions
        self.services: dict[str, r.Service] = {}  # by the deployment ARN asked about
        self.batches = Batches(BATCH, self._describe_deployments)
        self.unknown: list[str] = []

    def add(self, service: r.Service, item: dict[str, Any]) -> None:
        """A described service: its current revisions, and its deployment if one is under way."""
        current = readers.service_revisions(item.get("currentServiceRevisions"), service)
        for revision in current:
            self.inv.service_revisions.add(revision)
        if service.current_deployment and under_way(item):
            self.services[service.current_deployment] = service
            self.batches.add([service.current_deployment])
        else:
            self._resolve(service, None)

    def done(self) -> None:
        """Every service is described: ask about the deployments still held."""
        self.batches.done()

    def describe_more(self) -> None:
        """Revisions whose task definition no deployment of their service names; how ELB
        forwards production traffic for the deployments shifting it."""
        for batch in chunks(dict.fromkeys(self.unknown), BATCH):
            self.crawl.request(
                "ECS service revisions", "ecs", "DescribeServiceRevisions", self._add_revisions,
                serviceRevisionArns=batch,
            )  # fmt: skip
        self.unknown = []
        rules = {
            shift.production_listener_rule
            for deployment in self.inv.service_deployments
            for shift in self._shifts(deployment)
            if shift.production_listener_rule
        }
        # a production "listener rule (Application Load Balancer) or listener (Network Load
        # Balancer)" (botocore's ECS model, AdvancedConfiguration); 20 ARNs a call, as above
        for operation, key, param, kind in (
            ("DescribeRules", "Rules", "RuleArns", ":listener-rule/"),
            ("DescribeListeners", "Listeners", "ListenerArns", ":listener/"),
        ):
            for batch in chunks(sorted(x for x in rules if kind in x), BATCH):
                self.crawl.request(
                    "ELB production listener rules", "elbv2", operation,
                    lambda answer, key=key: self._add_forwards(answer.get(key)), **{param: batch},
                )  # fmt: skip

    def _shifts(self, deployment: r.ServiceDeployment) -> list[r.TrafficShift]:
        service = self.inv.services.get(deployment.service_arn)
        return service.traffic_shifts if service else []

    def _add_forwards(self, items: Any) -> None:
        for item in self.crawl.each("listener rule", items):
            arn = str(item.get("RuleArn") or item.get("ListenerArn") or "")
            actions = item.get("Actions") or item.get("DefaultActions") or []
            weights = {
                str(g["TargetGroupArn"]): float(g.get("Weight", 1))
                for action in actions
                if isinstance(action, dict) and action.get("Type") == "forward"
                for g in (action.get("ForwardConfig") or {}).get("TargetGroups") or []
                if isinstance(g, dict) and g.get("TargetGroupArn")
            }
            for deployment in self.inv.service_deployments:
                if any(x.production_listener_rule == arn for x in self._shifts(deployment)):
                    deployment.forwards[arn] = weights

    # -- answers ---------------------------------------------------------------------------
    def _describe_deployments(self, arns: list[str]) -> None:
        self.crawl.request(
            "ECS service deployments", "ecs", "DescribeServiceDeployments",
            self._add_deployments, serviceDeploymentArns=arns,
        )  # fmt: skip

    def _add_deployments(self, answer: dict[str, Any]) -> None:
        self.failures("service deployment", answer)
        for item in self.crawl.each("service deployment", answer.get("serviceDeployments")):
            found = self.crawl.read("service deployment", item, readers.service_deployment)
            if found is None:
                continue
            service = self.services.get(found.arn)
            if service is None:
                continue
            found.service_arn = found.service_arn or service.arn
            found.cluster_arn = found.cluster_arn or service.cluster_arn
            deployment = self.inv.service_deployments.add(found)
            summaries = [
                item.get("targetServiceRevision"),
                *(item.get("sourceServiceRevisions") or []),
            ]
            for revision in readers.service_revisions(summaries, service):
                self.inv.service_revisions.add(revision)  # kept as DescribeServices counted it
            self._resolve(service, deployment)

    def _add_revisions(self, answer: dict[str, Any]) -> None:
        self.failures("service revision", answer)
        found = []
        for item in self.crawl.each("service revision", answer.get("serviceRevisions")):
            revision = self.inv.service_revisions.get(str(item.get("serviceRevisionArn", "")))
            if revision is not None and isinstance(item.get("taskDefinition"), str):
                revision.raw, revision.task_definition = item, item["taskDefinition"]
                found.append(revision.task_definition)
        self.task_definitions(sorted(set(found)))

    # -- which task definition each revision runs -------------------------------------------
    def _resolve(self, service: r.Service, deployment: r.ServiceDeployment | None) -> None:
        known = task_definitions(service, deployment)
        arns = list(service.current_revisions)
        if deployment is not None:
            arns += [deployment.target_revision, *deployment.source_revisions]
        for arn in dict.fromkeys(a for a in arns if a):
            revision = self.inv.service_revisions.get(arn)
            if revision is None or revision.task_definition:
                continue
            revision.task_definition = known.get(arn, "")
            if not revision.task_definition:
                self.unknown.append(arn)


def task_definitions(service: r.Service, deployment: r.ServiceDeployment | None) -> dict[str, str]:
    """{service revision ARN: task definition ARN} as far as `deployments[]` decides it.

    A current revision has tasks, so a deployment in `deployments[]`; a deployment's source
    that has none may have left that list: only the revision being deployed is named then.
    """
    raw = [d for d in service.raw.get("deployments") or [] if isinstance(d, dict)]
    primary = next(
        (str(d.get("taskDefinition") or "") for d in raw if d.get("status") == "PRIMARY"), ""
    )
    others = {
        str(d["taskDefinition"])
        for d in raw
        if d.get("status") != "PRIMARY" and d.get("taskDefinition")
    }
    current = list(service.current_revisions)
    everything = ({primary, *others} - {""}) or ({service.task_definition} - {""})
    # one task definition in every deployment: every current revision runs it
    known = dict.fromkeys(current, next(iter(everything))) if len(everything) == 1 else {}
    if deployment is None:
        return known
    rolling_back = deployment.status.startswith("ROLLBACK")
    moving_to = deployment.rollback_revision if rolling_back else deployment.target_revision
    if moving_to and primary:
        known[moving_to] = primary
        if len(others) == 1:
            known |= {a: next(iter(others)) for a in current if a != moving_to}
    return known


def target_groups(service: r.Service, deployment: r.ServiceDeployment) -> dict[str, list[str]]:
    """{service revision ARN: the target groups its tasks are in} while traffic shifts.

    The group ELB forwards the revision's share of production traffic to, where the weights
    tell the two apart; else the documented roles: the primary target group for the blue
    (source) revision, the alternate for the green (target) one.
    """
    out: dict[str, list[str]] = {}
    for shift in service.traffic_shifts:
        pair = (shift.target_group, shift.alternate_target_group)
        forwards = deployment.forwards.get(shift.production_listener_rule or "", {})
        for arn in (deployment.target_revision, *deployment.source_revisions):
            green = arn == deployment.target_revision
            weight = deployment.production_weights.get(arn)
            near = [g for g in pair if weight is not None and abs(forwards.get(g, -9) - weight) < 1]
            group = near[0] if len(near) == 1 else pair[1] if green else pair[0]
            out.setdefault(arn, []).append(group)
    return out
