"""ECS in the services around it: target groups, Cloud Map, Service Connect, metrics, logs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone


def _task_ips(ecs, service="web") -> set[str]:
    arns = ecs.list_tasks(cluster="shop", serviceName=service)["taskArns"]
    tasks = ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]
    return {
        d["value"]
        for t in tasks
        for d in t["attachments"][0]["details"]
        if d["name"] == "privateIPv4Address"
    }


def test_a_load_balanced_service_registers_its_tasks(ecs_session, network, kit) -> None:
    ecs, elbv2 = ecs_session.ecs, ecs_session.elbv2
    group = elbv2.create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=network["vpc"], TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    lb = [{"targetGroupArn": group, "containerName": "web", "containerPort": 80}]
    kit.fargate_service(ecs, network, count=2, loadBalancers=lb)
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert {h["Target"]["Id"] for h in health} == _task_ips(ecs)
    assert {h["Target"]["Port"] for h in health} == {80}
    ecs.update_service(cluster="shop", service="web", desiredCount=0)
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert health == []


def test_service_discovery_registers_each_task_in_cloud_map(ecs_session, network, kit) -> None:
    ecs, sd = ecs_session.ecs, ecs_session.servicediscovery
    sd.create_http_namespace(Name="internal")
    namespace = sd.list_namespaces()["Namespaces"][0]["Id"]
    registry = sd.create_service(Name="web", NamespaceId=namespace)["Service"]
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=2, serviceRegistries=[{"registryArn": registry["Arn"]}])
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    instances = sd.list_instances(ServiceId=registry["Id"])["Instances"]
    assert {i["Attributes"]["AWS_INSTANCE_IPV4"] for i in instances} == _task_ips(ecs)
    assert {i["Attributes"]["ECS_SERVICE_NAME"] for i in instances} == {"web"}


def test_a_cluster_service_connect_namespace_is_created_and_used(ecs_session, network, kit) -> None:
    ecs, sd = ecs_session.ecs, ecs_session.servicediscovery
    cluster = ecs.create_cluster(
        clusterName="shop", serviceConnectDefaults={"namespace": "shop.local"}
    )["cluster"]
    namespaces = sd.list_namespaces()["Namespaces"]
    assert [n["Name"] for n in namespaces] == ["shop.local"]
    assert cluster["serviceConnectDefaults"]["namespace"] == namespaces[0]["Arn"]
    kit.fargate_definition(ecs)
    served = {"portName": "web", "discoveryName": "web", "clientAliases": [{"port": 80}]}
    connect = {"enabled": True, "services": [served]}
    kit.fargate_service(ecs, network, count=1, serviceConnectConfiguration=connect)
    ecs.get_waiter("services_stable").wait(cluster="shop", services=["web"], WaiterConfig=kit.fast)
    found = ecs.list_services_by_namespace(namespace="shop.local")["serviceArns"]
    assert [a.split("/")[-1] for a in found] == ["web"]
    services = sd.list_services()["Services"]
    assert [s["Name"] for s in services] == ["web"]
    assert len(sd.list_instances(ServiceId=services[0]["Id"])["Instances"]) == 1


def statistics(cw, name: str, dimensions: list[dict], statistic: str = "Average") -> list[float]:
    """Every datapoint of an ECS/ContainerInsights metric, oldest first (any day near now)."""
    now = datetime.now(timezone.utc) + timedelta(days=1)
    answer = cw.get_metric_statistics(
        Namespace="ECS/ContainerInsights",
        MetricName=name,
        Dimensions=dimensions,
        StartTime=now - timedelta(days=2),
        EndTime=now,
        Period=60,
        Statistics=[statistic],
    )["Datapoints"]
    return [d[statistic] for d in sorted(answer, key=lambda d: d["Timestamp"])]


def insights_cluster(manual, network, kit) -> None:
    """Cluster shop with Container Insights on, service web of two Fargate tasks, RUNNING."""
    manual.ecs.create_cluster(
        clusterName="shop", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    kit.fargate_definition(manual.ecs)
    kit.fargate_service(manual.ecs, network, count=2)
    manual.sandbox.settle()


def test_container_insights_publishes_task_metrics(manual, network, kit) -> None:
    ecs, cw = manual.ecs, manual.cloudwatch
    insights_cluster(manual, network, kit)
    manual.sandbox.advance(61)
    ecs.list_clusters()
    metrics = cw.list_metrics(Namespace="ECS/ContainerInsights")["Metrics"]
    names = {m["MetricName"] for m in metrics}
    assert {"CpuUtilized", "CpuReserved", "MemoryUtilized", "MemoryReserved"} <= names
    assert {"RunningTaskCount", "ServiceCount"} <= names
    dimension_sets = {tuple(sorted(d["Name"] for d in m["Dimensions"])) for m in metrics}
    assert ("ClusterName", "ServiceName") in dimension_sets
    assert ("ClusterName", "TaskDefinitionFamily") in dimension_sets
    web = [{"Name": "ClusterName", "Value": "shop"}, {"Name": "ServiceName", "Value": "web"}]
    assert max(statistics(cw, "RunningTaskCount", web, "Maximum")) == 2


def test_container_insights_network_and_storage_as_the_reference_lists(manual, network, kit):
    """The seed's Container Insights list: CPU and memory, network transmit and receive (bridge
    and awsvpc tasks), storage read and write, task, service and container instance counts."""
    ecs, cw = manual.ecs, manual.cloudwatch
    insights_cluster(manual, network, kit)
    for _ in range(3):  # three publishes, a minute apart
        manual.sandbox.advance(61)
        ecs.list_clusters()
    names = {m["MetricName"] for m in cw.list_metrics(Namespace="ECS/ContainerInsights")["Metrics"]}
    wanted = {"NetworkRxBytes", "NetworkTxBytes", "StorageReadBytes", "StorageWriteBytes"}
    assert wanted | {"ContainerInstanceCount", "DeploymentCount"} <= names
    web = [{"Name": "ClusterName", "Value": "shop"}, {"Name": "ServiceName", "Value": "web"}]

    def points(name: str) -> list[float]:
        return statistics(cw, name, web)

    # two awsvpc tasks: twice one task's steady rates
    assert set(points("NetworkRxBytes")) == {4096.0}
    assert set(points("NetworkTxBytes")) == {2048.0}
    # storage is cumulative: it grows from one minute to the next
    reads = points("StorageReadBytes")
    assert len(reads) == 3 and reads[0] < reads[1] < reads[2]
    assert points("StorageWriteBytes")[-1] == reads[-1] / 2
    assert set(points("DeploymentCount")) == {1.0}


def test_awslogs_containers_write_to_prefix_container_task_id(ecs_session, network) -> None:
    ecs, logs = ecs_session.ecs, ecs_session.logs
    logs.create_log_group(logGroupName="/ecs/web")
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        containerDefinitions=[
            {
                "name": "web",
                "image": "nginx",
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/web",
                        "awslogs-region": "us-east-1",
                        "awslogs-stream-prefix": "ecs",
                    },
                },
            }
        ],
    )
    task = ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]
    ecs.stop_task(cluster="shop", task=task["taskArn"])
    ecs.get_waiter("tasks_stopped").wait(cluster="shop", tasks=[task["taskArn"]])
    stream = f"ecs/web/{task['taskArn'].split('/')[-1]}"
    streams = logs.describe_log_streams(logGroupName="/ecs/web")["logStreams"]
    assert [s["logStreamName"] for s in streams] == [stream]
    events = logs.get_log_events(logGroupName="/ecs/web", logStreamName=stream)["events"]
    assert "started" in events[0]["message"] and "stopped" in events[-1]["message"]


def test_a_default_namespace_given_later_is_created_too(ecs_session) -> None:
    ecs, sd = ecs_session.ecs, ecs_session.servicediscovery
    ecs.create_cluster(clusterName="shop")
    updated = ecs.update_cluster(
        cluster="shop", serviceConnectDefaults={"namespace": "later.local"}
    )["cluster"]
    namespaces = sd.list_namespaces()["Namespaces"]
    assert [n["Name"] for n in namespaces] == ["later.local"]
    assert updated["serviceConnectDefaults"]["namespace"] == namespaces[0]["Arn"]


def test_container_insights_network_figures_skip_tasks_without_a_network(manual) -> None:
    """Network metrics are for bridge and awsvpc tasks only: a `none` task has storage, no
    network."""
    ecs, cw = manual.ecs, manual.cloudwatch
    ecs.create_cluster(
        clusterName="edge", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    ecs.register_container_instance(  # an ECS Anywhere server
        cluster="edge",
        instanceIdentityDocument=json.dumps({"instanceId": "mi-0123456789abcdef0"}),
        totalResources=[
            {"name": "CPU", "type": "INTEGER", "integerValue": 4096},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 7800},
        ],
    )
    ecs.register_task_definition(
        family="offline",
        networkMode="none",
        requiresCompatibilities=["EXTERNAL"],
        containerDefinitions=[{"name": "job", "image": "busybox", "memory": 256}],
    )
    ecs.run_task(cluster="edge", taskDefinition="offline", launchType="EXTERNAL")
    manual.sandbox.settle()
    manual.sandbox.advance(61)
    ecs.list_clusters()
    family = [
        {"Name": "ClusterName", "Value": "edge"},
        {"Name": "TaskDefinitionFamily", "Value": "offline"},
    ]
    names = {
        m["MetricName"]
        for m in cw.list_metrics(Namespace="ECS/ContainerInsights", Dimensions=family)["Metrics"]
    }
    assert {"RunningTaskCount", "StorageReadBytes"} <= names
    assert not names & {"NetworkRxBytes", "NetworkTxBytes"}
    cluster = [{"Name": "ClusterName", "Value": "edge"}]
    assert max(statistics(cw, "ContainerInstanceCount", cluster, "Maximum")) == 1
