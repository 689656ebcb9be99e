"""RunTaskForm keeps what it loads: ARNs, a count out of range, keys it has no input for."""

from __future__ import annotations

import pytest
from test_deployment_forms import WEB

from ecskit import ops
from ecskit.widgets import RunTaskForm

BRIDGE = {
    "family": "job",
    "requiresCompatibilities": ["EC2"],
    "networkMode": "bridge",
    "containerDefinitions": [{"name": "job", "image": "busybox", "memory": 128}],
}


@pytest.fixture
def account(session):
    ops.register_task_definition(session, WEB)
    ops.register_task_definition(session, BRIDGE)
    ops.create_cluster(session, {"clusterName": "prod"})
    vpc = session.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    where = [{"Name": "vpc-id", "Values": [vpc]}]
    subnet = session.ec2.describe_subnets(Filters=where)["Subnets"][0]["SubnetId"]
    group = session.ec2.describe_security_groups(Filters=where)["SecurityGroups"][0]["GroupId"]
    return session, subnet, group


def _network(subnet: str, group: str, public: str = "DISABLED") -> dict:
    return {
        "awsvpcConfiguration": {
            "subnets": [subnet],
            "securityGroups": [group],
            "assignPublicIp": public,
        }
    }


def _cases(subnet: str, group: str) -> dict[str, dict]:
    arn = "arn:aws:ecs:us-east-1:123456789012"
    base = {"cluster": "prod", "taskDefinition": "web:1", "count": 1}
    net = _network(subnet, group)
    return {
        "count-over-ten": {
            **base,
            "count": 11,
            "launchType": "FARGATE",
            "networkConfiguration": net,
        },
        "arns": {
            **base,
            "cluster": f"{arn}:cluster/prod",
            "taskDefinition": f"{arn}:task-definition/web:1",
            "launchType": "FARGATE",
            "networkConfiguration": net,
        },
        "no-launch-type": {**base, "networkConfiguration": net},
        "no-public-ip-choice": {
            **base,
            "launchType": "FARGATE",
            "networkConfiguration": {
                "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}
            },
        },
        "keys-without-inputs": {
            **base,
            "launchType": "FARGATE",
            "networkConfiguration": net,
            "startedBy": "nightly",
            "group": "family:web",
            "tags": [{"key": "team", "value": "a"}],
            "overrides": {"containerOverrides": [{"name": "web", "command": ["echo", "hi"]}]},
            "enableExecuteCommand": True,
        },
        "network-on-a-bridge-revision": {
            **base,
            "taskDefinition": "job:1",
            "launchType": "EC2",
            "networkConfiguration": net,
        },
        "family-only": {**base, "taskDefinition": "web", "launchType": "FARGATE"},
        "strategy-with-base-and-weight": {
            **base,
            "capacityProviderStrategy": [
                {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 1},
                {"capacityProvider": "FARGATE", "weight": 1},
            ],
            "networkConfiguration": net,
        },
    }


CASES = list(_cases("s", "g"))


@pytest.mark.parametrize("case", CASES)
def test_a_loaded_run_task_body_is_previewed_as_loaded(account, case):
    session, subnet, group = account
    body = _cases(subnet, group)[case]
    form = RunTaskForm(session)
    assert form.load(body) == []
    assert form.body == body


def test_a_count_over_ten_is_shown_and_flagged_not_clamped(account):
    session, subnet, group = account
    form = RunTaskForm(session)
    form.load(_cases(subnet, group)["count-over-ten"])
    assert form.count.value == 11 and form.body["count"] == 11
    assert [p.severity for p in form.problems_at("count")] == ["error"]
    form.count.value = 3
    assert form.body["count"] == 3 and not form.problems_at("count")
