"""ECS's errors for requests ECS rejects, with ECS's codes and words (boto3 API only)."""

from __future__ import annotations

import botocore.exceptions
import pytest


def test_create_cluster_twice_returns_the_existing_cluster(ecs_session) -> None:
    ecs = ecs_session.ecs
    first = ecs.create_cluster(clusterName="shop", tags=[{"key": "team", "value": "a"}])
    again = ecs.create_cluster(clusterName="shop", tags=[{"key": "team", "value": "b"}])
    assert again["cluster"]["clusterArn"] == first["cluster"]["clusterArn"]
    described = ecs.describe_clusters(clusters=["shop"], include=["TAGS"])["clusters"][0]
    assert described["tags"] == [{"key": "team", "value": "a"}]


def test_create_service_with_an_active_name_is_not_idempotent(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=1)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="not idempotent"):
        kit.fargate_service(ecs, network, count=1)


def test_an_inactive_revision_runs_nothing(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=1, name="live")
    ecs.deregister_task_definition(taskDefinition="web:1")
    net = network["config"]
    with pytest.raises(ecs.exceptions.ClientException, match="TaskDefinition is inactive"):
        ecs.run_task(
            cluster="shop", taskDefinition="web:1", launchType="FARGATE", networkConfiguration=net
        )
    with pytest.raises(ecs.exceptions.ClientException, match="TaskDefinition is inactive"):
        ecs.create_service(
            cluster="shop",
            serviceName="new",
            taskDefinition="web:1",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=net,
        )
    with pytest.raises(ecs.exceptions.ClientException, match="TaskDefinition is inactive"):
        ecs.update_service(cluster="shop", service="live", taskDefinition="web:1")
    # the family's latest ACTIVE revision still runs
    ran = ecs.run_task(
        cluster="shop", taskDefinition="web", launchType="FARGATE", networkConfiguration=net
    )
    assert ran["tasks"][0]["taskDefinitionArn"].endswith("web:2")


def test_delete_cluster_with_services_is_refused(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=0)
    with pytest.raises(ecs.exceptions.ClusterContainsServicesException):
        ecs.delete_cluster(cluster="shop")
    assert ecs.describe_clusters(clusters=["shop"])["clusters"][0]["status"] == "ACTIVE"


def test_delete_cluster_with_tasks_is_refused(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    task = ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]
    with pytest.raises(ecs.exceptions.ClusterContainsTasksException):
        ecs.delete_cluster(cluster="shop")
    ecs.stop_task(cluster="shop", task=task["taskArn"])
    ecs.get_waiter("tasks_stopped").wait(
        cluster="shop", tasks=[task["taskArn"]], WaiterConfig=kit.fast
    )
    assert ecs.delete_cluster(cluster="shop")["cluster"]["status"] == "INACTIVE"
    assert ecs.list_clusters()["clusterArns"] == []


def test_delete_cluster_with_instances_is_refused(ecs_session) -> None:
    ecs, ec2 = ecs_session.ecs, ecs_session.ec2
    ecs.create_cluster(clusterName="fleet")
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    ecs.register_container_instance(
        cluster="fleet",
        instanceIdentityDocument=f'{{"instanceId": "{instance["InstanceId"]}"}}',
    )
    with pytest.raises(ecs.exceptions.ClusterContainsContainerInstancesException):
        ecs.delete_cluster(cluster="fleet")


@pytest.mark.parametrize(
    ("call", "key", "limit"),
    [("describe_services", "services", 10), ("describe_tasks", "tasks", 100)],
)
def test_describe_batches_are_limited(ecs_session, call, key, limit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    with pytest.raises(ecs.exceptions.InvalidParameterException, match=str(limit)):
        getattr(ecs, call)(cluster="shop", **{key: [f"x{i}" for i in range(limit + 1)]})


def test_describe_clusters_is_limited_to_100(ecs_session) -> None:
    ecs = ecs_session.ecs
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="100"):
        ecs.describe_clusters(clusters=[f"c{i}" for i in range(101)])


@pytest.mark.parametrize("count", [0, 11])
def test_run_task_count_is_1_to_10(ecs_session, network, kit, count) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="between 1 and 10"):
        ecs.run_task(
            cluster="shop",
            taskDefinition="web",
            count=count,
            launchType="FARGATE",
            networkConfiguration=network["config"],
        )
    assert ecs.list_tasks(cluster="shop")["taskArns"] == []


def test_unknown_arns_come_back_as_missing_failures(ecs_session) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    tasks = ecs.describe_tasks(cluster="shop", tasks=["0123456789abcdef"])
    assert tasks["tasks"] == []
    assert tasks["failures"][0]["reason"] == "MISSING"
    assert tasks["failures"][0]["arn"].endswith("/0123456789abcdef")
    services = ecs.describe_services(cluster="shop", services=["ghost"])
    assert [f["reason"] for f in services["failures"]] == ["MISSING"]
    clusters = ecs.describe_clusters(clusters=["nowhere"])
    assert [f["reason"] for f in clusters["failures"]] == ["MISSING"]


def test_unknown_things_are_errors_not_crashes(ecs_session) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="not found"):
        ecs.stop_task(cluster="shop", task="0123456789abcdef")
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.list_tasks(cluster="nowhere")
    with pytest.raises(ecs.exceptions.ClientException):
        ecs.run_task(cluster="shop", taskDefinition="nothing:1")


def test_a_fargate_size_ecs_does_not_offer_is_refused_in_ecs_words(ecs_session) -> None:
    ecs = ecs_session.ecs
    pytest.importorskip("ecskit.rules", reason="ecskit.rules supplies the Fargate table")
    with pytest.raises(ecs.exceptions.ClientException) as caught:
        ecs.register_task_definition(
            family="big",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="512",
            memory="8192",
            containerDefinitions=[{"name": "a", "image": "nginx"}],
        )
    assert caught.value.response["Error"]["Message"] == (
        "No Fargate configuration exists for given values: 512 CPU, 8192 memory. "
        "See the Amazon ECS documentation for the valid values."
    )
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_awsvpc_needs_a_network_configuration(ecs_session, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="Network Configuration"):
        ecs.run_task(cluster="shop", taskDefinition="web", launchType="FARGATE")


def test_a_call_moto_cannot_do_is_an_aws_error_not_an_html_page(session) -> None:
    ecr = session.client("ecr")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        ecr.put_registry_scanning_configuration(scanType="BASIC")
    assert caught.value.response["Error"]["Code"] == "InternalFailure"
    assert "<html" not in str(caught.value).lower()


def test_list_log_groups_answers(session) -> None:
    logs = session.logs
    logs.create_log_group(logGroupName="/ecs/web")
    logs.create_log_group(logGroupName="/other")
    found = logs.list_log_groups(logGroupNamePattern="ecs")["logGroups"]
    assert [g["logGroupName"] for g in found] == ["/ecs/web"]
