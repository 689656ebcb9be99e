"""A learner deletes AWSServiceRoleForECS: IAM deletes it as it deletes service-linked roles,
refuses to take its policy away, and RunTask refuses awsvpc tasks until ECS makes it again.

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
(made again on CreateCluster, CreateService, UpdateService); RunTask's words quoted in
https://github.com/aws-solutions/cost-optimizer-for-amazon-workspaces/issues/13; IAM's refusal
in https://github.com/gruntwork-io/cloud-nuke/issues/880. boto3 API only.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_service_linked_role import FARGATE, NAME, POLICY

MISSING = (
    "Unable to assume the service linked role. Please verify that the ECS service linked role "
    "exists."
)


def run_fargate(session: Any, network: dict[str, Any]) -> dict[str, Any]:
    return session.ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration=network["config"],
    )


def test_iam_deletes_it_with_its_policy_and_never_detaches_the_policy(ecs_session) -> None:
    iam = ecs_session.iam
    ecs_session.ecs.create_cluster(clusterName="shop")
    with pytest.raises(ClientError) as refused:
        iam.detach_role_policy(RoleName=NAME, PolicyArn=POLICY)
    assert refused.value.response["Error"]["Code"] == "UnmodifiableEntity"
    assert "protected role 'AWSServiceRoleForECS'" in refused.value.response["Error"]["Message"]
    attached = iam.list_attached_role_policies(RoleName=NAME)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [POLICY]

    assert iam.delete_service_linked_role(RoleName=NAME)["DeletionTaskId"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["ecsTaskExecutionRole"]


def test_run_task_refuses_awsvpc_tasks_until_ecs_makes_it_again(ecs_session, network) -> None:
    session = ecs_session
    ecs, iam = session.ecs, session.iam
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(**FARGATE)
    assert run_fargate(session, network)["tasks"]

    iam.delete_service_linked_role(RoleName=NAME)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        run_fargate(session, network)
    assert refused.value.response["Error"]["Message"] == MISSING
    # nothing started for the refused request
    running = ecs.list_tasks(cluster="shop")["taskArns"]
    assert len(running) == 1

    ecs.create_cluster(clusterName="shop")  # ECS makes the role on CreateCluster
    iam.get_role(RoleName=NAME)
    assert run_fargate(session, network)["tasks"]


def test_iam_can_make_it_again_by_hand(ecs_session, network) -> None:
    session = ecs_session
    ecs, iam = session.ecs, session.iam
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(**FARGATE)
    iam.delete_service_linked_role(RoleName=NAME)
    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    assert run_fargate(session, network)["tasks"]


def test_a_bridge_task_does_not_need_it(ecs_session) -> None:
    """Only awsvpc tasks get a network interface from ECS; a bridge task on an instance does
    not ask for the role (and the instance's absence is what refuses it here)."""
    session = ecs_session
    ecs, iam = session.ecs, session.iam
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(
        family="worker",
        networkMode="bridge",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
    )
    iam.delete_service_linked_role(RoleName=NAME)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.run_task(cluster="shop", taskDefinition="worker")
    assert refused.value.response["Error"]["Message"] != MISSING
