"""The exercises that end each notebook, and `check`, which looks at the backend and says what is
right and what is missing, item by item.

>>> check("02-worker", session)          # doctest: +SKIP
Exercise 02-worker (a worker task definition): 6 of 8 right.
  ✔ task definition family worker is registered (revision 1)
  ✘ 0.5 vCPU with 1–4 GB of memory — set cpu="512" and memory to "1024", "2048", "3072" or "4096"
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..rules import fargate_memory_options
from .catch_up import EXECUTION_ROLE, REPOSITORY, course_vpc, image_uri, namespace_arn
from .result import Result

CheckFunction = Callable[[Any, Result], None]


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (chapter-name), a short title, what the learner is asked to do."""

    id: str
    title: str
    task: str
    run: CheckFunction
    # the learner's answers this exercise takes as keyword arguments of check() (predictions)
    answers: tuple[str, ...] = ()


EXERCISES: dict[str, Exercise] = {}


def exercise(
    id: str, title: str, task: str, answers: tuple[str, ...] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        EXERCISES[id] = Exercise(id, title, task, function, answers)
        return function

    return register


def find(exercise_id: str | int) -> Exercise:
    """The exercise named `exercise_id`: its full id ("02-worker") or its chapter ("02", 2)."""
    text = str(exercise_id).strip()
    if text.isdigit():
        text = f"{int(text):02d}"
    matches = [e for key, e in EXERCISES.items() if key == text or key.split("-", 1)[0] == text]
    if len(matches) != 1:
        known = ", ".join(repr(key) for key in EXERCISES)
        raise ValueError(
            f"exercise_id={exercise_id!r} is not an exercise of the course; "
            f"the exercises are {known}."
        )
    return matches[0]


def check(exercise_id: str | int, session: Any, **answers: Any) -> Result:
    """Look at `session`'s backend and say, item by item, what the exercise asks that is done.

    Exercises that ask for a prediction take it as keyword arguments:
    `check("07-predict", session, canary_green_tasks=..., ...)`.
    """
    found = find(exercise_id)
    unknown = sorted(set(answers) - set(found.answers))
    if unknown:
        takes = ", ".join(found.answers) or "no answers, only the session"
        raise ValueError(
            f"check({found.id!r}, ...) got {', '.join(unknown)}: this exercise takes {takes}."
        )
    result = Result(found.id, found.title)
    if found.answers:
        found.run(session, result, **answers)  # type: ignore[call-arg]
    else:
        found.run(session, result)
    return result


def _cluster(session: Any, name: str) -> dict[str, Any] | None:
    clusters = session.ecs.describe_clusters(clusters=[name], include=["TAGS", "SETTINGS"])
    active = [c for c in clusters["clusters"] if c.get("status") == "ACTIVE"]
    return active[0] if active else None


def _tags(resource: dict[str, Any]) -> dict[str, str]:
    return {t["key"]: t["value"] for t in resource.get("tags") or []}


@exercise(
    "00-hello",
    "your first cluster",
    'Create a cluster named "hello" with session.ecs.create_cluster, tagged owner=<your name>.',
)
def _hello(session: Any, result: Result) -> None:
    cluster = _cluster(session, "hello")
    if not result.add(
        cluster is not None,
        "an ACTIVE cluster named hello",
        'session.ecs.create_cluster(clusterName="hello", tags=[...])',
    ):
        return
    assert cluster is not None
    owner = _tags(cluster).get("owner", "")
    result.add(
        bool(owner.strip()),
        f"tagged owner={owner}" if owner else "tagged owner=<your name>",
        'add tags=[{"key": "owner", "value": "your name"}] (session.ecs.tag_resource works too)',
    )


@exercise(
    "01-staging",
    "a staging cluster",
    'Create a cluster "staging" on Fargate and Fargate Spot, with Container Insights on, '
    "tagged environment=staging.",
)
def _staging(session: Any, result: Result) -> None:
    cluster = _cluster(session, "staging")
    if not result.add(
        cluster is not None,
        "an ACTIVE cluster named staging",
        'create it: session.ecs.create_cluster(clusterName="staging", ...) or the ClusterForm',
    ):
        return
    assert cluster is not None
    settings = {s["name"]: s["value"] for s in cluster.get("settings") or []}
    result.add(
        settings.get("containerInsights") in ("enabled", "enhanced"),
        "Container Insights is on",
        'settings=[{"name": "containerInsights", "value": "enabled"}] '
        "(update_cluster_settings changes it on an existing cluster)",
    )
    providers = set(cluster.get("capacityProviders") or [])
    for provider in ("FARGATE", "FARGATE_SPOT"):
        result.add(
            provider in providers,
            f"capacity provider {provider}",
            'capacityProviders=["FARGATE", "FARGATE_SPOT"] '
            "(put_cluster_capacity_providers changes them on an existing cluster)",
        )
    result.add(
        _tags(cluster).get("environment") == "staging",
        "tagged environment=staging",
        'tags=[{"key": "environment", "value": "staging"}]',
    )


@exercise(
    "02-worker",
    "a worker task definition",
    'Register a task definition family "worker" for Fargate: 0.5 vCPU, 1–4 GB, Linux on ARM64, '
    'one container "worker" running the my-app image, logging with awslogs to /ecs/worker, '
    f"with the {EXECUTION_ROLE} execution role.",
)
def _worker(session: Any, result: Result) -> None:
    ecs = session.ecs
    try:
        td = ecs.describe_task_definition(taskDefinition="worker")["taskDefinition"]
    except ecs.exceptions.ClientException:
        td = None
    if not result.add(
        td is not None and td.get("status") == "ACTIVE",
        "task definition family worker is registered"
        + (f" (revision {td['revision']})" if td else ""),
        'register it: session.ecs.register_task_definition(family="worker", ...) '
        "or with the TaskDefinitionForm",
    ):
        return
    assert td is not None
    result.add(
        "FARGATE" in (td.get("requiresCompatibilities") or []),
        "launch type Fargate",
        'requiresCompatibilities=["FARGATE"]',
    )
    result.add(
        td.get("networkMode") == "awsvpc",
        "network mode awsvpc (Fargate needs it)",
        'networkMode="awsvpc"',
    )
    result.add(
        str(td.get("cpu")) == "512"
        and str(td.get("memory")) in {str(m) for m in fargate_memory_options(512)},
        f"0.5 vCPU with 1–4 GB of memory (cpu={td.get('cpu')}, memory={td.get('memory')})",
        'set cpu="512" and memory to "1024", "2048", "3072" or "4096" (MiB)',
    )
    platform = td.get("runtimePlatform") or {}
    result.add(
        platform.get("operatingSystemFamily") == "LINUX"
        and platform.get("cpuArchitecture") == "ARM64",
        "Linux on ARM64",
        'runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}',
    )
    containers = td.get("containerDefinitions") or []
    worker = next((c for c in containers if c.get("name") == "worker"), None)
    repository = image_uri(session, tag="").rstrip(":")
    result.add(
        worker is not None and str(worker.get("image", "")).startswith(repository + ":"),
        f"a container named worker running an image of {REPOSITORY}",
        f'containerDefinitions=[{{"name": "worker", "image": "{repository}:1", ...}}]',
    )
    options = ((worker or {}).get("logConfiguration") or {}).get("options") or {}
    driver = ((worker or {}).get("logConfiguration") or {}).get("logDriver")
    result.add(
        driver == "awslogs" and options.get("awslogs-group") == "/ecs/worker",
        "its logs go to CloudWatch Logs group /ecs/worker (awslogs)",
        'logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/worker", '
        '"awslogs-region": "us-east-1", "awslogs-stream-prefix": "worker"}}',
    )
    groups = session.logs.describe_log_groups(logGroupNamePrefix="/ecs/worker")["logGroups"]
    result.add(
        any(g["logGroupName"] == "/ecs/worker" for g in groups),
        "the log group /ecs/worker exists",
        'ECS does not create it for you: session.logs.create_log_group(logGroupName="/ecs/worker")',
    )
    result.add(
        str(td.get("executionRoleArn", "")).endswith(f":role/{EXECUTION_ROLE}"),
        f"execution role {EXECUTION_ROLE} (to pull from ECR and write logs)",
        f'executionRoleArn="arn:aws:iam::<account>:role/{EXECUTION_ROLE}"',
    )


@exercise(
    "04-api-target-group",
    "a target group for an API",
    'Create a target group "api" in the course VPC for awsvpc tasks: HTTP on port 8080, '
    "health checks on /health.",
)
def _api_target_group(session: Any, result: Result) -> None:
    elb = session.elbv2
    try:
        group = elb.describe_target_groups(Names=["api"])["TargetGroups"][0]
    except elb.exceptions.TargetGroupNotFoundException:
        group = None
    if not result.add(
        group is not None,
        "a target group named api",
        'session.elbv2.create_target_group(Name="api", ...)',
    ):
        return
    assert group is not None
    vpc = course_vpc(session)
    result.add(
        vpc is not None and group.get("VpcId") == vpc["VpcId"],
        "in the course VPC",
        "VpcId=<the VPC tagged Name=course> (ecskit.course.catch_up.network(session)['vpc'])",
    )
    result.add(
        group.get("TargetType") == "ip",
        "target type ip (awsvpc tasks register by IP address)",
        'TargetType="ip"',
    )
    result.add(
        group.get("Protocol") == "HTTP" and group.get("Port") == 8080,
        f"HTTP on port 8080 ({group.get('Protocol')} on {group.get('Port')})",
        'Protocol="HTTP", Port=8080',
    )
    result.add(
        group.get("HealthCheckPath") == "/health",
        f"health checks on /health ({group.get('HealthCheckPath')})",
        'HealthCheckPath="/health"',
    )


ASSETS = "arn:aws:s3:::course-assets/*"


@exercise(
    "10-task-role-policy",
    "what the app may do",
    'Give the webTaskRole an inline policy that allows "s3:GetObject" on '
    f"{ASSETS}, then draw the picture again and find it under the task role.",
)
def _task_role_policy(session: Any, result: Result) -> None:
    iam = session.iam
    names = iam.list_role_policies(RoleName="webTaskRole")["PolicyNames"]
    if not result.add(
        bool(names),
        f"webTaskRole has an inline policy ({', '.join(names) or 'none yet'})",
        'session.iam.put_role_policy(RoleName="webTaskRole", PolicyName="read-assets", '
        "PolicyDocument=json.dumps({...}))",
    ):
        return
    allowed = False
    for name in names:
        document = iam.get_role_policy(RoleName="webTaskRole", PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            import json
            from urllib.parse import unquote

            document = json.loads(unquote(document))
        for statement in _as_list(document.get("Statement")):
            actions = _as_list(statement.get("Action"))
            resources = _as_list(statement.get("Resource"))
            if (
                statement.get("Effect") == "Allow"
                and "s3:GetObject" in actions
                and ASSETS in resources
            ):
                allowed = True
    result.add(
        allowed,
        f"it allows s3:GetObject on {ASSETS}",
        '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "' + ASSETS + '"}',
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


@exercise(
    "11-read-only",
    "a session that cannot change anything",
    "Make a read-only session (ecskit.connect(read_only=True)) and check it: "
    "ecskit.course.check('10', read_only_session).",
)
def _read_only(session: Any, result: Result) -> None:
    from ..backend import ReadOnlyError

    if not result.add(
        bool(getattr(session, "read_only", False)),
        "the session is read-only",
        "ecskit.connect(read_only=True); on a real account read-only is the default",
    ):
        return
    try:
        result.add(
            bool(session.ecs.list_clusters() is not None),
            "it can still read (ListClusters answered)",
        )
    except Exception as error:  # the check reports any failure as an item, never raises
        result.add(False, "it can still read", f"ListClusters failed: {error}")
    try:
        # Only ever tried on a read-only session: the guard refuses it before anything is sent.
        session.ecs.create_cluster(clusterName="read-only-probe")
        refused = False
    except ReadOnlyError:
        refused = True
    result.add(refused, "a write (CreateCluster) is refused before it is sent")


@exercise(
    "05-internal-namespace",
    "a namespace for internal tools",
    'Create an HTTP namespace "internal" in AWS Cloud Map, and a cluster "internal-tools" whose '
    "default Service Connect namespace it is.",
)
def _internal_namespace(session: Any, result: Result) -> None:
    arn = namespace_arn(session, "internal")
    result.add(
        arn is not None,
        "a Cloud Map namespace named internal",
        'session.servicediscovery.create_http_namespace(Name="internal")',
    )
    cluster = _cluster(session, "internal-tools")
    if not result.add(
        cluster is not None,
        "an ACTIVE cluster named internal-tools",
        'session.ecs.create_cluster(clusterName="internal-tools", serviceConnectDefaults=...)',
    ):
        return
    assert cluster is not None
    default = (cluster.get("serviceConnectDefaults") or {}).get("namespace")
    result.add(
        arn is not None and default == arn,
        "its default Service Connect namespace is internal",
        'serviceConnectDefaults={"namespace": <the ARN of internal>} '
        "(update_cluster sets it on an existing cluster)",
    )


@exercise(
    "03-canary",
    "a canary service on Fargate Spot",
    'Create a service "web-canary" in the course cluster: one task of web:1, on the FARGATE_SPOT '
    "capacity provider.",
)
def _canary(session: Any, result: Result) -> None:
    services = session.ecs.describe_services(cluster="course", services=["web-canary"])
    active = [s for s in services["services"] if s.get("status") == "ACTIVE"]
    if not result.add(
        bool(active),
        "an ACTIVE service web-canary in cluster course",
        'session.ecs.create_service(cluster="course", serviceName="web-canary", ...) '
        "or the ServiceForm",
    ):
        return
    service = active[0]
    revision = str(service.get("taskDefinition", "")).rsplit("/", 1)[-1]
    result.add(revision == "web:1", f"runs web:1 ({revision})", 'taskDefinition="web:1"')
    result.add(
        service.get("desiredCount") == 1,
        f"desired count 1 ({service.get('desiredCount')})",
        "desiredCount=1 (update_service changes it)",
    )
    providers = [p.get("capacityProvider") for p in service.get("capacityProviderStrategy") or []]
    result.add(
        providers == ["FARGATE_SPOT"],
        "on the FARGATE_SPOT capacity provider",
        'capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}] '
        "instead of launchType",
    )
    result.add(
        service.get("runningCount") == service.get("desiredCount") == 1,
        f"its task is running ({service.get('runningCount')} running)",
        "give the scheduler a few seconds (or session.sandbox.settle()), then check again",
    )


@exercise(
    "06-retire",
    "roll forward, retire the old revision",
    "Register web:3 running my-app:3 (everything else as web:2), move the service web to it, "
    "and deregister web:2.",
)
def _retire(session: Any, result: Result) -> None:
    ecs = session.ecs
    try:
        three = ecs.describe_task_definition(taskDefinition="web:3")["taskDefinition"]
    except ecs.exceptions.ClientException:
        three = None
    if result.add(
        three is not None and three.get("status") == "ACTIVE",
        "web:3 is registered and ACTIVE",
        "register the body of web:2 again, with the image tag changed to 3",
    ):
        assert three is not None
        images = [c.get("image", "") for c in three.get("containerDefinitions") or []]
        result.add(
            any(str(image).endswith(f"/{REPOSITORY}:3") for image in images),
            f"web:3 runs {REPOSITORY}:3",
            f'containerDefinitions[0]["image"] = "<account>.dkr.ecr.<region>.amazonaws.com/'
            f'{REPOSITORY}:3"',
        )
    services = ecs.describe_services(cluster="course", services=["web"])["services"]
    revision = services[0]["taskDefinition"].rsplit("/", 1)[-1] if services else "none"
    result.add(
        revision == "web:3",
        f"service web runs web:3 ({revision})",
        'session.ecs.update_service(cluster="course", service="web", taskDefinition="web:3")',
    )
    try:
        two = ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
        status = two.get("status")
    except ecs.exceptions.ClientException:
        status = "missing"
    result.add(
        status == "INACTIVE",
        f"web:2 is deregistered ({status})",
        'session.ecs.deregister_task_definition(taskDefinition="web:2")',
    )


@exercise(
    "09-cpu-alarm",
    "an alarm on the service's CPU",
    'Create a CloudWatch alarm "web-cpu-high" on AWS/ECS CPUUtilization of service web in cluster '
    "course: average above 80 % for 3 periods of 60 seconds.",
)
def _cpu_alarm(session: Any, result: Result) -> None:
    alarms = session.cloudwatch.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"]
    if not result.add(
        bool(alarms),
        "an alarm named web-cpu-high",
        'session.cloudwatch.put_metric_alarm(AlarmName="web-cpu-high", ...)',
    ):
        return
    alarm = alarms[0]
    result.add(
        alarm.get("Namespace") == "AWS/ECS" and alarm.get("MetricName") == "CPUUtilization",
        f"on AWS/ECS CPUUtilization ({alarm.get('Namespace')} {alarm.get('MetricName')})",
        'Namespace="AWS/ECS", MetricName="CPUUtilization"',
    )
    dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}
    result.add(
        dimensions == {"ClusterName": "course", "ServiceName": "web"},
        "for service web in cluster course",
        'Dimensions=[{"Name": "ClusterName", "Value": "course"}, '
        '{"Name": "ServiceName", "Value": "web"}]',
    )
    result.add(
        alarm.get("Statistic") == "Average"
        and alarm.get("ComparisonOperator") == "GreaterThanThreshold"
        and float(alarm.get("Threshold", 0)) == 80.0,
        "average above 80",
        'Statistic="Average", ComparisonOperator="GreaterThanThreshold", Threshold=80',
    )
    result.add(
        alarm.get("Period") == 60 and alarm.get("EvaluationPeriods") == 3,
        f"3 periods of 60 s ({alarm.get('EvaluationPeriods')} of {alarm.get('Period')} s)",
        "Period=60, EvaluationPeriods=3",
    )
