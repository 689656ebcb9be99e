"""The deployment section of ServiceForm and UpdateServiceForm: fields follow the strategy,
the rules check them as you type, and a blue/green service made with the form deploys
blue/green on the sandbox (issue 12)."""

from __future__ import annotations

import pytest
from test_deployment_forms import WEB

from ecskit import ops
from ecskit.widgets import ServiceForm, UpdateServiceForm

DC = "deploymentConfiguration"
CANARY = f"{DC}.canaryConfiguration.canaryPercent"
ADVANCED = "loadBalancers[0].advancedConfiguration"
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"


@pytest.fixture
def account(session):
    ops.register_task_definition(session, WEB)
    ops.create_cluster(session, {"clusterName": "prod"})
    return session


def _shown(form, path) -> bool:
    return form.field(path).box.layout.display != "none"


def test_choosing_canary_shows_the_canary_fields_only(account) -> None:
    form = ServiceForm(account, task_definition="web:1")
    assert not _shown(form, CANARY) and not _shown(form, f"{DC}.bakeTimeInMinutes")
    form.deployment.strategy.value = "CANARY"
    assert _shown(form, CANARY) and _shown(
        form, f"{DC}.canaryConfiguration.canaryBakeTimeInMinutes"
    )
    assert _shown(form, f"{DC}.bakeTimeInMinutes") and _shown(form, f"{DC}.lifecycleHooks")
    assert not _shown(form, f"{DC}.linearConfiguration.stepPercent")
    assert form.body[DC]["canaryConfiguration"] == {
        "canaryPercent": 5.0,
        "canaryBakeTimeInMinutes": 10,
    }
    form.deployment.strategy.value = "ROLLING"
    assert not _shown(form, CANARY)
    assert DC not in form.body  # rolling is the default: the request stays as it was


def test_a_bad_canary_percent_shows_the_rules_message_beside_its_field(account) -> None:
    form = ServiceForm(account, task_definition="web:1")
    form.service_name.value = "web"
    form.deployment.strategy.value = "CANARY"
    assert form.problems_at(CANARY) == []
    form.deployment.canary.value = 0.05
    (problem,) = form.problems_at(CANARY)
    assert problem.rule == "deployment.canary-percent"
    assert "multiple of 0.1 from 0.1 to 100.0, not 0.05" in problem.message
    assert problem.message in form.field(CANARY).problems_html.value.replace("&#x27;", "'")
    assert form.submit.disabled
    form.deployment.canary.value = 12.5
    assert form.problems_at(CANARY) == [] and not form.submit.disabled


def test_hooks_are_added_checked_and_removed(account) -> None:
    form = ServiceForm(account, task_definition="web:1")
    form.deployment.strategy.value = "BLUE_GREEN"
    row = form.deployment.add()
    row.kind.value = "AWS_LAMBDA"
    hook = f"{DC}.lifecycleHooks[0]"
    assert [p.rule for p in form.problems_at(hook)] == ["hooks.lambda-target", "hooks.lambda-role"]
    row.kind.value = "PAUSE"
    row.stages.value = ("PRODUCTION_TRAFFIC_SHIFT",)
    assert [p.rule for p in form.problems_at(hook)] == ["hooks.stages"]
    row.stages.value = ("POST_SCALE_UP",)
    assert form.body[DC]["lifecycleHooks"] == [
        {"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"]}
    ]
    row.remove.click()
    assert "lifecycleHooks" not in form.body[DC]
    assert [f for f in form.fields if f.path.startswith(f"{DC}.lifecycleHooks[")] == []


def test_a_blue_green_service_made_with_the_form_deploys_blue_green(
    account, blue_green_alb
) -> None:
    box = account.sandbox
    before, box.clock = box.clock, "manual"
    try:
        form = ServiceForm(account, task_definition="web:1")
        vpc = form.vpc.value
        subnets = [s["SubnetId"] for s in account.ec2.describe_subnets(
            Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]  # fmt: skip
        made = blue_green_alb(vpc, subnets)
        (blue, green), production, test = made["groups"], made["production"], made["test"]
        form.refresh_connections()
        assert (production, production) in [(v, v) for _, v in form.deployment.production.options]
        form.service_name.value = "web"
        form.desired.value = 2
        form.target_group.value = blue
        form.deployment.strategy.value = "BLUE_GREEN"
        # the traffic settings are asked for as soon as the strategy needs them
        assert [p.rule for p in form.problems_at(f"{ADVANCED}.alternateTargetGroupArn")] == [
            "deployment.alternate-target-group"
        ]
        form.deployment.alternate.value = green
        form.deployment.production.value = production
        form.deployment.test.value = test
        form.deployment.role.value = ROLE
        form.deployment.bake.value = 1
        assert form.errors == [] and [p.rule for p in form.problems] == [], form.problems
        assert '"strategy": "BLUE_GREEN"' in form.json and "alternateTargetGroupArn" in form.json
        assert "advancedConfiguration" in form.boto3_code and "BLUE_GREEN" in form.cli_command
        form.submit.click()
        assert form.answer["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
        box.settle()

        ops.register_task_definition(account, {**WEB, "containerDefinitions": [
            {**WEB["containerDefinitions"][0], "image": "nginx:2"}]})  # fmt: skip
        update = UpdateServiceForm(account, cluster="prod", service="web")
        assert update.deployment.strategy.value == "BLUE_GREEN"
        assert update.deployment.alternate.value == green
        update.choose_revision("web:2")
        assert "loadBalancers" not in update.body  # unchanged traffic settings: not sent again
        update.submit.click()
        assert update.answer is not None, update.result.value
        box.advance(10)  # green starts, test then production traffic moves, then it bakes
        ecs = account.ecs
        listed = ecs.list_service_deployments(cluster="prod", service="web")["serviceDeployments"]
        assert len(listed) == 2
        record = ecs.describe_service_deployments(
            serviceDeploymentArns=[listed[0]["serviceDeploymentArn"]]
        )["serviceDeployments"][0]
        assert record["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
        assert record["lifecycleStage"] == "BAKE_TIME"
        action = account.elbv2.describe_rules(RuleArns=[production])["Rules"][0]["Actions"][0]
        weights = {
            g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]
        }
        assert weights == {blue: 0, green: 100}
        box.advance(70)  # the 1 minute bake, then blue is removed
        box.settle()
        listed = ecs.list_service_deployments(cluster="prod", service="web")["serviceDeployments"]
        assert listed[0]["status"] == "SUCCESSFUL"
    finally:
        box.clock = before
