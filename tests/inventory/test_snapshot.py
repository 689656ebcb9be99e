"""snapshot() on a known account: every resource of the seed's list, and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

import ecskit
from ecskit import graph
from ecskit.inventory import Inventory, snapshot
from ecskit.inventory.records import parse_image


def test_every_resource_of_the_known_account_is_seen(known) -> None:
    account, inv = known
    assert isinstance(inv, Inventory)
    assert set(inv.clusters.keys()) == {account.cluster, account.other_cluster}
    assert set(inv.services.keys()) == {account.service}
    assert set(inv.tasks.keys()) == {
        *account.service_tasks,
        account.standalone_task,
        account.stopped_task,
    }
    assert set(inv.revisions.keys()) == set(account.revisions)
    assert {r.arn: r.status for r in inv.revisions} == {
        account.revisions[0]: "INACTIVE",
        account.revisions[1]: "ACTIVE",
    }
    family = inv.families["web"]
    assert (family.revisions, family.active, family.inactive) == (account.revisions, 1, 1)
    assert set(inv.roles.keys()) == {
        account.task_role,
        account.execution_role,
        account.service_linked_role,
    }
    assert [p.arn for p in inv.roles[account.execution_role].policies] == [account.policy]
    inline = inv.roles[account.task_role].policies
    assert [(p.name, p.inline) for p in inline] == [("read-bucket", True)]
    assert set(inv.repositories.keys()) == {account.repository}
    assert [g.name for g in inv.log_groups if g.visible] == [account.log_group]
    assert set(inv.vpcs.keys()) == {account.vpc}
    # the service's subnet, and the subnet the sandbox gave the tasks' ENIs
    service_subnets = set(inv.services[account.service].subnets)
    task_subnets = {s for t in inv.tasks for s in t.subnets}
    assert service_subnets == {account.subnets[0]}
    assert set(inv.subnets.keys()) == service_subnets | task_subnets
    assert set(inv.security_groups.keys()) == {account.security_group}
    assert set(inv.target_groups.keys()) == {account.target_group}
    assert set(inv.load_balancers.keys()) == {account.load_balancer}
    assert inv.target_groups[account.target_group].load_balancer_arns == [account.load_balancer]
    assert {n.id for n in inv.namespaces} == {account.namespace}
    (registry,) = inv.discovery_services
    assert (registry.arn, registry.namespace_id) == (account.registry, account.namespace)


def test_records_carry_what_the_picture_needs(known) -> None:
    account, inv = known
    service = inv.services["web"]
    assert service.task_definition == account.revisions[1]
    assert service.target_groups == [account.target_group]
    assert service.registries == [account.registry]
    assert service.security_groups == [account.security_group]
    assert service.raw["serviceName"] == "web"  # the API's own JSON is kept
    assert {t.arn for t in inv.tasks_of(service)} == set(account.service_tasks)
    assert {t.arn for t in inv.standalone_tasks(account.cluster)} == {
        account.standalone_task,
        account.stopped_task,
    }
    assert inv.tasks[account.stopped_task].desired_status == "STOPPED"
    revision = inv.revisions[account.revisions[1]]
    (container,) = revision.containers
    assert (container.name, container.image, container.repository, container.tag) == (
        "app",
        account.image,
        "my-app",
        "36",
    )
    assert (container.log_group, revision.task_role_arn, revision.execution_role_arn) == (
        account.log_group,
        account.task_role,
        account.execution_role,
    )
    # a standalone task's security groups come from its ENI
    assert inv.tasks[account.standalone_task].security_groups == [account.security_group]


def test_calls_are_batched_and_counted(known) -> None:
    account, inv = known
    assert inv.calls["ecs:DescribeClusters"] == 1
    assert inv.calls["ecs:DescribeServices"] == 1
    assert inv.calls["ecs:DescribeTasks"] == 1  # RUNNING and STOPPED lists, one batch
    assert inv.calls["ecs:DescribeTaskDefinition"] == len(account.revisions)
    assert inv.calls["iam:GetRole"] == 3
    assert inv.total_calls == sum(inv.calls.values())
    assert "API calls" in repr(inv)


def test_one_cluster_only(session, account) -> None:
    inv = snapshot(session, cluster="shop")
    assert inv.cluster == "shop"
    assert set(inv.clusters.keys()) == {account.cluster}
    # only the revision the cluster uses is described
    assert set(inv.revisions.keys()) == {account.revisions[1]}
    assert inv.calls["ecs:ListClusters"] == 0


def test_a_missing_cluster_is_a_note(session) -> None:
    inv = snapshot(session, cluster="nope")
    assert len(inv.clusters) == 0
    assert any("nope" in note and "MISSING" in note for note in inv.notes)


def _answer(status: int, code: str) -> Any:
    def handler(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed = {
            "Error": {"Code": code, "Message": f"{code} for this test"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        return AWSResponse("http://x", status, {}, None), parsed

    return handler


def test_no_iam_permission_degrades_to_not_visible(session, account) -> None:
    own = ecskit.connect(endpoint_url=session.endpoint_url)
    own.iam.meta.events.register("before-call.iam.*", _answer(403, "AccessDenied"))
    inv = snapshot(own)
    assert len(inv.services) == 1  # the rest of the snapshot is whole
    # the service names its service-linked role (roleArn): known, but not seen either
    assert set(inv.roles.keys()) == {
        account.task_role,
        account.execution_role,
        account.service_linked_role,
    }
    assert not any(role.visible for role in inv.roles)
    assert any("IAM role web-task" in n and "no permission" in n for n in inv.notes)


def test_an_endpoint_without_an_api_degrades_to_not_visible(session, account) -> None:
    own = ecskit.connect(endpoint_url=session.endpoint_url)
    own.elbv2.meta.events.register("before-call.elastic-load-balancing-v2.*", _answer(500, "500"))
    inv = snapshot(own)
    assert len(inv.target_groups) == 0 and len(inv.services) == 1
    assert any("target groups" in n and "does not answer" in n for n in inv.notes)


def test_tables_render_for_notebooks(known) -> None:
    _, inv = known
    rows = inv.services.rows
    assert rows == inv.services.to_rows()
    assert rows[0]["name"] == "web" and "raw" not in rows[0]
    json.dumps(rows)  # plain values only: a DataFrame or a JSON viewer can take them
    html = inv.services._repr_html_()
    assert "<table>" in html and "<td>web</td>" in html
    assert "ecskit-inventory" in inv._repr_html_()
    pandas = pytest.importorskip("pandas", reason="pandas is optional; rows are plain dicts")
    assert list(pandas.DataFrame(inv.services.rows)["name"]) == ["web"]


def test_a_missing_log_group_is_a_note(session, account) -> None:
    session.logs.delete_log_group(logGroupName=account.log_group)
    inv = snapshot(session)
    assert not inv.log_groups[f"log-group:{account.log_group}"].visible
    assert any(account.log_group in n and "does not exist" in n for n in inv.notes)


@pytest.mark.parametrize(
    ("image", "repository", "tag"),
    [
        ("036234772200.dkr.ecr.us-east-1.amazonaws.com/my-app:36", "my-app", "36"),
        (
            "036234772200.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:ab12",
            "team/api",
            "sha256:ab12",
        ),
        ("036234772200.dkr.ecr.us-east-1.amazonaws.com/plain", "plain", None),
    ],
)
def test_ecr_images_name_their_repository(image: str, repository: str, tag: str | None) -> None:
    parts = parse_image(image)
    assert (parts["repository"], parts["tag"]) == (repository, tag)


@pytest.mark.parametrize("image", ["nginx:latest", "public.ecr.aws/nginx/nginx:1", ""])
def test_other_images_have_no_repository(image: str) -> None:
    assert parse_image(image) == {}


def test_progress_bar_can_be_forced(session, account, capsys) -> None:
    inv = snapshot(session, progress=True)
    assert len(inv.services) == 1
    assert "ecskit snapshot" in capsys.readouterr().err


def test_a_service_connect_namespace_is_read_from_the_deployment(session, account) -> None:
    """ECS answers serviceConnectConfiguration in a service's deployments, not at its top level."""
    network = {"awsvpcConfiguration": {"subnets": account.subnets[:1]}}
    session.ecs.create_service(
        cluster="shop",
        serviceName="api",
        taskDefinition=account.revisions[1],
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration=network,
        serviceConnectConfiguration={"enabled": True, "namespace": account.namespace_arn},
    )
    raw = session.ecs.describe_services(cluster="shop", services=["api"])["services"][0]
    assert "serviceConnectConfiguration" not in raw
    inventory = snapshot(session, progress=False)
    api = next(s for s in inventory.services if s.name == "api")
    assert api.namespace == account.namespace_arn
    pic = graph.picture(inventory)
    # a client-only service (no `services` entries) joins its namespace; it registers nothing
    assert (api.arn, "joins", account.namespace_arn) in pic.links
