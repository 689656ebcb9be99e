"""ecskit.console: the rows behind the console views, read from the sandbox; the revision diff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecskit import console, deployment_history, monitoring, ops


def _register(session, family: str, image: str = "nginx:1", **extra) -> dict:
    body = {
        "family": family,
        "containerDefinitions": [{"name": "app", "image": image, "memory": 128}],
        **extra,
    }
    return ops.register_task_definition(session, body)


def test_families_show_latest_active_revision_only(session):
    for _ in range(3):
        _register(session, "web")
    _register(session, "web-worker")  # "web" is a prefix of it: must not mix them up
    ops.deregister_task_definition(session, "web:3")
    rows = console.families(session)
    assert [(r["family"], r["latest"], r["active"]) for r in rows] == [
        ("web", "web:2", 2),
        ("web-worker", "web-worker:1", 1),
    ]


def test_family_with_no_active_revision_is_not_listed(session):
    _register(session, "gone")
    ops.deregister_task_definition(session, "gone:1")
    assert console.families(session) == []


def test_revisions_of_one_family_newest_first_with_status(session):
    _register(session, "web")
    _register(session, "web")
    _register(session, "web2")
    ops.deregister_task_definition(session, "web:1")
    rows = console.revisions(session, "web")
    assert [(r["name"], r["status"]) for r in rows] == [("web:2", "ACTIVE"), ("web:1", "INACTIVE")]
    assert [r["name"] for r in console.revisions(session, "web", "ACTIVE")] == ["web:2"]


def test_diff_lists_only_changed_paths_and_ignores_metadata(session):
    a = _register(session, "web", "nginx:1", cpu="256")
    b = _register(session, "web", "nginx:2", cpu="256", taskRoleArn="arn:aws:iam::1:role/r")
    changes = console.diff_revisions(a, b)
    assert changes == [
        {
            "path": "containerDefinitions[0].image",
            "a": "nginx:1",
            "b": "nginx:2",
            "change": "changed",
        },
        {"path": "taskRoleArn", "a": None, "b": "arn:aws:iam::1:role/r", "change": "added"},
    ]
    assert console.diff_revisions(a, a) == []


def test_diff_orders_container_indexes_numerically():
    a = {"containerDefinitions": [{"name": f"c{i}"} for i in range(11)]}
    b = {"containerDefinitions": [{"name": f"d{i}"} for i in range(11)]}
    paths = [row["path"] for row in console.diff_revisions(a, b)]
    assert paths[-2:] == ["containerDefinitions[9].name", "containerDefinitions[10].name"]


def test_clusters_rows_count_services_and_insights(session):
    ops.create_cluster(
        session,
        {"clusterName": "prod", "settings": [{"name": "containerInsights", "value": "enabled"}]},
    )
    ops.create_cluster(session, {"clusterName": "dev"})
    _register(session, "web")
    ops.create_service(
        session,
        {"cluster": "prod", "serviceName": "web", "taskDefinition": "web:1", "desiredCount": 0},
    )
    rows = {row["name"]: row for row in console.clusters(session)}
    assert sorted(rows) == ["dev", "prod"]
    assert rows["prod"]["container_insights"] == "enabled"
    assert rows["dev"]["container_insights"] == "disabled"
    assert rows["dev"]["deployments"] == "—"
    described = session.ecs.describe_clusters(clusters=["prod"])["clusters"][0]
    assert rows["prod"]["services"] == described["activeServicesCount"]


def test_deployment_status_counts_primary_rollouts():
    services = [
        {"deployments": [{"status": "PRIMARY", "rolloutState": "COMPLETED"}]},
        {
            "deployments": [
                {"status": "PRIMARY", "rolloutState": "IN_PROGRESS"},
                {"status": "ACTIVE", "rolloutState": "COMPLETED"},
            ]
        },
    ]
    assert console.deployment_status(services) == "1 completed, 1 in progress"


def test_a_missing_rollout_state_is_not_called_in_progress():
    # behind a Classic Load Balancer ECS sends no rolloutState (botocore model)
    services = [{"deployments": [{"status": "PRIMARY", "runningCount": 2, "desiredCount": 2}]}]
    assert console.deployment_status(services) == "1 without a rollout state"


class _Answers:
    """A client that answers each operation with a fixed reply (for odd real answers)."""

    def __init__(self, **replies):
        self.replies = replies
        self.exceptions = type("exceptions", (), {"ClusterNotFoundException": LookupError})

    def __getattr__(self, name):
        return lambda **_: self.replies[name]


def test_service_log_group_of_a_task_set_service_reads_its_primary_task_set(session):
    options = {"awslogs-group": "/ecs/sets", "awslogs-region": session.region}
    logging = {"logDriver": "awslogs", "options": options}
    container = {"name": "app", "image": "nginx", "memory": 128, "logConfiguration": logging}
    ops.register_task_definition(session, {"family": "sets", "containerDefinitions": [container]})
    # an EXTERNAL service as DescribeServices sends it: no taskDefinition of its own
    task_sets = [
        {"status": "ACTIVE", "taskDefinition": "nothing:9"},
        {"status": "PRIMARY", "taskDefinition": "sets:1"},
    ]
    fake = type("S", (), {})()
    fake.ecs = _Answers(describe_services={"services": [{"taskSets": task_sets}]})
    fake.ecs.describe_task_definition = session.ecs.describe_task_definition
    assert console.service_log_group(fake, "prod", "web") == "/ecs/sets"
    fake.ecs.replies["describe_services"] = {"services": [{"serviceName": "web"}]}
    assert console.service_log_group(fake, "prod", "web") is None


def test_metrics_skip_datapoints_without_an_average():
    now = dt.datetime.now(dt.timezone.utc)
    points = [{"Timestamp": now, "Maximum": 80.0}, {"Timestamp": now, "Average": 12.5}]
    fake = type("S", (), {})()
    fake.cloudwatch = _Answers(get_metric_statistics={"Datapoints": points})
    series = monitoring.metrics(fake, "prod", "web")
    assert series["CPUUtilization"] == [(now, 12.5)]


def test_clusters_described_by_arn_alone_are_named_by_the_arn():
    arn = "arn:aws:ecs:us-west-2:123456789012:cluster/MyECSCluster1"
    fake = type("S", (), {})()
    fake.ecs = _Answers(describe_clusters={"clusters": [{"clusterArn": arn}]})
    fake.ecs.get_paginator = lambda op: type(
        "P", (), {"paginate": lambda self, **_: [{"clusterArns": [arn], "serviceArns": []}]}
    )()
    (row,) = console.clusters(fake)
    assert (row["name"], row["deployments"]) == ("MyECSCluster1", "—")


def _deploying_service(session, count: int = 1) -> None:
    ops.create_cluster(session, {"clusterName": "shop"})
    _register(session, "web")
    ops.create_service(
        session,
        {"cluster": "shop", "serviceName": "web", "taskDefinition": "web:1", "desiredCount": 1},
    )
    for _ in range(count - 1):
        session.ecs.update_service(cluster="shop", service="web", forceNewDeployment=True)


def test_service_deployments_page_and_describe_twenty_at_a_time(session):
    _deploying_service(session, 23)
    calls = []
    events = session.ecs.meta.events
    for operation in ("ListServiceDeployments", "DescribeServiceDeployments"):
        events.register(f"before-call.ecs.{operation}", lambda model, **_: calls.append(model.name))
    try:
        found = deployment_history.service_deployments(session, "shop", "web")
        assert len(found) == 23 and all("targetServiceRevision" in d for d in found)
        assert calls.count("DescribeServiceDeployments") == 2  # 20 + 3
        listed = session.ecs.list_service_deployments(cluster="shop", service="web", maxResults=23)
        newest_first = [d["serviceDeploymentArn"] for d in listed["serviceDeployments"]]
        assert [d["serviceDeploymentArn"] for d in found] == newest_first
        calls.clear()
        few = deployment_history.service_deployments(session, "shop", "web", limit=5)
        assert [d["serviceDeploymentArn"] for d in few] == newest_first[:5]
        assert calls == ["ListServiceDeployments", "DescribeServiceDeployments"]
    finally:
        for operation in ("ListServiceDeployments", "DescribeServiceDeployments"):
            events.unregister(f"before-call.ecs.{operation}")


def test_service_revisions_and_their_differences(session):
    _deploying_service(session)
    _register(session, "web", "nginx:2")
    session.ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    newest, first = deployment_history.service_deployments(session, "shop", "web")
    arns = [first["targetServiceRevision"]["arn"], newest["targetServiceRevision"]["arn"]]
    missing = arns[0].rsplit("/", 1)[0] + "/404"
    found = deployment_history.service_revisions(session, [*arns, missing, arns[0]])
    assert list(found) == arns  # once each; what ECS cannot find is left out
    changes = deployment_history.diff_service_revisions(found[arns[0]], found[arns[1]])
    paths = [c["path"] for c in changes]
    assert paths == ["containerImages[0].image", "taskDefinition"]
    assert changes[0]["a"] == "nginx:1" and changes[0]["b"] == "nginx:2"


def test_reading_deployments_of_a_missing_service_is_a_plain_error(session):
    ops.create_cluster(session, {"clusterName": "shop"})
    with pytest.raises(ops.OpError) as caught:
        deployment_history.service_deployments(session, "shop", "nothing")
    assert caught.value.code == "ServiceNotFoundException"
    assert caught.value.message.startswith("Could not read the deployments of service nothing")


def test_namespaces_rows_have_cloud_map_id_name_and_created(session):
    made = ops.create_namespace(session, "shop")
    rows = console.namespaces(session)
    assert [(r["id"], r["name"]) for r in rows] == [(made["id"], "shop")]
    assert isinstance(rows[0]["created"], dt.datetime)


def test_log_lines_read_the_awslogs_group(session):
    ops.create_log_group(session, "/ecs/web")
    session.logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/web/1")
    now = int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
    session.logs.put_log_events(
        logGroupName="/ecs/web",
        logStreamName="ecs/web/1",
        logEvents=[
            {"timestamp": now, "message": "hello"},
            {"timestamp": now + 1, "message": "bye"},
        ],
    )
    assert [row["message"] for row in monitoring.log_lines(session, "/ecs/web")] == ["hello", "bye"]
    assert monitoring.log_lines(session, "/ecs/none") == []


def test_log_lines_keep_the_newest_in_time_order(session):
    ops.create_log_group(session, "/ecs/busy")
    session.logs.create_log_stream(logGroupName="/ecs/busy", logStreamName="ecs/busy/1")
    start = int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000) - 120_000
    session.logs.put_log_events(
        logGroupName="/ecs/busy",
        logStreamName="ecs/busy/1",
        logEvents=[{"timestamp": start + i, "message": f"line {i}"} for i in range(120)],
    )
    rows = monitoring.log_lines(session, "/ecs/busy", limit=5)
    assert [row["message"] for row in rows] == [f"line {i}" for i in range(115, 120)]


def test_metrics_read_cloudwatch_for_a_service(session):
    now = dt.datetime.now(dt.timezone.utc)
    dims = [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "web"}]
    session.cloudwatch.put_metric_data(
        Namespace="AWS/ECS",
        MetricData=[
            {"MetricName": "CPUUtilization", "Dimensions": dims, "Value": v, "Timestamp": t}
            for v, t in (
                (20.0, now - dt.timedelta(minutes=5)),
                (40.0, now - dt.timedelta(minutes=1)),
            )
        ],
    )
    series = monitoring.metrics(session, "prod", "web", minutes=30)
    assert [value for _, value in series["CPUUtilization"]] == [20.0, 40.0]
    assert series["MemoryUtilization"] == []


def test_target_groups_by_name(session):
    vpc = session.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for name in ("web", "api"):
        session.elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc)
    assert [row["name"] for row in console.target_groups(session)] == ["api", "web"]


def test_service_log_group_is_the_revision_awslogs_group(session):
    assert console.service_log_group(session, "nowhere", "web") is None
    ops.create_cluster(session, {"clusterName": "prod"})
    assert console.service_log_group(session, "prod", "web") is None
    options = {"awslogs-group": "/ecs/web", "awslogs-region": session.region}
    logging = {"logDriver": "awslogs", "options": options}
    _register(session, "web")
    body = {
        "family": "web",
        "containerDefinitions": [
            {"name": "app", "image": "nginx", "memory": 128, "logConfiguration": logging}
        ],
    }
    ops.register_task_definition(session, body)
    ops.create_service(
        session,
        {"cluster": "prod", "serviceName": "web", "taskDefinition": "web:2", "desiredCount": 0},
    )
    assert console.service_log_group(session, "prod", "web") == "/ecs/web"


def test_resource_name_is_the_end_of_an_arn():
    assert console.resource_name("arn:aws:ecs:us-east-1:1:cluster/prod") == "prod"
    assert console.resource_name("arn:aws:ecs:us-east-1:1:task/prod/0a1b") == "0a1b"
    assert console.resource_name("arn:aws:iam::1:role/service-role/ecsTaskExecutionRole") == (
        "ecsTaskExecutionRole"
    )
    assert console.resource_name("prod") == "prod"


def _imports_of(module: str) -> set[str]:
    """The ecskit modules a module imports (at the top or inside a function)."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    package = module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = f"{package}.{base}" if base else package
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.startswith("ecskit")}


def test_reads_and_writes_import_one_way():
    # ops (writes) reads through console; console and the shared errors never import ops
    assert "ecskit.console" in _imports_of("ecskit.ops")
    assert "ecskit.ops" not in _imports_of("ecskit.console")
    assert not _imports_of("ecskit.errors")
    # the names users import from ops are still there, and are the shared ones
    from ecskit import errors

    assert ops.OpError is errors.OpError and ops.plain_errors is errors.plain_errors
    assert ops.log_groups_of is console.log_groups_of
