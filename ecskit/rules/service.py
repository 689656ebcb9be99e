"""Service (CreateService, UpdateService) and RunTask rules: placement, network configuration,
scheduling, load balancers, deployments, and the revision they run.

Rules that need the task definition revision run only when `task_definition` (as
describe_task_definition returns it) is given.
"""

from __future__ import annotations

from typing import Any

from . import docs, strategy
from .fargate import FARGATE_LOG_DRIVERS
from .fields import NAME, as_dict, as_int, as_list, as_str, dicts, platform_version, strings
from .problem import ERROR, WARNING, Problem, rule
from .sizes import FARGATE_MIN_PLATFORM, cpu_label, parse_cpu
from .task_facts import container_ports, log_driver

SV = ("service", "update-service")
PLACED = ("service", "update-service", "run-task")

SERVICE_NAME = rule(
    "names.service",
    ERROR,
    ("service",),
    "A service name has up to 255 letters, numbers, hyphens and underscores.",
    docs.CREATE_SERVICE,
)
LAUNCH_OR_STRATEGY = rule(
    "placement.launch-type-or-strategy",
    ERROR,
    PLACED,
    "launchType and capacityProviderStrategy are not given together.",
    docs.CREATE_SERVICE,
)
NETWORK_CONFIGURATION = rule(
    "network.configuration",
    ERROR,
    PLACED,
    "awsvpc tasks (all Fargate tasks) need networkConfiguration.awsvpcConfiguration with "
    "subnets; other network modes take none.",
    docs.NETWORKING,
)
AWSVPC_LIMITS = rule(
    "network.awsvpc-limits",
    ERROR,
    PLACED,
    "awsvpcConfiguration has 1 to 16 subnets and at most 5 security groups.",
    docs.AWSVPC_CONFIGURATION,
)
# ECS answers EC2 tasks asking for one "InvalidParameterException: Assign public IP is not supported
# for this launch type" (quoted in https://github.com/hashicorp/waypoint/issues/643 and
# https://github.com/aws/aws-cdk/issues/13348; https://github.com/aws/containers-roadmap/issues/450)
PUBLIC_IP = rule(
    "network.public-ip-fargate-only",
    ERROR,
    PLACED,
    "assignPublicIp ENABLED is for Fargate tasks only.",
    docs.AWSVPC_CONFIGURATION,
)
PLATFORM_FARGATE = rule(
    "placement.platform-version-fargate-only",
    ERROR,
    PLACED,
    "platformVersion is for Fargate tasks only.",
    docs.FARGATE_PLATFORM,
)
PLATFORM_SIZE = rule(
    "fargate.platform-version-size",
    ERROR,
    PLACED,
    "8 and 16 vCPU Fargate tasks need Linux platform version 1.4.0 or later.",
    docs.FARGATE_SIZE,
)
REVISION_LAUNCH = rule(
    "revision.launch-type",
    ERROR,
    PLACED,
    "The task definition revision is compatible with the launch type (requiresCompatibilities).",
    docs.TASK_DEFINITION,
)
REVISION_LOG_DRIVER = rule(
    "revision.fargate-log-driver",
    ERROR,
    PLACED,
    "On Fargate, the revision's containers log with awslogs, splunk or awsfirelens.",
    docs.LOG_CONFIGURATION,
)
DESIRED = rule(
    "service.desired-count",
    ERROR,
    SV,
    "desiredCount is 0 or more, and is given for REPLICA services.",
    docs.CREATE_SERVICE,
)
DAEMON = rule(
    "service.daemon",
    ERROR,
    SV,
    "DAEMON services: no desiredCount, no placement strategies, not on Fargate, and only with "
    "the ECS deployment controller.",
    docs.SCHEDULING,
)
DEPLOYMENT = rule(
    "service.deployment-percent",
    WARNING,
    SV,
    "maximumPercent above minimumHealthyPercent, both 0 or more, so a deployment can progress.",
    docs.DEPLOYMENT_CONFIGURATION,
)
LOAD_BALANCER = rule(
    "service.load-balancer",
    ERROR,
    SV,
    "Each load balancer names a target group (or Classic load balancer), a container and its "
    "port; awsvpc and Fargate tasks use target groups (target type ip).",
    docs.LOAD_BALANCER,
)
RUN_COUNT = rule(
    "run-task.count",
    ERROR,
    ("run-task",),
    "RunTask starts 1 to 10 tasks per call.",
    docs.RUN_TASK,
)


def launch_type(body: dict[str, Any]) -> str:
    """FARGATE, EC2, EXTERNAL, or "" when the cluster's default strategy decides."""
    launch = as_str(body.get("launchType"))
    if launch:
        return launch
    return "FARGATE" if strategy.uses_fargate(body.get("capacityProviderStrategy")) else ""


def _compatibilities(revision: dict[str, Any]) -> set[str]:
    """The launch types a revision runs on: ECS's `compatibilities`, or what registration gives:
    EC2 plus what requiresCompatibilities asked for."""
    found = strings(revision.get("compatibilities"))
    return set(found) if found else {"EC2", *strings(revision.get("requiresCompatibilities"))}


def run(
    kind: str, body: dict[str, Any], revision: dict[str, Any] | None, out: list[Problem]
) -> None:
    """Rules of a service, update-service or run-task body."""
    if kind == "service":
        name = body.get("serviceName")
        if isinstance(name, str) and not NAME.match(name):
            out.append(
                SERVICE_NAME.at(
                    "serviceName",
                    f"Service name {name!r} may only use letters, numbers, hyphens and "
                    "underscores, 1 to 255 characters.",
                )
            )
    if kind == "run-task":
        count = as_int(body.get("count"))
        if count is not None and not 1 <= count <= 10:
            out.append(RUN_COUNT.at("count", f"count is 1 to 10 tasks per call, not {count}."))
    _placement(body, out)
    _network(kind, body, revision, out)
    if revision is not None:
        _revision(body, revision, out)
    if kind in SV:
        _scheduling(kind, body, out)
        _load_balancers(body, revision, out)


def _placement(body: dict[str, Any], out: list[Problem]) -> None:
    given_strategy = as_list(body.get("capacityProviderStrategy"))
    if body.get("launchType") and given_strategy:
        out.append(
            LAUNCH_OR_STRATEGY.at(
                "launchType",
                "Give launchType or capacityProviderStrategy, not both: remove one.",
            )
        )
    strategy.check(body.get("capacityProviderStrategy"), "capacityProviderStrategy", out)
    launch = launch_type(body)
    if body.get("platformVersion") and launch in ("EC2", "EXTERNAL"):
        out.append(
            PLATFORM_FARGATE.at(
                "platformVersion",
                f"platformVersion is for Fargate only, not {launch}: remove it.",
            )
        )


def _network(
    kind: str, body: dict[str, Any], revision: dict[str, Any] | None, out: list[Problem]
) -> None:
    configuration = body.get("networkConfiguration")
    awsvpc = as_dict(as_dict(configuration).get("awsvpcConfiguration"))
    launch = launch_type(body)
    mode = as_str((revision or {}).get("networkMode")) or ("bridge" if revision else "")
    needs_awsvpc = mode == "awsvpc" or launch == "FARGATE"
    if needs_awsvpc and not awsvpc and kind != "update-service":
        why = "The task definition uses awsvpc" if mode == "awsvpc" else "Fargate tasks use awsvpc"
        out.append(
            NETWORK_CONFIGURATION.at(
                "networkConfiguration",
                f"{why}: add networkConfiguration.awsvpcConfiguration with subnets "
                "(and security groups).",
            )
        )
    if (
        revision is not None
        and mode != "awsvpc"
        and configuration is not None
        and launch != "FARGATE"
    ):
        out.append(
            NETWORK_CONFIGURATION.at(
                "networkConfiguration",
                f"The task definition uses the {mode} network mode, which takes no "
                "networkConfiguration: remove it (or use an awsvpc revision).",
            )
        )
    if awsvpc:
        subnets = as_list(awsvpc.get("subnets"))
        if "subnets" in awsvpc and not 1 <= len(subnets) <= 16:
            out.append(
                AWSVPC_LIMITS.at(
                    "networkConfiguration.awsvpcConfiguration.subnets",
                    f"Give 1 to 16 subnets, not {len(subnets)}.",
                )
            )
        groups = as_list(awsvpc.get("securityGroups"))
        if len(groups) > 5:
            out.append(
                AWSVPC_LIMITS.at(
                    "networkConfiguration.awsvpcConfiguration.securityGroups",
                    f"Give at most 5 security groups, not {len(groups)}.",
                )
            )
        if awsvpc.get("assignPublicIp") == "ENABLED" and launch in ("EC2", "EXTERNAL"):
            out.append(
                PUBLIC_IP.at(
                    "networkConfiguration.awsvpcConfiguration.assignPublicIp",
                    'Only Fargate tasks get a public IP (ECS: "Assign public IP is not '
                    'supported for this launch type"): set DISABLED; EC2 tasks reach the '
                    "internet through a NAT gateway or VPC endpoints.",
                )
            )


def _revision(body: dict[str, Any], revision: dict[str, Any], out: list[Problem]) -> None:
    launch = launch_type(body)
    compatible = _compatibilities(revision)
    if launch and launch not in compatible:
        at = "launchType" if body.get("launchType") else "capacityProviderStrategy"
        out.append(
            REVISION_LAUNCH.at(
                at,
                f"The task definition is compatible with {', '.join(sorted(compatible))}, not "
                f"{launch}: register a revision with {launch} in requiresCompatibilities or "
                "choose another launch type.",
            )
        )
    if launch == "FARGATE":
        for index, container in dicts(revision.get("containerDefinitions")):
            driver = log_driver(container)
            if driver and driver not in FARGATE_LOG_DRIVERS:
                out.append(
                    REVISION_LOG_DRIVER.at(
                        "taskDefinition",
                        f"Container {as_str(container.get('name')) or index + 1} of the task "
                        f"definition logs with {driver}, which Fargate does not support: use a "
                        "revision with awslogs, splunk or awsfirelens.",
                    )
                )
        cpu = parse_cpu(revision.get("cpu"))
        version = platform_version(body.get("platformVersion"))
        needed = FARGATE_MIN_PLATFORM.get(cpu or 0)
        if needed and version is not None and version < needed:
            out.append(
                PLATFORM_SIZE.at(
                    "platformVersion",
                    f"{cpu_label(cpu or 0)} Fargate tasks need platform version "
                    f"{'.'.join(map(str, needed))} or later (or LATEST), not "
                    f"{body.get('platformVersion')}.",
                )
            )


def _scheduling(kind: str, body: dict[str, Any], out: list[Problem]) -> None:
    desired = as_int(body.get("desiredCount"))
    if desired is not None and desired < 0:
        out.append(DESIRED.at("desiredCount", f"desiredCount is 0 or more, not {desired}."))
    daemon = body.get("schedulingStrategy") == "DAEMON"
    if kind == "service" and not daemon and "desiredCount" not in body:
        out.append(
            DESIRED.at(
                "desiredCount", "Set desiredCount: how many tasks the service keeps running."
            )
        )
    controller = as_str(as_dict(body.get("deploymentController")).get("type"))
    if daemon:
        if "desiredCount" in body and kind == "service":
            out.append(
                DAEMON.at(
                    "desiredCount",
                    "A DAEMON service runs one task per container instance: remove desiredCount.",
                )
            )
        if launch_type(body) == "FARGATE":
            out.append(
                DAEMON.at(
                    "schedulingStrategy",
                    "Fargate services use REPLICA scheduling: set REPLICA or use EC2.",
                )
            )
        if controller in ("CODE_DEPLOY", "EXTERNAL"):
            out.append(
                DAEMON.at(
                    "schedulingStrategy",
                    f"The {controller} deployment controller needs REPLICA scheduling.",
                )
            )
        if as_list(body.get("placementStrategy")):
            out.append(
                DAEMON.at(
                    "placementStrategy",
                    "DAEMON services do not take placement strategies: remove them.",
                )
            )
    deployment = as_dict(body.get("deploymentConfiguration"))
    low = as_int(deployment.get("minimumHealthyPercent"))
    high = as_int(deployment.get("maximumPercent"))
    for name, value in (("minimumHealthyPercent", low), ("maximumPercent", high)):
        if value is not None and value < 0:
            out.append(
                DEPLOYMENT.at(
                    f"deploymentConfiguration.{name}",
                    f"{name} is a percentage of 0 or more, not {value}.",
                    severity=ERROR,
                )
            )
    if low is not None and high is not None and 0 <= high <= low and not daemon:
        out.append(
            DEPLOYMENT.at(
                "deploymentConfiguration.maximumPercent",
                f"With maximumPercent {high} and minimumHealthyPercent {low} a deployment can "
                "neither start a new task nor stop an old one: raise maximumPercent "
                "(200 is the default).",
            )
        )


def _load_balancers(
    body: dict[str, Any], revision: dict[str, Any] | None, out: list[Problem]
) -> None:
    items = dicts(body.get("loadBalancers"))
    if not items:
        return
    mode = as_str((revision or {}).get("networkMode"))
    fargate = launch_type(body) == "FARGATE"
    names = {
        as_str(c.get("name")): c for _, c in dicts((revision or {}).get("containerDefinitions"))
    }
    for index, item in items:
        at = f"loadBalancers[{index}]"
        target, classic = as_str(item.get("targetGroupArn")), as_str(item.get("loadBalancerName"))
        if not target and not classic:
            out.append(LOAD_BALANCER.at(f"{at}.targetGroupArn", "Give the target group's ARN."))
        if classic and (mode == "awsvpc" or fargate):
            out.append(
                LOAD_BALANCER.at(
                    f"{at}.loadBalancerName",
                    "awsvpc and Fargate tasks cannot use a Classic Load Balancer: use an "
                    "Application or Network Load Balancer target group of target type ip.",
                )
            )
        name = item.get("containerName")
        port = as_int(item.get("containerPort"))
        if not as_str(name):
            out.append(
                LOAD_BALANCER.at(
                    f"{at}.containerName", "Name the container the load balancer sends traffic to."
                )
            )
        elif revision is not None and name not in names:
            out.append(
                LOAD_BALANCER.at(
                    f"{at}.containerName",
                    f"The task definition has no container named {name!r}.",
                )
            )
        if port is None:
            out.append(
                LOAD_BALANCER.at(
                    f"{at}.containerPort", "Give the container port to send traffic to."
                )
            )
        elif as_str(name) in names and port not in container_ports(names[as_str(name)]):
            out.append(
                LOAD_BALANCER.at(
                    f"{at}.containerPort",
                    f"Container {name} maps no containerPort {port}: add a port mapping or fix "
                    "the port.",
                )
            )
