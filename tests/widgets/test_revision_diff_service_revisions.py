"""RevisionDiff on two service revisions: what a deployment changed (task definition, network,
images...), given by their ARNs or by the deployment itself."""

from __future__ import annotations

from typing import Any

import pytest

import ecskit


@pytest.fixture
def web(session: ecskit.Session) -> dict[str, Any]:
    """Service web in cluster shop, deployed twice: web:1 then web:2 with another security group;
    the newest deployment's JSON and its revisions' ARNs (source, target)."""
    ec2, ecs = session.ec2, session.ecs
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    groups = [
        ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        for name in ("old", "new")
    ]
    ecs.create_cluster(clusterName="shop")
    for image in ("nginx:1", "nginx:2"):
        ecs.register_task_definition(
            family="web",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            containerDefinitions=[{"name": "web", "image": image}],
        )
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": groups[:1]}}
    ecs.create_service(
        cluster="shop",
        serviceName="web",
        taskDefinition="web:1",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=network,
    )
    network["awsvpcConfiguration"]["securityGroups"] = groups[1:]
    ecs.update_service(
        cluster="shop", service="web", taskDefinition="web:2", networkConfiguration=network
    )
    newest = ecs.list_service_deployments(cluster="shop", service="web")["serviceDeployments"][0]
    deployment = ecs.describe_service_deployments(
        serviceDeploymentArns=[newest["serviceDeploymentArn"]]
    )["serviceDeployments"][0]
    source = deployment["sourceServiceRevisions"][0]["arn"]
    return {"deployment": deployment, "source": source, "groups": groups}


def test_two_service_revisions_show_what_changed(session, web) -> None:
    target = web["deployment"]["targetServiceRevision"]["arn"]
    diff = ecskit.RevisionDiff(session, a=web["source"], b=target)
    assert diff.title == "Compare service revisions of web"
    changes = {c["path"]: (c["a"], c["b"]) for c in diff.changes}
    assert changes["containerImages[0].image"] == ("nginx:1", "nginx:2")
    assert changes["taskDefinition"][1].endswith("task-definition/web:2")
    groups = changes["networkConfiguration.awsvpcConfiguration.securityGroups[0]"]
    assert groups == tuple(web["groups"])
    # what names a revision is no difference between two of them
    assert not any(p in changes for p in ("serviceRevisionArn", "createdAt"))
    source_id, target_id = web["source"].rsplit("/", 1)[-1], target.rsplit("/", 1)[-1]
    assert f"<th>{source_id} web:1</th><th>{target_id} web:2</th>" in diff.table.value
    diff.left.value, diff.right.value = target, target
    assert diff.changes == [] and "run the same" in diff.table.value


def test_a_deployment_compares_its_source_with_its_target(session, web) -> None:
    for given in (web["deployment"], web["deployment"]["serviceDeploymentArn"]):
        diff = ecskit.RevisionDiff.of_deployment(session, given)
        labels = [label for label, _ in diff.left.options]
        assert labels[0].endswith("web:1 (Source)") and labels[1].endswith("web:2 (Target)")
        assert diff.left.value == web["source"]
        assert "containerImages[0].image" in [c["path"] for c in diff.changes]


def test_a_revision_ecs_cannot_find_is_said_plainly(session, web) -> None:
    missing = web["source"].rsplit("/", 1)[0] + "/404"
    diff = ecskit.RevisionDiff(session, a=web["source"], b=missing)
    assert "service revision 404 was not found" in diff.message.value
    assert diff.changes == []


def test_task_definition_revisions_still_compare_by_family(session, web) -> None:
    diff = ecskit.RevisionDiff(session, "web")
    assert (diff.left.value, diff.right.value) == (1, 2)
    assert [c["path"] for c in diff.changes] == ["containerDefinitions[0].image"]
