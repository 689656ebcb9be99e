"""DeploymentsView without a browser: the Deployments tab of a service on the sandbox, its
traffic split on the manual clock, Roll back with its confirmation, Continue at a PAUSE hook,
and a read-only session refused before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from public_network import open_to_internet

import ecskit
from ecskit import ops

ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"


@pytest.fixture
def manual(session: ecskit.Session) -> Iterator[ecskit.Session]:
    before = session.sandbox.clock
    session.sandbox.clock = "manual"
    yield session
    session.sandbox.clock = before


def _shop(session: Any, images: tuple[str, ...] = ("nginx:1", "nginx:2")) -> dict[str, Any]:
    """Cluster shop, a Fargate revision of `web` per image, an ALB whose production (80) and
    test (8080) listener rules forward to target group blue (green is the alternate)."""
    ec2, elbv2, ecs = session.ec2, session.elbv2, session.ecs
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{n}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="shop", Description="shop", VpcId=vpc)["GroupId"]
    # public subnets: the tasks must reach Docker Hub (the sandbox stops them otherwise)
    open_to_internet(ec2, vpc)
    balancer = elbv2.create_load_balancer(Name="shop", Subnets=subnets)["LoadBalancers"][0]
    targets = {
        name: elbv2.create_target_group(
            Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        for name in ("blue", "green")
    }
    forward = [{"Type": "forward", "TargetGroupArn": targets["blue"]}]
    rules = {}
    for name, port in (("production", 80), ("test", 8080)):
        listener = elbv2.create_listener(
            LoadBalancerArn=balancer["LoadBalancerArn"],
            Protocol="HTTP",
            Port=port,
            DefaultActions=forward,
        )["Listeners"][0]["ListenerArn"]
        paths = [{"Field": "path-pattern", "Values": ["/*"]}]
        rules[name] = elbv2.create_rule(
            ListenerArn=listener, Priority=1, Actions=forward, Conditions=paths
        )["Rules"][0]["RuleArn"]
    ecs.create_cluster(clusterName="shop")
    for image in images:
        ecs.register_task_definition(
            family="web",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            containerDefinitions=[
                {"name": "web", "image": image, "portMappings": [{"containerPort": 80}]}
            ],
        )
    network = {"awsvpcConfiguration": {"subnets": subnets[:1], "securityGroups": [group],
                                       "assignPublicIp": "ENABLED"}}  # fmt: skip
    return {"network": network, "targets": targets, "rules": rules}


def _web(session: Any, shop: dict[str, Any], count: int, configuration: dict | None = None) -> None:
    """Service web on web:1; behind the ALB with blue/green traffic shifting if configured."""
    extra: dict[str, Any] = {}
    if configuration and configuration.get("strategy", "ROLLING") != "ROLLING":
        advanced = {
            "alternateTargetGroupArn": shop["targets"]["green"],
            "productionListenerRule": shop["rules"]["production"],
            "testListenerRule": shop["rules"]["test"],
            "roleArn": ROLE,
        }
        extra["loadBalancers"] = [
            {
                "targetGroupArn": shop["targets"]["blue"],
                "containerName": "web",
                "containerPort": 80,
                "advancedConfiguration": advanced,
            }
        ]
    if configuration:
        extra["deploymentConfiguration"] = configuration
    session.ecs.create_service(
        cluster="shop",
        serviceName="web",
        taskDefinition="web:1",
        desiredCount=count,
        launchType="FARGATE",
        networkConfiguration=shop["network"],
        **extra,
    )
    session.sandbox.settle()


def _deploy(session: Any, revision: str) -> str:
    session.ecs.update_service(cluster="shop", service="web", taskDefinition=revision)
    return session.ecs.list_service_deployments(cluster="shop", service="web")[
        "serviceDeployments"
    ][0]["serviceDeploymentArn"]


def _status(session: Any, arn: str) -> str:
    found = session.ecs.describe_service_deployments(serviceDeploymentArns=[arn])
    return str(found["serviceDeployments"][0]["status"])


def test_builds_on_a_service_with_history(session) -> None:
    shop = _shop(session, ("nginx:1", "nginx:2", "nginx:3"))
    _web(session, shop, 1)
    _deploy(session, "web:2")
    session.sandbox.settle()
    newest = _deploy(session, "web:3")
    session.sandbox.settle()
    view = ecskit.DeploymentsView(session, "shop", "web")
    assert view.error == "" and view.ongoing == []
    assert [row["task_definition"] for row in view.rows] == ["web:3", "web:2", "web:1"]
    assert {row["status"] for row in view.rows} == {"SUCCESSFUL"}
    assert view.rows[0]["id"] == newest.rsplit("/", 1)[-1]
    assert view.rows[0]["reason"] and view.rows[0]["finished"] is not None
    assert view.last is not None and view.last["serviceDeploymentArn"] == newest
    assert newest.rsplit("/", 1)[-1] in view.last_box.value
    for heading in ("Deployment ID", "Status reason", "Target revision", "Created (UTC)"):
        assert f"<th>{heading}</th>" in view.table.value
    assert "ecskit-none-ongoing" in str(view.ongoing_box.children[1].value)


def test_a_missing_service_is_said_plainly(session) -> None:
    session.ecs.create_cluster(clusterName="shop")
    view = ecskit.DeploymentsView(session, "shop", "nothing")
    assert "Could not read the deployments of service nothing" in view.message.value
    assert "ServiceNotFoundException" in view.message.value


def test_the_traffic_split_of_a_canary_on_the_manual_clock(manual) -> None:
    shop = _shop(manual)
    canary = {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 10}
    _web(
        manual,
        shop,
        4,
        {"strategy": "CANARY", "bakeTimeInMinutes": 0, **{"canaryConfiguration": canary}},
    )
    arn = _deploy(manual, "web:2")
    manual.sandbox.advance(10)
    view = ecskit.DeploymentsView(manual, "shop", "web")
    (ongoing,) = view.ongoing
    assert ongoing["serviceDeploymentArn"] == arn
    traffic = view.ongoing_box.children[1].children[1].value
    target, source = traffic.split('class="ecskit-revision ecskit-revision-')[1:]
    assert target.startswith("target") and "web:2" in target and "4 / 4" in target
    assert 'ecskit-production"><span class="ecskit-bar"><span style="width:10%' in target
    assert 'ecskit-production"><span class="ecskit-bar"><span style="width:90%' in source
    assert "10 %" in target and "90 %" in source
    assert "CANARY" in view.ongoing_box.children[1].children[0].value
    manual.sandbox.advance(10 * 60 + 1)  # the canary's bake: then all production traffic moves
    manual.sandbox.settle()
    view.refresh()
    assert view.ongoing == [] and view.rows[0]["status"] == "SUCCESSFUL"


def _buttons(widget: Any, css: str) -> list[Any]:
    """Every button with the class `css` inside `widget`."""
    found = []
    if css in getattr(widget, "_dom_classes", ()) and hasattr(widget, "click"):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += _buttons(child, css)
    return found


def test_roll_back_asks_first_then_the_deployment_rolls_back(manual) -> None:
    shop = _shop(manual)
    _web(manual, shop, 2)
    arn = _deploy(manual, "web:2")
    view = ecskit.DeploymentsView(manual, "shop", "web")
    told = []
    view.on_rolled_back(told.append)
    source = view.ongoing[0]["sourceServiceRevisions"][0]["arn"].rsplit("/", 1)[-1]
    (roll_back,) = _buttons(view, "ecskit-roll-back")
    roll_back.click()
    question = view.confirm_box.children[0].value
    assert f"Roll back deployment {arn.rsplit('/', 1)[-1]} to revision {source}?" in question
    assert _status(manual, arn) == "IN_PROGRESS"  # nothing sent before Confirm
    (cancel,) = _buttons(view.confirm_box, "ecskit-cancel")
    cancel.click()
    assert view.confirm_box.children == () and _status(manual, arn) == "IN_PROGRESS"
    roll_back.click()
    (confirm,) = _buttons(view.confirm_box, "ecskit-confirm")
    confirm.click()
    assert _status(manual, arn).startswith("ROLLBACK_")
    assert told == [arn]
    assert "Rolling back deployment" in view.message.value
    manual.sandbox.settle()
    view.refresh()
    assert view.rows[0]["status"] == "ROLLBACK_SUCCESSFUL" and view.ongoing == []
    service = manual.ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["taskDefinition"].endswith("web:1")


def _paused(session: Any) -> str:
    """A blue/green deployment of web:2 waiting at its PAUSE hook after scale-up; its ARN."""
    hook = {"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"]}
    configuration = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [hook]}
    _web(session, _shop(session), 2, configuration)
    arn = _deploy(session, "web:2")
    session.sandbox.advance(30)
    return arn


def test_continue_at_a_pause_hook(manual) -> None:
    arn = _paused(manual)
    view = ecskit.DeploymentsView(manual, "shop", "web")
    answered = []
    view.on_continued(lambda *args: answered.append(args))
    (detail,) = view.ongoing[0]["lifecycleHookDetails"]
    assert detail["status"] == "AWAITING_ACTION"
    assert "AWAITING_ACTION" in str(view.ongoing_box.children[1].children[3].children[0].value)
    (go,) = _buttons(view, "ecskit-continue")
    go.click()
    assert answered == [(arn, detail["hookId"], "CONTINUE")]
    assert "Continued deployment" in view.message.value
    assert _buttons(view, "ecskit-continue") == []  # the hook waits no longer
    manual.sandbox.advance(120)
    manual.sandbox.settle()
    assert _status(manual, arn) == "SUCCESSFUL"


def test_roll_back_at_a_pause_hook(manual) -> None:
    arn = _paused(manual)
    view = ecskit.DeploymentsView(manual, "shop", "web")
    (back,) = _buttons(view, "ecskit-hook-roll-back")
    back.click()
    manual.sandbox.advance(30)
    manual.sandbox.settle()
    assert _status(manual, arn) == "ROLLBACK_SUCCESSFUL"


def test_a_read_only_session_is_refused_plainly_and_nothing_is_sent(manual) -> None:
    arn = _paused(manual)
    readonly = ecskit.connect(read_only=True)  # the same sandbox, refusing writes
    sent = []
    readonly.ecs.meta.events.register(
        "before-call.ecs.*", lambda model, **_: sent.append(model.name)
    )
    view = ecskit.DeploymentsView(readonly, "shop", "web")
    assert view.ongoing and not view.error  # reads work
    sent.clear()
    (roll_back,) = _buttons(view, "ecskit-roll-back")
    roll_back.click()
    assert "read-only" in view.message.value and "was not sent" in view.message.value
    assert view.confirm_box.children == ()  # no confirmation for what cannot be done
    (go,) = _buttons(view, "ecskit-continue")
    go.click()
    assert "read-only" in view.message.value
    view.roll_back(arn)  # even called directly
    assert sent == []
    assert _status(manual, arn) == "IN_PROGRESS"
    assert (
        manual.ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][
            0
        ]["lifecycleHookDetails"][0]["status"]
        == "AWAITING_ACTION"
    )
    # and ops, the layer below, refuses before sending too
    with pytest.raises(ops.OpError) as caught:
        ops.roll_back_deployment(readonly, arn)
    assert caught.value.code == "ReadOnly" and "Nothing was sent" in caught.value.message


def test_ops_say_plainly_what_cannot_be_done(manual) -> None:
    shop = _shop(manual)
    _web(manual, shop, 1)
    (finished,) = manual.ecs.list_service_deployments(cluster="shop", service="web")[
        "serviceDeployments"
    ]
    with pytest.raises(ops.OpError) as caught:
        ops.roll_back_deployment(manual, finished["serviceDeploymentArn"])
    assert caught.value.code == "ConflictException"
    assert caught.value.message.startswith("Could not roll back deployment ")
    with pytest.raises(ops.OpError) as caught:
        ops.continue_deployment(manual, finished["serviceDeploymentArn"], "h1", "MAYBE")
    assert caught.value.field == "action" and "CONTINUE or ROLLBACK" in caught.value.message
    with pytest.raises(ops.OpError) as caught:
        ops.continue_deployment(manual, finished["serviceDeploymentArn"], "nope")
    assert caught.value.code == "InvalidParameterException"
    assert "nope" in caught.value.message


def test_compare_opens_the_revision_diff_of_the_ongoing_deployment(manual) -> None:
    shop = _shop(manual)
    _web(manual, shop, 2)
    arn = _deploy(manual, "web:2")
    view = ecskit.DeploymentsView(manual, "shop", "web")
    (compare,) = _buttons(view, "ecskit-compare")
    compare.click()
    (diff,) = view.detail.children
    assert isinstance(diff, ecskit.RevisionDiff)
    assert [c["path"] for c in diff.changes] == ["containerImages[0].image", "taskDefinition"]
    assert diff.right.value.rsplit("/", 1)[-1] in str(view.ongoing[0]["targetServiceRevision"])
    assert arn  # the deployment whose revisions these are
