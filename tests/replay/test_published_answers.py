"""The inventory, the picture and every view, on the answers AWS itself published.

The fake endpoint (`replay_endpoint.py`) serves aws-cli's and botocore's published examples
for ECS, EC2, ELB, Cloud Map, Logs, IAM, ECR and CloudWatch. Each count below is taken from
those answers, so a record the inventory or the picture drops fails the test.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from published_account import PublishedAccount
from published_answers import Answer, Published, published
from replay_endpoint import SERVICES, ReplayEndpoint

import ecskit
from ecskit import graph
from ecskit.graph.picture import node_id

# the published record kinds and what the inventory and the picture call them
KINDS = {
    "clusters": ("clusters", "cluster"),
    "services": ("services", "service"),
    "tasks": ("tasks", "task"),
    "taskDefinitions": ("revisions", "revision"),
    "containerInstances": ("container_instances", "container instance"),
    "taskSets": ("task_sets", "task set"),
}


@pytest.fixture(scope="module")
def world() -> PublishedAccount:
    return PublishedAccount(published(*SERVICES))


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    with ReplayEndpoint() as url:
        yield ecskit.connect(endpoint_url=url)


@pytest.fixture(scope="module")
def inventory(session: Any) -> Any:
    return ecskit.snapshot(session, progress=False)


def test_the_published_answers_are_read_from_the_installed_packages() -> None:
    answers = published("ecs")
    sources = {a.source.split(" ")[0] for a in answers.answers}
    assert any(s.startswith("awscli/examples/ecs/") for s in sources)
    assert "botocore/data/ecs/2014-11-13/examples-1.json" in sources
    assert len(answers.of("ecs", "DescribeServices")) >= 2
    # blocks cut with "..." are counted, never guessed at
    assert all("not JSON" in s for s in answers.skipped)


def test_the_snapshot_holds_every_published_record(world: PublishedAccount, inventory) -> None:
    for kind, (table, _) in KINDS.items():
        published_arns = set(world.records[kind])
        assert published_arns, kind
        assert published_arns <= set(getattr(inventory, table).keys()), kind
        assert len(getattr(inventory, table)) == len(published_arns), kind


def test_odd_records_make_notes_not_a_failed_snapshot(inventory) -> None:
    # services and tasks name revisions AWS never published: ECS's own error, as a note
    assert any("amazon-ecs-sample:1" in n and "Unable to describe" in n for n in inventory.notes)
    # clusters name capacity providers nobody published: DescribeCapacityProviders' failures
    assert any("sampleCapacityProvider: MISSING" in n for n in inventory.notes)


def test_what_real_ecs_sends_is_read_as_ecs_means_it(inventory) -> None:
    # behind a Classic Load Balancer: a load balancer name, no target group, no rolloutState
    elb = inventory.services["arn:aws:ecs:us-west-2:123456789012:service/ecs-simple-service-elb"]
    assert elb.load_balancer_names == ["EC2Contai-EcsElast-123456789012"]
    assert all("rolloutState" not in d for d in elb.raw["deployments"])
    # a short service ARN (before 2021) is in the cluster its describe names
    short = inventory.services["arn:aws:ecs:us-west-2:123456789012:service/my-http-service"]
    assert short.cluster_arn == "arn:aws:ecs:us-west-2:123456789012:cluster/default"
    # a short container instance ARN is in the cluster it was described in
    instance = (
        "arn:aws:ecs:us-west-2:123456789012:container-instance/a1b2c3d4-5678-90ab-cdef-11111EXAMPLE"
    )
    found = inventory.container_instances[instance]
    assert found.cluster_arn == "arn:aws:ecs:us-west-2:123456789012:cluster/update"
    # an EXTERNAL service runs a task set, not deployments
    service = inventory.services["arn:aws:ecs:us-west-2:123456789012:service/MyCluster/MyService"]
    assert service.deployment_controller == "EXTERNAL"
    (task_set,) = inventory.task_sets
    assert task_set.service_arn == service.arn
    assert task_set.task_definition.endswith("task-definition/sample-fargate:2")
    # a task names the capacity provider that runs it
    task = inventory.tasks[
        "arn:aws:ecs:us-east-1:123456789012:task/default/d6f51cc5bbc94a47969c9203EXAMPLE"
    ]
    assert task.capacity_provider == "example-capacity-provider"
    assert "example-capacity-provider" in inventory.capacity_providers
    # an ACTIVE deployment still runs the revision the service leaves
    rolling = inventory.services[
        "arn:aws:ecs:us-west-2:123456789012:service/mycluster/my-http-service"
    ]
    assert rolling.older_revisions and rolling.task_definition not in rolling.older_revisions
    # a bare record (a List answer's ARN only) still has a name and a family
    assert (
        inventory.clusters["arn:aws:ecs:us-west-2:123456789012:cluster/MyECSCluster1"].name
        == "MyECSCluster1"
    )
    revision = inventory.revisions["arn:aws:ecs:us-west-2:123456789012:task-definition/wordpress:6"]
    assert (revision.family, revision.revision) == ("wordpress", 6)


def test_the_picture_has_a_node_for_every_published_record(world, inventory) -> None:
    pic = graph.picture(inventory, expand_tasks=True, expand_services=True, all_revisions=True)
    kinds = Counter(node.kind for node in pic.nodes.values())
    everything = {"expand_tasks": True, "expand_services": True, "all_revisions": True}
    source = graph.to_digraph(inventory, **everything).source
    for kind, (_, drawn) in KINDS.items():
        assert kinds[drawn] == len(world.records[kind]), kind
        for arn in world.records[kind]:
            assert node_id(arn) in source, arn
    # links a reader can follow: a task on its instance, a task set to its service
    links = {(tail, label) for tail, label, _ in pic.edges}
    assert any(label == "placed on" for _, label in links)
    assert any(label == "runs" and pic.nodes[h].kind == "task set" for _, label, h in pic.edges)


def test_the_default_picture_and_its_text_tree_draw(inventory) -> None:
    text = graph.to_text(inventory)
    assert "cluster MyCluster" in text and "task set ecs-svc/1234567890123456789" in text
    assert "digraph" in graph.to_digraph(inventory).source


def test_every_view_builds_on_the_published_answers(session, world) -> None:
    families = {r.arn.rsplit("/", 1)[-1].split(":")[0] for r in world.of("taskDefinitions")}
    views = ecskit.TaskDefinitionsView(session)
    assert {row["family"] for row in views.rows} >= families - {"curltest"}  # being deleted
    namespaces = ecskit.NamespacesView(session)
    assert namespaces.rows and all(row["name"] in namespaces.table.value for row in namespaces.rows)
    diff = ecskit.RevisionDiff(session, "wordpress")
    assert "wordpress:6" in str(diff.left.options)
    monitoring = ecskit.MonitoringView(session, cluster="mycluster", service="my-http-service")
    assert "my-http-service" in monitoring.title
    explorer = ecskit.explore(session)
    assert {n.kind for n in explorer.picture.nodes.values()} >= {"cluster", "task set"}
    clusters = ecskit.ClustersView(session)  # builds; see the next test for its rows
    assert clusters.rows or clusters.error


def test_the_clusters_view_lists_every_published_cluster(session, world) -> None:
    view = ecskit.ClustersView(session)
    names = {r.arn.rsplit("/", 1)[-1] for r in world.of("clusters")}
    assert names <= {row["name"] for row in view.rows}


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in ([], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def test_revision_diff_holds_absent_and_empty_lists_the_same() -> None:
    (answer,) = [
        a for a in published("ecs").of("ecs", "DescribeTaskDefinition") if "awscli" in a.source
    ]
    first = copy.deepcopy(answer.output["taskDefinition"])
    assert [] in first.values()  # the published revision has empty lists: "volumes": [] ...
    arn = first["taskDefinitionArn"].rsplit(":", 1)[0]
    second = {**_without_empty(first), "taskDefinitionArn": f"{arn}:9", "revision": 9}
    third = copy.deepcopy(second)
    third["containerDefinitions"][0]["image"] = "wordpress:6.5"
    third.update(taskDefinitionArn=f"{arn}:10", revision=10)
    answers = Published(
        [
            Answer("ecs", "DescribeTaskDefinition", {"taskDefinition": td})
            for td in (first, second, third)
        ]
    )
    with ReplayEndpoint(answers) as url:
        session = ecskit.connect(endpoint_url=url)
        family = first["family"]
        same = ecskit.RevisionDiff(session, family, a=first["revision"], b=9)
        assert same.changes == []
        assert "ecskit-no-changes" in same.table.value
        changed = ecskit.RevisionDiff(session, family, a=9, b=10)
        assert [c["path"] for c in changed.changes] == ["containerDefinitions[0].image"]
