"""Service Connect on the sandbox: a client-server service's tasks are Cloud Map instances of its
endpoint, a client service reaches every endpoint of its namespace, bad requests are refused.

Facts: botocore's ServiceConnectConfiguration / ServiceConnectService / ServiceConnectClientAlias /
Deployment.serviceConnectResources, and the ECS guide's service-connect-concepts(-deploy).html.
"""

from __future__ import annotations

from typing import Any

import pytest

import ecskit


def _definition(ecs: Any, family: str, port: int, name: str) -> None:
    ecs.register_task_definition(
        family=family,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": family,
                "image": "nginx",
                "portMappings": [{"containerPort": port, "name": name}],
            }
        ],
    )


def _service(ecs: Any, network: dict, name: str, count: int, connect: dict, **extra: Any) -> dict:
    return ecs.create_service(
        cluster="shop",
        serviceName=name,
        taskDefinition=extra.pop("taskDefinition", name),
        desiredCount=count,
        launchType="FARGATE",
        networkConfiguration=network["config"],
        serviceConnectConfiguration=connect,
        **extra,
    )["service"]


API = {"portName": "http", "clientAliases": [{"port": 80}]}


@pytest.fixture
def shop(ecs_session: ecskit.Session, network: dict) -> ecskit.Session:
    """Cluster shop with default namespace shop.local; api serves (2 tasks), web is a client."""
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop", serviceConnectDefaults={"namespace": "shop.local"})
    _definition(ecs, "api", 8080, "http")
    _definition(ecs, "web", 80, "web")
    _service(ecs, network, "api", 2, {"enabled": True, "services": [API]})
    _service(ecs, network, "web", 1, {"enabled": True})
    ecs_session.sandbox.settle()
    return ecs_session


def _api_ips(ecs: Any) -> set[str]:
    arns = ecs.list_tasks(cluster="shop", serviceName="api", desiredStatus="RUNNING")["taskArns"]
    tasks = ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]
    return {
        d["value"]
        for t in tasks
        if t["lastStatus"] == "RUNNING"
        for d in t["attachments"][0]["details"]
        if d["name"] == "privateIPv4Address"
    }


def test_server_tasks_are_instances_of_its_endpoint(shop: ecskit.Session) -> None:
    ecs, sd = shop.ecs, shop.servicediscovery
    found = sd.discover_instances(NamespaceName="shop.local", ServiceName="http")["Instances"]
    assert {i["Attributes"]["AWS_INSTANCE_IPV4"] for i in found} == _api_ips(ecs)
    assert len(found) == 2
    attributes = found[0]["Attributes"]
    assert attributes["AWS_INSTANCE_PORT"] == "8080"  # the named port mapping's port
    assert attributes["ECS_SERVICE_NAME"] == "api"
    assert attributes["ECS_CLUSTER_NAME"] == "shop"
    assert attributes["ECS_TASK_DEFINITION_FAMILY"] == "api"
    # the client-only service registers nothing: only api's endpoint is a Cloud Map service
    assert [s["Name"] for s in sd.list_services()["Services"]] == ["http"]
    arn = sd.list_services()["Services"][0]["Arn"]
    tags = sd.list_tags_for_resource(ResourceARN=arn)["Tags"]
    assert {"Key": "AmazonECSManaged", "Value": "true"} in tags


def test_instances_follow_a_scaled_server(shop: ecskit.Session) -> None:
    ecs, sd = shop.ecs, shop.servicediscovery
    ecs.update_service(cluster="shop", service="api", desiredCount=3)
    shop.sandbox.settle()
    found = sd.discover_instances(NamespaceName="shop.local", ServiceName="http")["Instances"]
    assert len(found) == 3
    assert {i["Attributes"]["AWS_INSTANCE_IPV4"] for i in found} == _api_ips(ecs)
    ecs.update_service(cluster="shop", service="api", desiredCount=1)
    shop.sandbox.settle()
    found = sd.discover_instances(NamespaceName="shop.local", ServiceName="http")["Instances"]
    assert len(found) == 1


def test_the_deployment_shows_its_configuration_and_resources(shop: ecskit.Session) -> None:
    ecs, sd = shop.ecs, shop.servicediscovery
    namespace = sd.list_namespaces()["Namespaces"][0]["Arn"]
    api, web = ecs.describe_services(cluster="shop", services=["api", "web"])["services"]
    deployment = api["deployments"][0]
    # the cluster's default, resolved: the namespace this deployment uses
    assert deployment["serviceConnectConfiguration"]["namespace"] == namespace
    cloud_map = sd.list_services()["Services"][0]["Arn"]
    assert deployment["serviceConnectResources"] == [
        {"discoveryName": "http", "discoveryArn": cloud_map}
    ]
    assert "serviceConnectResources" not in web["deployments"][0]  # a client has no endpoint
    listed = ecs.list_services_by_namespace(namespace="shop.local")["serviceArns"]
    assert sorted(a.split("/")[-1] for a in listed) == ["api", "web"]


def test_a_changed_configuration_is_a_new_deployment(shop: ecskit.Session) -> None:
    ecs = shop.ecs
    before = ecs.describe_services(cluster="shop", services=["api"])["services"][0]
    tasks = {"cluster": "shop", "serviceName": "api", "desiredStatus": "RUNNING"}
    old_tasks = set(ecs.list_tasks(**tasks)["taskArns"])
    aliased = {**API, "discoveryName": "api", "clientAliases": [{"port": 80, "dnsName": "api"}]}
    connect = {"enabled": True, "services": [aliased]}
    ecs.update_service(cluster="shop", service="api", serviceConnectConfiguration=connect)
    shop.sandbox.settle()
    after = ecs.describe_services(cluster="shop", services=["api"])["services"][0]
    primary = after["deployments"][0]
    assert primary["id"] != before["deployments"][0]["id"]
    assert primary["serviceConnectConfiguration"]["services"][0]["clientAliases"] == [
        {"port": 80, "dnsName": "api"}
    ]
    assert set(ecs.list_tasks(**tasks)["taskArns"]).isdisjoint(old_tasks)  # tasks replaced
    # the replaced tasks left the old endpoint's Cloud Map service; the new ones are in the new
    sd = shop.servicediscovery
    old = sd.discover_instances(NamespaceName="shop.local", ServiceName="http")["Instances"]
    new = sd.discover_instances(NamespaceName="shop.local", ServiceName="api")["Instances"]
    assert old == []
    assert {i["Attributes"]["AWS_INSTANCE_IPV4"] for i in new} == _api_ips(ecs)


def _refused(call: Any, code: str) -> str:
    with pytest.raises(Exception) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == code
    return caught.value.response["Error"]["Message"]


def test_requests_the_docs_call_invalid_are_refused(shop: ecskit.Session, network: dict) -> None:
    ecs = shop.ecs
    again = {"enabled": True, "services": [{**API, "clientAliases": [{"port": 81}]}]}
    message = _refused(
        lambda: _service(ecs, network, "api2", 1, again, taskDefinition="api"),
        "InvalidParameterException",
    )
    assert "discoveryName" in message and "unique within the namespace" in message
    alias = {"portName": "http", "discoveryName": "api2", "clientAliases": [{"port": 80}]}
    clash = {
        "enabled": True,
        "services": [{**alias, "clientAliases": [{"port": 80, "dnsName": "http.shop.local"}]}],
    }
    message = _refused(
        lambda: _service(ecs, network, "api2", 1, clash, taskDefinition="api"),
        "InvalidParameterException",
    )
    assert "http.shop.local:80" in message
    missing = {"enabled": True, "namespace": "nowhere.local"}
    _refused(
        lambda: _service(ecs, network, "w2", 1, missing, taskDefinition="web"),
        "NamespaceNotFoundException",
    )
    elsewhere = {
        "enabled": True,
        "namespace": "arn:aws:servicediscovery:eu-west-3:123456789012:namespace/ns-abc",
    }
    message = _refused(
        lambda: _service(ecs, network, "w3", 1, elsewhere, taskDefinition="web"),
        "InvalidParameterException",
    )
    assert "same Region" in message
    wrong_port = {
        "enabled": True,
        "services": [{"portName": "nope", "clientAliases": [{"port": 9}]}],
    }
    message = _refused(
        lambda: _service(ecs, network, "w4", 1, wrong_port, taskDefinition="web"), "ClientException"
    )
    assert "nope" in message
    # nothing half-created
    names = [a.split("/")[-1] for a in ecs.list_services(cluster="shop")["serviceArns"]]
    assert sorted(names) == ["api", "web"]


def test_a_client_needs_a_namespace(ecs_session: ecskit.Session, network: dict) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    _definition(ecs, "web", 80, "web")
    message = _refused(
        lambda: _service(ecs, network, "web", 1, {"enabled": True}), "InvalidParameterException"
    )
    assert "serviceConnectConfiguration.namespace" in message


def test_namespaces_do_not_see_each_other(shop: ecskit.Session, network: dict) -> None:
    ecs, sd = shop.ecs, shop.servicediscovery
    sd.create_http_namespace(Name="other.local")
    other = {"enabled": True, "namespace": "other.local", "services": [API]}
    # the same discoveryName and alias are free in another namespace
    _service(ecs, network, "api-other", 1, other, taskDefinition="api")
    shop.sandbox.settle()
    here = sd.discover_instances(NamespaceName="shop.local", ServiceName="http")["Instances"]
    there = sd.discover_instances(NamespaceName="other.local", ServiceName="http")["Instances"]
    assert {i["Attributes"]["ECS_SERVICE_NAME"] for i in here} == {"api"}
    assert {i["Attributes"]["ECS_SERVICE_NAME"] for i in there} == {"api-other"}
    listed = ecs.list_services_by_namespace(namespace="other.local")["serviceArns"]
    assert [a.split("/")[-1] for a in listed] == ["api-other"]


# -- ecskit.endpoints: what a client reaches, read with Describe/List and DiscoverInstances ------
def test_a_client_reaches_the_server_tasks_behind_its_endpoint(shop: ecskit.Session) -> None:
    found = ecskit.endpoints(shop, "shop", "web")
    assert found.namespace == "shop.local"
    # no discoveryName nor dnsName: portName.namespace (ServiceConnectClientAlias.dnsName)
    assert [e.endpoint for e in found] == ["http.shop.local:80"]
    reached = found["http.shop.local:80"]
    assert reached.server == "api"
    assert {t.split(":")[0] for t in reached.tasks} == _api_ips(shop.ecs)
    assert {t.split(":")[1] for t in reached.tasks} == {"8080"}
    assert str(found).startswith("service web in namespace shop.local reaches 1 endpoint:")
    assert "http.shop.local:80 → service api (cluster shop), 2 tasks: " in str(found)


def test_the_tasks_reached_follow_a_scale(shop: ecskit.Session) -> None:
    shop.ecs.update_service(cluster="shop", service="api", desiredCount=4)
    shop.sandbox.settle()
    assert len(ecskit.endpoints(shop, "shop", "web")["http.shop.local:80"].tasks) == 4


def test_another_namespace_is_not_reached(shop: ecskit.Session, network: dict) -> None:
    shop.servicediscovery.create_http_namespace(Name="other.local")
    other = {"enabled": True, "namespace": "other.local"}
    _service(shop.ecs, network, "web-other", 1, other, taskDefinition="web")
    shop.sandbox.settle()
    found = ecskit.endpoints(shop, "shop", "web-other")
    assert found.namespace == "other.local"
    assert len(found) == 0
    with pytest.raises(KeyError, match="has no endpoint"):
        found["http.shop.local:80"]


def test_a_service_outside_service_connect_reaches_nothing(
    shop: ecskit.Session, network: dict
) -> None:
    shop.ecs.create_service(
        cluster="shop", serviceName="lone", taskDefinition="web", desiredCount=0,
        launchType="FARGATE", networkConfiguration=network["config"],
    )  # fmt: skip
    found = ecskit.endpoints(shop, "shop", "lone")
    assert found.namespace is None and len(found) == 0
    assert "does not use Service Connect" in str(found)
    with pytest.raises(ValueError, match="no active service 'nope'"):
        ecskit.endpoints(shop, "shop", "nope")
