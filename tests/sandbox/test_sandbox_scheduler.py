"""The service scheduler: desiredCount tasks, rolling deployments, ECS's events and counts."""

from __future__ import annotations


def _service(ecs, name="web"):
    return ecs.describe_services(cluster="shop", services=[name])["services"][0]


def _setup(session, kit, network, count=3, **extra):
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    return kit.fargate_service(ecs, network, count=count, **extra)


def test_a_service_keeps_desired_count_tasks(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    created = _setup(ecs_session, kit, network, count=3)
    assert created["status"] == "ACTIVE" and created["desiredCount"] == 3
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    service = _service(ecs)
    assert (service["runningCount"], service["pendingCount"]) == (3, 0)
    arns = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
    tasks = ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]
    deployment = service["deployments"][0]
    assert {t["group"] for t in tasks} == {"service:web"}
    assert {t["startedBy"] for t in tasks} == {deployment["id"]}
    assert deployment["id"].startswith("ecs-svc/")
    assert (deployment["status"], deployment["rolloutState"]) == ("PRIMARY", "COMPLETED")
    cluster = ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert (cluster["activeServicesCount"], cluster["runningTasksCount"]) == (1, 3)
    messages = [e["message"] for e in service["events"]]
    assert messages[0] == "(service web) has reached a steady state."
    assert f"(service web) (deployment {deployment['id']}) deployment completed." in messages
    assert any(m.startswith("(service web) has started 3 tasks: (task ") for m in messages)


def test_counts_are_pending_before_running(manual, network, kit) -> None:
    ecs = manual.ecs
    _setup(manual, kit, network, count=2)
    manual.sandbox.advance(1)
    service = _service(ecs)
    assert (service["runningCount"], service["pendingCount"]) == (0, 2)
    cluster = ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert (cluster["pendingTasksCount"], cluster["runningTasksCount"]) == (2, 0)
    manual.sandbox.advance(5)
    assert (_service(ecs)["runningCount"], _service(ecs)["pendingCount"]) == (2, 0)


def test_a_new_revision_rolls_out_as_a_new_primary_deployment(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    _setup(ecs_session, kit, network, count=2)
    first = _service(ecs)["deployments"][0]["id"]
    kit.fargate_definition(ecs, image="nginx:2")
    updated = ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")["service"]
    states = [(d["status"], d["rolloutState"]) for d in updated["deployments"]]
    assert states == [("PRIMARY", "IN_PROGRESS"), ("ACTIVE", "COMPLETED")]
    assert updated["deployments"][1]["id"] == first
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    service = _service(ecs)
    assert len(service["deployments"]) == 1
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
    arns = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
    revisions = {
        t["taskDefinitionArn"] for t in ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]
    }
    assert [r.split("/")[-1] for r in revisions] == ["web:2"]
    assert any("has stopped 2 running tasks" in e["message"] for e in service["events"])


def test_a_rollout_stays_within_minimum_healthy_and_maximum_percent(manual, network, kit) -> None:
    ecs = manual.ecs
    conf = {"minimumHealthyPercent": 50, "maximumPercent": 100}
    _setup(manual, kit, network, count=2, deploymentConfiguration=conf)
    manual.sandbox.settle()
    kit.fargate_definition(ecs, image="nginx:2")
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    for _ in range(30):
        manual.sandbox.advance(0.75)
        arns = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
        tasks = ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"] if arns else []
        live = [t for t in tasks if t["desiredStatus"] == "RUNNING"]
        running = [t for t in tasks if t["lastStatus"] == "RUNNING"]
        assert len(live) <= 2  # maximumPercent 100 of 2
        assert len(running) >= 1  # minimumHealthyPercent 50 of 2
        if len(_service(ecs)["deployments"]) == 1 and len(running) == 2:
            break
    final = {t["taskDefinitionArn"].split("/")[-1] for t in running}
    assert final == {"web:2"}


def test_scaling_to_zero_stops_the_tasks(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    _setup(ecs_session, kit, network, count=2)
    ecs.update_service(cluster="shop", service="web", desiredCount=0)
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    assert ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"] == []
    stopped = ecs.list_tasks(cluster="shop", desiredStatus="STOPPED")["taskArns"]
    tasks = ecs.describe_tasks(cluster="shop", tasks=stopped)["tasks"]
    assert {t["stopCode"] for t in tasks} == {"ServiceSchedulerInitiated"}
    assert all(t["stoppedReason"].startswith("Scaling activity initiated by") for t in tasks)


def test_a_stopped_service_task_is_replaced(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    _setup(ecs_session, kit, network, count=1)
    first = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
    ecs.stop_task(cluster="shop", task=first[0])
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    now = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
    assert len(now) == 1 and now != first


def test_deleting_a_service_drains_it(manual, network, kit) -> None:
    ecs = manual.ecs
    _setup(manual, kit, network, count=2)
    manual.sandbox.settle()
    deleted = ecs.delete_service(cluster="shop", service="web", force=True)["service"]
    assert deleted["status"] == "DRAINING"
    manual.sandbox.settle()
    assert _service(ecs)["status"] == "INACTIVE"
    assert ecs.list_tasks(cluster="shop")["taskArns"] == []
    assert ecs.list_services(cluster="shop")["serviceArns"] == []
    cluster = ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert (cluster["activeServicesCount"], cluster["runningTasksCount"]) == (0, 0)
    assert ecs.delete_cluster(cluster="shop")["cluster"]["status"] == "INACTIVE"


def test_a_capacity_provider_strategy_splits_tasks_by_base_then_weight(ecs_session, network, kit):
    """One task on FARGATE first (base 1), then three on FARGATE_SPOT for each on FARGATE."""
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    kit.fargate_definition(ecs)
    strategy = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ]
    ecs.create_service(
        cluster="shop",
        serviceName="web",
        taskDefinition="web",
        desiredCount=5,
        capacityProviderStrategy=strategy,
        networkConfiguration=network["config"],
    )

    def providers() -> dict[str, int]:
        ecs_session.sandbox.settle()
        arns = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
        tasks = ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]
        found: dict[str, int] = {}
        for task in tasks:
            found[task["capacityProviderName"]] = found.get(task["capacityProviderName"], 0) + 1
        return found

    assert providers() == {"FARGATE": 2, "FARGATE_SPOT": 3}  # 1 base + 4 shared 1:3
    ecs.update_service(cluster="shop", service="web", desiredCount=9)
    assert providers() == {"FARGATE": 3, "FARGATE_SPOT": 6}  # 1 base + 8 shared 1:3


def test_run_task_shares_its_count_over_the_strategy_too(ecs_session, network, kit):
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    kit.fargate_definition(ecs)
    tasks = ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        count=4,
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
        networkConfiguration=network["config"],
    )["tasks"]
    names = sorted(t["capacityProviderName"] for t in tasks)
    assert names == ["FARGATE", "FARGATE", "FARGATE_SPOT", "FARGATE_SPOT"]
