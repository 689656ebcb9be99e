"""Chapter 07's exercise: predict what a canary and a linear deployment do, then let the sandbox
run both and mark each prediction.

>>> check("07-predict", session, canary_green_tasks=1, ...)   # doctest: +SKIP
Exercise 07-predict (predict a canary and a linear deployment): 2 of 3 right.
  ✘ green tasks during a 10 % canary of 10 tasks: you said 1, the sandbox ran 10 — ...

The facts the marks rest on (docs/deployments.md §4): in CANARY and LINEAR deployments green
scales up to 100 % of the desired count at SCALE_UP, before any traffic moves ("Linear
deployments temporarily run both the blue and green service revisions simultaneously, which may
double your resource usage", …/developerguide/deployment-type-linear.html); linear moves
`stepPercent` of production traffic, then waits `stepBakeTimeInMinutes`, until 100 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .catch_up import default_network
from .exercises import exercise
from .result import Result

GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
# the cluster, service, load balancer and task family the check makes, then removes
NAME = "predict"
TASKS = 10
CANARY = {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 10}
LINEAR = {"stepPercent": 25.0, "stepBakeTimeInMinutes": 2}
MINUTE = 5  # minutes after the linear deployment's first traffic shift
ANSWERS = ("canary_green_tasks", "canary_total_tasks", "linear_green_percent_at_minute_5")


# the three marks, reported (as not checked yet) even before the predictions are in: a stable score
MARKS = (
    "green tasks during a 10 % canary of 10 tasks",
    "tasks in all (blue + green) during the canary",
    f"green's share of production traffic {MINUTE} minutes after a linear deployment's "
    "first shift (stepPercent 25, stepBakeTimeInMinutes 2)",
)


@exercise(
    "07-predict",
    "predict a canary and a linear deployment",
    "Predict, then let the sandbox run it: (1) a CANARY deployment of 10 % of a 10-task service — "
    "how many green tasks run during the canary's bake, and how many tasks in all; (2) a LINEAR "
    "deployment with stepPercent 25 and stepBakeTimeInMinutes 2 — what percent of production "
    "traffic goes to green 5 minutes after the first shift.",
    answers=ANSWERS,
)
def _predict(session: Any, result: Result, **answers: Any) -> None:
    sandbox = getattr(session, "sandbox", None)
    on_sandbox = result.add(
        sandbox is not None,
        "the check runs both deployments on the sandbox's manual clock",
        "use a sandbox session: session = ecskit.connect()",
    )
    missing = [name for name in ANSWERS if answers.get(name) is None]
    predicted = result.add(
        not missing,
        "you predicted all three numbers"
        + (f" (missing: {', '.join(missing)})" if missing else ""),
        "fill in the prediction dict, then check('07-predict', session, **prediction)",
    )
    if not (on_sandbox and predicted):
        first = "predict all three numbers" if on_sandbox else "use a sandbox session"
        for what in MARKS:
            result.waiting(what, first)
        return
    measured = measure(session)
    _mark(
        result,
        MARKS[0],
        answers["canary_green_tasks"],
        measured["canary_green_tasks"],
        "the canary percent moves traffic, not tasks: at SCALE_UP green starts its full desired "
        "count before any traffic moves. Read 'A canary' again, and "
        + GUIDE
        + "canary-deployment.html",
    )
    _mark(
        result,
        MARKS[1],
        answers["canary_total_tasks"],
        measured["canary_total_tasks"],
        "blue keeps all its tasks until CLEAN_UP, so blue and green run side by side: the cost "
        "of double capacity. Read 'Why four strategies' again, and "
        + GUIDE
        + "deployment-type-linear.html",
    )
    _mark(
        result,
        MARKS[2],
        answers["linear_green_percent_at_minute_5"],
        measured["linear_green_percent_at_minute_5"],
        "one step of 25 % at minute 0, then another after each 2-minute bake: 25, 50 (minute 2), "
        "75 (minute 4), 100 (minute 6). Read 'A linear deployment' again, and "
        + GUIDE
        + "deployment-type-linear.html",
    )


def _mark(result: Result, what: str, said: Any, ran: float, hint: str) -> None:
    try:
        right = float(said) == float(ran)
    except (TypeError, ValueError):
        result.add(False, f"{what}: {said!r} is not a number", "answer with a number, like 4")
        return
    result.add(right, f"{what}: you said {said:g}, the sandbox ran {ran:g}", hint)


def measure(session: Any) -> dict[str, float]:
    """Run a 10 % canary and a 25 %/2-minute linear deployment of a 10-task service on the
    sandbox's manual clock (cluster `predict`, removed afterwards) and say what happened."""
    ecs, sandbox = session.ecs, session.sandbox
    with _scratch_service(session):
        configuration = {"strategy": "CANARY", "bakeTimeInMinutes": 0}
        ecs.update_service(
            cluster=NAME,
            service=NAME,
            deploymentConfiguration={**configuration, "canaryConfiguration": CANARY},
        )
        ecs.update_service(cluster=NAME, service=NAME, forceNewDeployment=True)
        sandbox.advance(60)  # green has started and the canary's share has moved
        record = _latest(ecs)
        green = record["targetServiceRevision"]["runningTaskCount"]
        running = ecs.list_tasks(cluster=NAME, serviceName=NAME, desiredStatus="RUNNING")
        every = len(running["taskArns"])
        sandbox.advance(CANARY["canaryBakeTimeInMinutes"] * 60)
        sandbox.settle()
        ecs.update_service(
            cluster=NAME,
            service=NAME,
            deploymentConfiguration={
                "strategy": "LINEAR",
                "bakeTimeInMinutes": 0,
                "linearConfiguration": LINEAR,
            },
        )
        ecs.update_service(cluster=NAME, service=NAME, forceNewDeployment=True)
        shifted = _first_shift(session)
        sandbox.advance(MINUTE * 60 - shifted)
        weight = _latest(ecs)["targetServiceRevision"].get("requestedProductionTrafficWeight", 0)
        sandbox.advance(10 * 60)
        sandbox.settle()
    return {
        "canary_green_tasks": float(green),
        "canary_total_tasks": float(every),
        "linear_green_percent_at_minute_5": float(weight),
    }


def _first_shift(session: Any) -> int:
    """Seconds of sandbox time until green gets its first share of production traffic."""
    for second in range(1, 121):
        session.sandbox.advance(1)
        target = _latest(session.ecs)["targetServiceRevision"]
        if target.get("requestedProductionTrafficWeight", 0) > 0:
            return second
    return 120


def _latest(ecs: Any) -> dict[str, Any]:
    brief = ecs.list_service_deployments(cluster=NAME, service=NAME)["serviceDeployments"][0]
    arns = [brief["serviceDeploymentArn"]]
    described = ecs.describe_service_deployments(serviceDeploymentArns=arns)
    return dict(described["serviceDeployments"][0])


@contextmanager
def _scratch_service(session: Any) -> Iterator[str]:
    """A 10-task service behind an ALB with a production and a test rule, on the manual clock;
    everything is deleted afterwards and the clock's mode put back."""
    ecs, elb, sandbox = session.ecs, session.elbv2, session.sandbox
    mode = sandbox.clock
    sandbox.clock = "manual"
    network = default_network(session)
    subnets = network["awsvpcConfiguration"]["subnets"]
    vpc = session.ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    made: dict[str, Any] = {"groups": [], "listeners": []}
    try:
        ecs.create_cluster(clusterName=NAME)
        family = ecs.register_task_definition(
            family=NAME,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[
                {"name": "web", "image": "nginx", "portMappings": [{"containerPort": 80}]}
            ],
        )["taskDefinition"]["taskDefinitionArn"]
        made["family"] = family
        balancer = elb.create_load_balancer(Name=NAME, Subnets=subnets)["LoadBalancers"][0]
        made["balancer"] = balancer["LoadBalancerArn"]
        for name in ("predict-a", "predict-b"):
            made["groups"].append(
                elb.create_target_group(
                    Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
                )["TargetGroups"][0]["TargetGroupArn"]
            )
        forward = [{"Type": "forward", "TargetGroupArn": made["groups"][0]}]
        rules = []
        for port in (80, 8080):
            listener = elb.create_listener(
                LoadBalancerArn=made["balancer"], Protocol="HTTP", Port=port, DefaultActions=forward
            )["Listeners"][0]["ListenerArn"]
            made["listeners"].append(listener)
            rules.append(
                elb.create_rule(
                    ListenerArn=listener,
                    Priority=1,
                    Actions=forward,
                    Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
                )["Rules"][0]["RuleArn"]
            )
        account = session.sts.get_caller_identity()["Account"]
        advanced = {
            "alternateTargetGroupArn": made["groups"][1],
            "productionListenerRule": rules[0],
            "testListenerRule": rules[1],
            "roleArn": f"arn:aws:iam::{account}:role/ecsInfrastructureRoleForLoadBalancers",
        }
        ecs.create_service(
            cluster=NAME,
            serviceName=NAME,
            taskDefinition=family,
            desiredCount=TASKS,
            launchType="FARGATE",
            networkConfiguration=network,
            loadBalancers=[
                {
                    "targetGroupArn": made["groups"][0],
                    "containerName": "web",
                    "containerPort": 80,
                    "advancedConfiguration": advanced,
                }
            ],
            deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0},
        )
        made["service"] = True
        sandbox.settle()
        yield NAME
    finally:
        _clean_up(session, made)
        sandbox.clock = mode


def _clean_up(session: Any, made: dict[str, Any]) -> None:
    ecs, elb = session.ecs, session.elbv2
    if made.get("service"):
        ecs.delete_service(cluster=NAME, service=NAME, force=True)
        session.sandbox.settle()
    for listener in made["listeners"]:
        elb.delete_listener(ListenerArn=listener)
    if "balancer" in made:
        elb.delete_load_balancer(LoadBalancerArn=made["balancer"])
    for group in made["groups"]:
        elb.delete_target_group(TargetGroupArn=group)
    if "family" in made:
        ecs.deregister_task_definition(taskDefinition=made["family"])
    clusters = ecs.describe_clusters(clusters=[NAME])["clusters"]
    if any(c["status"] == "ACTIVE" for c in clusters):
        ecs.delete_cluster(cluster=NAME)
