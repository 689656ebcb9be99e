"""EC2 tasks run only where CPU, memory and ports are free; otherwise ECS's RESOURCE failures."""

from __future__ import annotations

import pytest


def _instance(session, cluster="fleet") -> str:
    ec2, ecs = session.ec2, session.ecs
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    ci = ecs.register_container_instance(
        cluster=cluster,
        instanceIdentityDocument=f'{{"instanceId": "{instance["InstanceId"]}"}}',
    )
    return ci["containerInstance"]["containerInstanceArn"]


def _fleet(session) -> str:
    session.ecs.create_cluster(clusterName="fleet")
    return _instance(session)


def test_ec2_tasks_need_a_container_instance(ecs_session, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="fleet")
    kit.ec2_definition(ecs)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="No Container Instances"):
        ecs.run_task(cluster="fleet", taskDefinition="worker", launchType="EC2")


def test_a_task_wanting_more_cpu_than_is_free_fails_with_resource_cpu(ecs_session, kit) -> None:
    ecs = ecs_session.ecs
    arn = _fleet(ecs_session)
    kit.ec2_definition(ecs, cpu=8192)
    answer = ecs.run_task(cluster="fleet", taskDefinition="worker", launchType="EC2")
    assert answer["tasks"] == []
    assert answer["failures"] == [{"arn": arn, "reason": "RESOURCE:CPU"}]


def test_a_task_wanting_more_memory_than_is_free_fails_with_resource_memory(
    ecs_session, kit
) -> None:
    ecs = ecs_session.ecs
    _fleet(ecs_session)
    kit.ec2_definition(ecs, memory=3000)
    answer = ecs.run_task(cluster="fleet", taskDefinition="worker", count=3, launchType="EC2")
    assert len(answer["tasks"]) == 2  # 7,482 MiB registered: two fit
    assert [f["reason"] for f in answer["failures"]] == ["RESOURCE:MEMORY"]


def test_a_host_port_in_use_fails_with_resource_ports(ecs_session, kit) -> None:
    ecs = ecs_session.ecs
    _fleet(ecs_session)
    kit.ec2_definition(ecs, portMappings=[{"containerPort": 80, "hostPort": 8080}])
    first = ecs.run_task(cluster="fleet", taskDefinition="worker")
    assert len(first["tasks"]) == 1
    second = ecs.run_task(cluster="fleet", taskDefinition="worker")
    assert second["tasks"] == []
    assert [f["reason"] for f in second["failures"]] == ["RESOURCE:PORTS"]


def test_a_stopped_task_frees_its_resources(ecs_session, kit) -> None:
    ecs = ecs_session.ecs
    _fleet(ecs_session)
    kit.ec2_definition(ecs, memory=6000)
    task = ecs.run_task(cluster="fleet", taskDefinition="worker")["tasks"][0]
    assert ecs.run_task(cluster="fleet", taskDefinition="worker")["tasks"] == []
    ecs.stop_task(cluster="fleet", task=task["taskArn"])
    ecs.get_waiter("tasks_stopped").wait(
        cluster="fleet", tasks=[task["taskArn"]], WaiterConfig=kit.fast
    )
    assert len(ecs.run_task(cluster="fleet", taskDefinition="worker")["tasks"]) == 1


def test_a_service_that_fits_nowhere_says_why_in_its_events(ecs_session, kit) -> None:
    ecs = ecs_session.ecs
    _fleet(ecs_session)
    kit.ec2_definition(ecs, cpu=8192)
    ecs.create_service(cluster="fleet", serviceName="big", taskDefinition="worker", desiredCount=1)
    service = ecs.describe_services(cluster="fleet", services=["big"])["services"][0]
    assert service["runningCount"] == 0
    assert "was unable to place a task" in service["events"][0]["message"]
    assert "insufficient CPU units" in service["events"][0]["message"]


def test_fargate_with_task_level_memory_only_runs(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)  # no container-level memory at all
    task = ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]
    assert task["launchType"] == "FARGATE" and task["memory"] == "512"


def test_container_instances_count_their_tasks(ecs_session, kit) -> None:
    ecs = ecs_session.ecs
    arn = _fleet(ecs_session)
    kit.ec2_definition(ecs)
    ecs.run_task(cluster="fleet", taskDefinition="worker", count=3)
    instance = ecs.describe_container_instances(cluster="fleet", containerInstances=[arn])
    described = instance["containerInstances"][0]
    assert (described["runningTasksCount"], described["pendingTasksCount"]) == (3, 0)
    remaining = {r["name"]: r.get("integerValue") for r in described["remainingResources"]}
    assert remaining["MEMORY"] == 7482 - 3 * 256
