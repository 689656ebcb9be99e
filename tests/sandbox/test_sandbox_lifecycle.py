"""Tasks walk ECS's documented lifecycle, paced by the sandbox clock, never by describing them."""

from __future__ import annotations

import re

import botocore.exceptions
import pytest

from ecskit.sandbox.clock import ClockError


def _run(session, network, kit) -> dict:
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    return ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]


def _status(ecs, task) -> dict:
    return ecs.describe_tasks(cluster="shop", tasks=[task["taskArn"]])["tasks"][0]


def test_a_task_starts_through_provisioning_pending_activating(manual, network, kit) -> None:
    ecs = manual.ecs
    task = _run(manual, network, kit)
    assert (task["lastStatus"], task["desiredStatus"]) == ("PROVISIONING", "RUNNING")
    seen = [_status(ecs, task)["lastStatus"]]
    for _ in range(3):
        manual.sandbox.advance(1)
        seen.append(_status(ecs, task)["lastStatus"])
    assert seen == ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"]
    running = _status(ecs, task)
    assert running["pullStartedAt"] <= running["pullStoppedAt"] <= running["startedAt"]
    assert running["connectivity"] == "CONNECTED" and "connectivityAt" in running
    assert [c["lastStatus"] for c in running["containers"]] == ["RUNNING"]


def test_task_ids_are_ecs_shaped_and_found_by_id_or_arn(manual, network, kit) -> None:
    ecs = manual.ecs
    task = _run(manual, network, kit)
    task_id = task["taskArn"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f]{32}", task_id)  # as ECS makes them (moto's are UUIDs)
    assert task["taskArn"].endswith(f":task/shop/{task_id}")
    for ref in (task_id, task["taskArn"]):
        found = ecs.describe_tasks(cluster="shop", tasks=[ref])["tasks"]
        assert [t["taskArn"] for t in found] == [task["taskArn"]]
    stopped = ecs.stop_task(cluster="shop", task=task_id)["task"]
    assert stopped["taskArn"] == task["taskArn"]


def test_describing_a_task_does_not_move_it(manual, network, kit) -> None:
    ecs = manual.ecs
    task = _run(manual, network, kit)
    manual.sandbox.settle()
    for _ in range(6):
        assert _status(ecs, task)["lastStatus"] == "RUNNING"
    with pytest.raises(botocore.exceptions.WaiterError):
        ecs.get_waiter("tasks_stopped").wait(
            cluster="shop", tasks=[task["taskArn"]], WaiterConfig={"Delay": 0.01, "MaxAttempts": 3}
        )


def test_a_stopped_task_stops_through_ecs_states_with_its_reason(manual, network, kit) -> None:
    ecs = manual.ecs
    task = _run(manual, network, kit)
    manual.sandbox.settle()
    answer = ecs.stop_task(cluster="shop", task=task["taskArn"], reason="deploying v2")["task"]
    assert answer["desiredStatus"] == "STOPPED" and answer["stopCode"] == "UserInitiated"
    seen = [answer["lastStatus"]]
    for _ in range(3):
        manual.sandbox.advance(1)
        seen.append(_status(ecs, task)["lastStatus"])
    assert seen == ["DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]
    stopped = _status(ecs, task)
    assert stopped["stoppedReason"] == "deploying v2"
    assert stopped["stoppingAt"] <= stopped["executionStoppedAt"] <= stopped["stoppedAt"]
    assert [c["lastStatus"] for c in stopped["containers"]] == ["STOPPED"]
    assert ecs.list_tasks(cluster="shop")["taskArns"] == []
    assert ecs.list_tasks(cluster="shop", desiredStatus="STOPPED")["taskArns"] == [task["taskArn"]]


def test_waiters_behave_as_on_aws(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    task = _run(ecs_session, network, kit)
    ecs.get_waiter("tasks_running").wait(
        cluster="shop", tasks=[task["taskArn"]], WaiterConfig=kit.fast
    )
    ecs.stop_task(cluster="shop", task=task["taskArn"])
    ecs.get_waiter("tasks_stopped").wait(
        cluster="shop", tasks=[task["taskArn"]], WaiterConfig=kit.fast
    )
    assert _status(ecs, task)["stoppedReason"] == "Task stopped by user"


def test_settle_brings_every_task_to_its_steady_state(manual, network, kit) -> None:
    task = _run(manual, network, kit)
    assert _status(manual.ecs, task)["lastStatus"] == "PROVISIONING"
    manual.sandbox.settle()
    assert _status(manual.ecs, task)["lastStatus"] == "RUNNING"


def test_the_clock_refuses_modes_it_does_not_know(session) -> None:
    with pytest.raises(ClockError, match="real"):
        session.sandbox.clock = "fast"


def test_a_fargate_task_gets_its_network_interface(ecs_session, network, kit) -> None:
    task = _run(ecs_session, network, kit)
    eni = task["attachments"][0]
    assert eni["type"] == "ElasticNetworkInterface"
    details = {d["name"]: d["value"] for d in eni["details"]}
    assert details["subnetId"] == network["subnet"]["SubnetId"]
    assert details["privateIPv4Address"].startswith("10.1.2.")
    assert details["privateDnsName"].startswith("ip-10-1-2-")
    assert set(details) >= {"networkInterfaceId", "macAddress"}
    container = _status(ecs_session.ecs, task)["containers"][0]
    assert container["networkInterfaces"][0]["privateIpv4Address"] == details["privateIPv4Address"]
    assert task["availabilityZone"] == network["subnet"]["AvailabilityZone"]
    assert (task["cpu"], task["memory"]) == ("256", "512")


def _ecr_definition(ecs, image: str) -> None:
    ecs.register_task_definition(
        family="app",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        containerDefinitions=[{"name": "app", "image": image}],
    )


ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def test_an_image_that_cannot_be_pulled_fails_to_start(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    _ecr_definition(ecs, f"{ECR}/missing:1")
    task = ecs.run_task(
        cluster="shop", taskDefinition="app", launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]  # fmt: skip
    with pytest.raises(botocore.exceptions.WaiterError):
        ecs.get_waiter("tasks_running").wait(
            cluster="shop", tasks=[task["taskArn"]], WaiterConfig=kit.fast
        )
    stopped = _status(ecs, task)
    assert (stopped["lastStatus"], stopped["stopCode"]) == ("STOPPED", "TaskFailedToStart")
    assert stopped["stoppedReason"].startswith("CannotPullContainerError")
    assert "startedAt" not in stopped


def test_an_image_pushed_to_ecr_runs(ecs_session, network) -> None:
    ecs, ecr = ecs_session.ecs, ecs_session.ecr
    ecr.create_repository(repositoryName="app")
    manifest = '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "config": {}, "layers": []}'  # noqa: E501
    ecr.put_image(repositoryName="app", imageManifest=manifest, imageTag="1")
    ecs.create_cluster(clusterName="shop")
    _ecr_definition(ecs, f"{ECR}/app:1")
    task = ecs.run_task(
        cluster="shop", taskDefinition="app", launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]  # fmt: skip
    assert _status(ecs, task)["lastStatus"] == "RUNNING"


def test_the_circuit_breaker_fails_a_deployment_whose_tasks_never_start(
    manual, network, kit
) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    _ecr_definition(ecs, f"{ECR}/missing:1")
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    ecs.create_service(
        cluster="shop", serviceName="app", taskDefinition="app", desiredCount=2,
        launchType="FARGATE", networkConfiguration=network["config"],
        deploymentConfiguration=breaker,
    )  # fmt: skip
    for _ in range(3):
        manual.sandbox.settle()
        manual.sandbox.advance(61)
    service = ecs.describe_services(cluster="shop", services=["app"])["services"][0]
    deployment = service["deployments"][0]
    assert deployment["rolloutState"] == "FAILED"
    assert deployment["failedTasks"] >= 3
    assert service["runningCount"] == 0
    messages = [e["message"] for e in service["events"]]
    assert any("unable to consistently start tasks" in m for m in messages)
    assert "deployment failed: tasks failed to start." in messages[0]


def test_the_circuit_breaker_rolls_back_to_the_last_revision_that_ran(manual, network, kit) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    _ecr_definition(ecs, "nginx")  # app:1 pulls
    _ecr_definition(ecs, f"{ECR}/missing:1")  # app:2 does not
    service = kit.failing_rollout(manual, network)
    assert service["taskDefinition"].endswith("app:1")
    assert service["runningCount"] == 2
    assert len(service["deployments"]) == 1
    messages = [e["message"] for e in service["events"]]
    assert any("deployment failed: tasks failed to start" in m for m in messages)
    assert any("rolling back" in m for m in messages)
