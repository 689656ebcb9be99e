"""ServiceForm: first-use messages, AZ rebalancing, auto scaling and EBS volumes at launch."""

from __future__ import annotations

import copy
import json

import pytest
from test_deployment_forms import WEB  # the Fargate web revision those tests use

from ecskit import ops, scaling
from ecskit.widgets import ServiceForm

DATA = copy.deepcopy(WEB) | {
    "family": "data",
    "volumes": [{"name": "data", "configuredAtLaunch": True}],
}
DATA["containerDefinitions"][0]["mountPoints"] = [{"sourceVolume": "data", "containerPath": "/d"}]
CPU = "ECSServiceAverageCPUUtilization"


@pytest.fixture
def account(session):
    ops.register_task_definition(session, WEB)
    ops.register_task_definition(session, DATA)
    ops.create_cluster(session, {"clusterName": "prod"})
    return session


def _infrastructure_role(session) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return session.iam.create_role(
        RoleName="ecsInfrastructureRole", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]


def test_nothing_is_said_before_the_user_acts_then_the_name_is_asked_for(account):
    form = ServiceForm(account, task_definition="web:1")
    assert form.submit.disabled  # the name is missing: Create is off from the start
    assert form.problems_at("serviceName") == []  # ...but no message before the user acts
    assert "ecskit-problem" not in form.field("serviceName").problems_html.value
    form.desired.value = 2
    shown = form.problems_at("serviceName")
    assert [p.message for p in shown] == ["Service name is required: letters, numbers, - and _."]
    assert "may only use" not in form.field("serviceName").problems_html.value


def test_az_rebalancing_shows_ecs_default_and_is_sent(account):
    form = ServiceForm(account, task_definition="web:1")
    assert form.rebalancing.value == "ENABLED"
    assert "default" in dict((v, k) for k, v in form.rebalancing.options)["ENABLED"]
    form.service_name.value = "web"
    form.rebalancing.value = "DISABLED"
    assert form.body["availabilityZoneRebalancing"] == "DISABLED"
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value


def test_scaling_problems_are_named_by_field(account):
    form = ServiceForm(account, task_definition="web:1")
    form.service_name.value = "web"
    form.scaling.enabled.value = True
    form.scaling.minimum.value, form.scaling.maximum.value = 5, 2
    assert "below minimum" in form.problems_at("autoScaling.maxTasks")[0].message
    form.scaling.maximum.value = 6
    form.scaling.target.value = 150
    assert "above 100" in form.problems_at("autoScaling.target")[0].message
    form.scaling.target.value = 50
    form.scaling.metric.value = "ALBRequestCountPerTarget"
    assert "target group" in form.problems_at("autoScaling.metric")[0].message
    assert form.submit.disabled


def test_scaling_is_previewed_and_made_after_the_service(account):
    form = ServiceForm(account, task_definition="web:1")
    form.service_name.value = "web"
    form.scaling.enabled.value = True
    form.scaling.minimum.value, form.scaling.maximum.value = 1, 4
    form.scaling.target.value = 55
    shown = form.scaling.requests.value
    assert "register-scalable-target" in shown and "put-scaling-policy" in shown
    assert "service/prod/web" in shown and "ecs:service:DesiredCount" in shown
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    assert scaling.current(account, "prod", "web") == {
        "minTasks": 1,
        "maxTasks": 4,
        "metric": CPU,
        "target": 55.0,
    }


def test_a_refused_policy_leaves_neither_target_nor_service(account, monkeypatch):
    form = ServiceForm(account, task_definition="web:1")
    form.service_name.value = "web"
    form.scaling.enabled.value = True
    client = account.client("application-autoscaling")

    def refuse(**_):
        raise client.exceptions.ValidationException(
            {"Error": {"Code": "ValidationException", "Message": "refused"}}, "PutScalingPolicy"
        )

    monkeypatch.setattr(client, "put_scaling_policy", refuse)
    form.submit.click()
    assert "refused" in form.result.value
    assert form.problems_at("autoScaling")  # shown beside the scaling fields
    assert scaling.current(account, "prod", "web") == {}
    services = account.ecs.describe_services(cluster="prod", services=["web"])["services"]
    assert all(s["status"] != "ACTIVE" for s in services)


def test_volumes_configured_at_launch_get_a_row_and_are_checked(account):
    form = ServiceForm(account, task_definition="web:1")
    assert form.volumes.rows == [] and form.volumes.box.layout.display == "none"
    form.choose_revision("data:1")
    assert [row.name for row in form.volumes.rows] == ["data"]
    row = form.volumes.rows[0]
    form.service_name.value = "data"
    at = "volumeConfigurations[0].managedEBSVolume"
    assert "Infrastructure role is required" in form.problems_at(f"{at}.roleArn")[0].message
    row.role.options = [*row.role.options, ("infra", _infrastructure_role(account))]
    row.role.value = row.role.options[-1][1]
    row.type.value, row.iops.value = "io2", 0
    assert form.problems_at(f"{at}.iops")[0].message == "A io2 volume needs IOPS."
    row.iops.value = 500
    row.size.value = 2
    assert "4-16,384 GiB" in form.problems_at(f"{at}.sizeInGiB")[0].message
    row.size.value = 40
    row.throughput.value = 300
    assert "Only gp3" in form.problems_at(f"{at}.throughput")[0].message
    row.type.value, row.iops.value = "gp3", 4000
    assert form.errors == [], form.problems
    assert form.body["volumeConfigurations"] == [
        {
            "name": "data",
            "managedEBSVolume": {
                "roleArn": row.role.value,
                "volumeType": "gp3",
                "sizeInGiB": 40,
                "iops": 4000,
                "throughput": 300,
                "encrypted": True,
            },
        }
    ]


def test_a_loaded_volume_the_revision_lacks_is_kept_and_flagged(account):
    form = ServiceForm(account)
    body = {
        "cluster": "prod",
        "serviceName": "web",
        "taskDefinition": "web:1",
        "volumeConfigurations": [
            {
                "name": "cache",
                "managedEBSVolume": {"roleArn": "arn:aws:iam::1:role/r", "sizeInGiB": 5},
            }
        ],
    }
    assert form.load(body) == []
    assert form.body["volumeConfigurations"] == body["volumeConfigurations"]
    rules = [p.rule for p in form.problems]
    assert "volume-configuration.configured-at-launch" in rules
