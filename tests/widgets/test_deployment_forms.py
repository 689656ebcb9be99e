"""ServiceForm and RunTaskForm on the sandbox: prefilled revision, networking lists, scale, stop."""

from __future__ import annotations

import pytest

from ecskit import ops
from ecskit.widgets import RunTaskForm, ServiceForm

WEB = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    # container-level memory too: moto 5.2.5 alone cannot place a task-level-only size
    "containerDefinitions": [
        {
            "name": "web",
            "image": "nginx",
            "memory": 512,
            "portMappings": [{"containerPort": 80}],
        }
    ],
}


@pytest.fixture
def account(session):
    ops.register_task_definition(session, WEB)
    ops.register_task_definition(session, WEB)
    ops.deregister_task_definition(session, "web:1")
    ops.create_cluster(session, {"clusterName": "prod"})
    return session


def _services(session) -> list[str]:
    return session.ecs.list_services(cluster="prod")["serviceArns"]


def test_service_form_is_prefilled_and_lists_come_from_the_account(account):
    form = ServiceForm(account, task_definition="web:2")
    assert form.cluster.value == "prod"
    assert [v for _, v in form.revision.options] == ["web:2"]  # only ACTIVE revisions
    vpc = account.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = account.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    assert form.vpc.value == vpc
    assert set(form.subnets.value) == {s["SubnetId"] for s in subnets["Subnets"]}
    assert form.network_box.layout.display != "none"  # the revision is awsvpc


def test_service_created_matches_the_preview_then_scales_and_deletes(account):
    form = ServiceForm(account, task_definition="web:2")
    form.service_name.value = "web"
    form.desired.value = 2
    created = []
    form.on_create(created.append)
    body = form.body
    assert form.errors == [], form.problems
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    service = account.ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert [created[0]["serviceArn"]] == [service["serviceArn"]]
    assert service["serviceName"] == body["serviceName"]
    assert service["desiredCount"] == body["desiredCount"] == 2
    assert service["launchType"] == body["launchType"]
    assert service["taskDefinition"].endswith("task-definition/" + body["taskDefinition"])
    assert service["networkConfiguration"] == body["networkConfiguration"]
    form.scale_to.value = 0
    form.scale_button.click()
    assert (
        account.ecs.describe_services(cluster="prod", services=["web"])["services"][0][
            "desiredCount"
        ]
        == 0
    )
    form.delete_button.click()
    remaining = account.ecs.describe_services(cluster="prod", services=["web"])["services"]
    assert all(s["status"] != "ACTIVE" for s in remaining)


def test_service_without_cluster_shows_beside_cluster_and_sends_nothing(session):
    ops.register_task_definition(session, WEB)
    form = ServiceForm(session, task_definition="web:1")
    form.service_name.value = "web"
    assert [p for p in form.problems_at("cluster") if p.severity == "error"]
    assert form.submit.disabled
    form._on_submit()
    assert session.ecs.list_clusters()["clusterArns"] == []


def test_service_load_and_export_round_trip(account):
    form = ServiceForm(account, task_definition="web:2")
    form.service_name.value = "web"
    body = form.body
    other = ServiceForm(account)
    other.load(body)
    assert other.body == body


def test_run_task_starts_and_stops_tasks(account):
    form = RunTaskForm(account, task_definition="web:2")
    form.count.value = 2
    body = form.body
    assert body["count"] == 2 and body["taskDefinition"] == "web:2"
    form.submit.click()
    assert "ecskit-tasks" in form.result.value, form.result.value
    running = account.ecs.list_tasks(cluster="prod")["taskArns"]
    assert sorted(running) == sorted(t["taskArn"] for t in form.tasks)
    stopped = form.stop()
    assert len(stopped) == 2
    assert all(t["desiredStatus"] == "STOPPED" for t in stopped)


def test_networking_problems_show_beside_their_fields_and_send_nothing(account):
    form = ServiceForm(account, task_definition="web:2")
    form.service_name.value = "web"
    form.subnets.value = ()
    subnets = "networkConfiguration.awsvpcConfiguration.subnets"
    assert [p.path for p in form.errors] == [subnets]
    assert "ecskit-problem" in form.field(subnets).problems_html.value
    form._on_submit()
    assert _services(account) == []


def test_an_inactive_revision_is_refused_beside_the_revision(account):
    form = ServiceForm(account, task_definition="web:2")
    form.service_name.value = "web"
    form.load({**form.body, "taskDefinition": "web:1"})
    assert form.revision.value == "web:1"
    assert any("INACTIVE" in p.message for p in form.problems_at("taskDefinition"))
    form._on_submit()
    assert _services(account) == []


def test_service_with_load_balancer_and_service_connect(account):
    vpc = account.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = account.elbv2.create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]
    namespace = ops.create_namespace(account, "shop")
    form = ServiceForm(account, task_definition="web:2")
    form.service_name.value = "web"
    form.target_group.value = group["TargetGroupArn"]
    form.namespace.value = namespace["arn"]
    body = form.body
    assert body["loadBalancers"] == [
        {"targetGroupArn": group["TargetGroupArn"], "containerName": "web", "containerPort": 80}
    ]
    assert body["serviceConnectConfiguration"] == {"enabled": True, "namespace": namespace["arn"]}
    form.submit.click()
    service = account.ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert service["loadBalancers"] == body["loadBalancers"]


def test_a_dead_endpoint_leaves_empty_pickers_and_says_why():
    import ecskit

    dead = ecskit.connect(endpoint_url="http://127.0.0.1:9")  # nothing listens on discard
    form = ServiceForm(dead)
    assert form.cluster.options == () and form.family.options == ()
    assert "nothing answers at http://127.0.0.1:9" in form.result.value


def test_a_bug_while_reading_a_picker_is_not_hidden(session, monkeypatch):
    from ecskit import console

    def broken(_session):
        raise KeyError("clusterArns")

    monkeypatch.setattr(console, "cluster_names", broken)
    with pytest.raises(KeyError):
        ServiceForm(session)


def test_service_connect_endpoint_from_a_named_port(account):
    named = {
        **WEB,
        "containerDefinitions": [
            {
                **WEB["containerDefinitions"][0],
                "portMappings": [{"containerPort": 8080, "name": "api"}],
            }
        ],
    }
    ops.register_task_definition(account, named)  # web:3
    ops.create_namespace(account, "shop.local")
    form = ServiceForm(account, task_definition="web:3")
    endpoint = form.field("serviceConnectConfiguration.services")
    assert endpoint.box.layout.display == "none"  # no namespace: nothing to connect through
    form.namespace.value = next(v for label, v in form.namespace.options if label == "shop.local")
    assert endpoint.box.layout.display in (None, "")
    assert [v for _, v in form.connect_port_name.options] == ["", "api"]
    form.service_name.value = "api"
    form.connect_port_name.value = "api"
    assert form.connect_port.value == 8080  # the mapping's container port, to start with
    form.connect_dns.value = "Api Server"
    assert "serviceConnectConfiguration.services[0].clientAliases[0].dnsName" in [
        p.path for p in form.errors
    ]
    assert "lowercase" in endpoint.problems_html.value
    form.connect_dns.value = "api"
    form.connect_port.value = 80
    assert form.errors == [], form.problems
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    service = account.ecs.describe_services(cluster="prod", services=["api"])["services"][0]
    # as on ECS, Service Connect settings are the deployment's
    served = service["deployments"][0]["serviceConnectConfiguration"]["services"]
    assert served == [{"portName": "api", "clientAliases": [{"port": 80, "dnsName": "api"}]}]
    account.sandbox.settle()  # its tasks running: registered in Cloud Map under the port name
    discovery = account.servicediscovery.list_services()["Services"]
    assert "api" in [s["Name"] for s in discovery]
