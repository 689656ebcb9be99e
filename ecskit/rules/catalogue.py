"""The rule catalogue (docs/rules.md), generated from the rules themselves.

python -m ecskit.rules.catalogue > docs/rules.md
"""

from __future__ import annotations

from dataclasses import dataclass

# check imports every rule module validate() runs; the other three are run by their forms
from . import auto_scaling, check, express, sweep, volume_configuration  # noqa: F401
from .problem import RULES, Rule
from .sizes import FARGATE_SIZES, cpu_label, memory_label

GROUPS = (
    ("Request shape (botocore's ECS model)", ("model.",)),
    (
        "Task definitions",
        (
            "names.family",
            "containers.",
            "task.",
            "fargate.",
            "ec2.",
            "external.network-mode",
            "managed-instances.",
            "platform.",
        ),
    ),
    ("Roles", ("execution-role.",)),
    (
        "Containers",
        (
            "names.container",
            "container.",
            "memory.",
            "cpu.",
            "ports.",
            "logs.",
            "health-check.",
            "depends-on.",
            "links.",
            "volumes.",
            "environment.",
            "registry-credentials.",
            "linux.",
        ),
    ),
    ("Tags", ("tags.",)),
    ("Clusters", ("names.cluster", "cluster.")),
    ("Capacity provider strategies", ("strategy.",)),
    (
        "Services and run-task",
        (
            "names.service",
            "placement.",
            "network.",
            "revision.",
            "service.",
            "service-connect.",
            "external.unsupported",
            "fargate.placement",
            "fargate.platform-version-size",
            "fargate.platform-version-features",
            "run-task.",
        ),
    ),
    ("Deployments: strategies, circuit breaker, lifecycle hooks", ("deployment.", "hooks.")),
    ("Express Mode (CreateExpressGatewayService)", ("express.",)),
    ("Service auto scaling and EBS volumes at launch", ("auto-scaling.", "volume-configuration.")),
    ("ecskit itself", ("ecskit.",)),
)


@dataclass(frozen=True)
class CfnLintCheck:
    """One ECS check of cfn-lint and the ecskit rules that cover it."""

    id: str
    checks: str
    counterparts: tuple[str, ...]
    note: str


CFN_LINT = (
    CfnLintCheck(
        "E3042",
        "At least one container of a task definition is essential.",
        ("container.essential",),
        "ECS's default for essential is true, so ecskit flags only containers all marked false.",
    ),
    CfnLintCheck(
        "E3044",
        "A Fargate service, or one with the CODE_DEPLOY or EXTERNAL deployment controller, "
        "uses REPLICA scheduling.",
        ("service.daemon",),
        "Also: DAEMON takes no desiredCount and no placement strategies.",
    ),
    CfnLintCheck(
        "E3046",
        "The awslogs driver has the options awslogs-group and awslogs-region, and only known "
        "option names.",
        ("logs.awslogs-options", "logs.awslogs-option-name"),
        "Unknown option names are a warning in ecskit; a missing awslogs-stream-prefix on "
        'Fargate is an error (botocore: "Required: Yes, when using Fargate").',
    ),
    CfnLintCheck(
        "E3047",
        "A Fargate task definition uses a documented CPU/memory combination.",
        ("fargate.cpu-memory",),
        "Units and vCPU/GB spellings are both read; 8/16 vCPU platform 1.4.0 is "
        "fargate.platform-version-size.",
    ),
    CfnLintCheck(
        "E3048",
        "A Fargate task definition uses awsvpc, a Fargate log driver, sets cpu and memory, "
        "has no placement constraints and a Fargate CPU value.",
        (
            "fargate.network-mode",
            "fargate.log-driver",
            "fargate.size-required",
            "fargate.unsupported",
            "fargate.cpu-memory",
        ),
        "fargate.unsupported covers every parameter Fargate rejects, not only placement "
        "constraints.",
    ),
    CfnLintCheck(
        "E3049",
        "A container with a dynamic host port behind a load balancer has a target group whose "
        "health check port is traffic-port.",
        ("service.load-balancer",),
        "Partial: the target group's health check port lives in ELBv2, not in the ECS request; "
        "ecskit checks that the load balancer's container and containerPort exist in the "
        "revision.",
    ),
    CfnLintCheck(
        "E3052",
        "A service whose task definition uses awsvpc has a NetworkConfiguration.",
        ("network.configuration",),
        "Also for run-task and Fargate launch types, and the other way round (no "
        "networkConfiguration for bridge/host/none).",
    ),
    CfnLintCheck(
        "E3053",
        "With awsvpc, hostPort is left out or equals containerPort.",
        ("ports.host-equals-container",),
        "Also for the host network mode.",
    ),
    CfnLintCheck(
        "E3054",
        "A FARGATE service uses a task definition that lists FARGATE in RequiresCompatibilities.",
        ("revision.launch-type",),
        "For every launch type (and a Fargate capacity provider strategy), given the revision.",
    ),
    CfnLintCheck(
        "E3713",
        "A FARGATE service's task definition logs with awslogs, splunk or awsfirelens.",
        ("revision.fargate-log-driver", "fargate.log-driver"),
        "fargate.log-driver checks the task definition itself.",
    ),
)

NOT_CHECKED = (
    "A load balancer target group's target type (ip for awsvpc) and health check port: they "
    "belong to ELBv2, not to the ECS request body.",
    "Whether subnets, security groups, roles, images, log groups and namespaces exist, and what "
    "the roles may do: that needs the account (the sandbox and ops answer it).",
    "Account quotas other than the fixed ones (10 containers per task definition).",
)


def _group(rule: Rule) -> str:
    """The group whose prefix matches the rule id most closely."""
    matches = [
        (len(prefix), title)
        for title, prefixes in GROUPS
        for prefix in prefixes
        if rule.id.startswith(prefix)
    ]
    return max(matches)[1] if matches else "Other"


def markdown() -> str:
    """The catalogue as Markdown: every rule by group, the Fargate table, the cfn-lint map."""
    lines = [
        "# ecskit rules",
        "",
        "Generated from the code by `python -m ecskit.rules.catalogue > docs/rules.md`; "
        "a test fails when this file is out of date.",
        "",
        "Every problem `ecskit.rules.validate(kind, body)` reports carries one of these ids. "
        "Severity `error`: ECS rejects the request or the task cannot start; `warning`: it "
        "works but is risky. Kinds: task-definition (RegisterTaskDefinition), cluster "
        "(CreateCluster), service (CreateService), update-service (UpdateService), run-task "
        "(RunTask). `model.*` problems cite the API reference page of their operation. "
        "Rules that compare a service or run-task request with its task definition "
        "(`revision.*`, `fargate.platform-version-size`, `service-connect.port-name`, and parts "
        "of `network.configuration` and `service.load-balancer`) run only when "
        "`validate(kind, body, task_definition=...)` is given the revision as "
        "describe_task_definition returns it.",
        "",
        f"{len(RULES)} rules.",
    ]
    for title, _ in GROUPS:
        rules = [rule for rule in RULES.values() if _group(rule) == title]
        if not rules:
            continue
        lines += ["", f"## {title}", "", "| id | severity | kinds | what | source |"]
        lines.append("| --- | --- | --- | --- | --- |")
        for rule in rules:
            page = rule.source.rsplit("/", 1)[-1] or rule.source
            lines.append(
                f"| `{rule.id}` | {rule.severity} | {', '.join(rule.kinds)} | {rule.what} | "
                f"[{page}]({rule.source}) |"
            )
    lines += ["", "## The Fargate CPU/memory table (data for `fargate.cpu-memory`)", ""]
    lines += ["| CPU | units | memory |", "| --- | --- | --- |"]
    for cpu, memories in FARGATE_SIZES.items():
        step = memories[-1] - memories[-2]
        lines.append(
            f"| {cpu_label(cpu)} | {cpu} | {memory_label(memories[0])} to "
            f"{memory_label(memories[-1])} in {memory_label(step)} steps |"
        )
    lines += [
        "",
        "## cfn-lint's ECS checks and their ecskit counterparts",
        "",
        "cfn-lint (1.51) checks CloudFormation templates; ecskit checks the API's own JSON. "
        "Each of cfn-lint's ECS rules, case by case:",
        "",
        "| cfn-lint | what it checks | ecskit | note |",
        "| --- | --- | --- | --- |",
    ]
    for item in CFN_LINT:
        ids = ", ".join(f"`{i}`" for i in item.counterparts)
        lines.append(f"| {item.id} | {item.checks} | {ids} | {item.note} |")
    lines += ["", "## Not checked from a request body", ""]
    lines += [f"- {text}" for text in NOT_CHECKED]
    lines += ["", *sweep.markdown()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
