"""What a Service Connect service reaches: each endpoint of its namespace and the tasks behind it.

`endpoints(session, cluster, service)` reads, never writes: DescribeServices for the service's
namespace (its PRIMARY deployment's serviceConnectConfiguration), ListServicesByNamespace for
the services in it, their endpoints (`services` entries with ECS's defaults, `resolve`), and
Cloud Map's DiscoverInstances for the RUNNING tasks registered behind each. It works on the
sandbox and on a real account alike.

Facts (botocore's ECS model): a client service "is a member of a namespace only to connect to
other services within the namespace" (ServiceConnectConfiguration.services); `discoveryName`
defaults to the port name, the client alias's `dnsName` to `discoveryName.namespace`
(ServiceConnectService, ServiceConnectClientAlias); a deployment lists its
`serviceConnectResources` (discoveryName, discoveryArn). Guide:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html"


def resolve(entry: dict[str, Any], namespace_name: str) -> dict[str, Any]:
    """One ServiceConnectService with ECS's defaults: discoveryName (the portName), the client
    alias's dnsName (discoveryName.namespace), its port and `endpoint` ("dnsName:port")."""
    discovery = entry.get("discoveryName") or entry.get("portName") or ""
    alias = (entry.get("clientAliases") or [{}])[0]
    dns = alias.get("dnsName") or f"{discovery}.{namespace_name}"
    port = alias.get("port")
    return {
        "portName": entry.get("portName"),
        "discoveryName": discovery,
        "dnsName": dns,
        "port": port,
        "endpoint": f"{dns}:{port}",
    }


@dataclass
class Endpoint:
    """One name and port a client connects to, and the server tasks it leads to now."""

    endpoint: str  # dnsName:port
    discovery_name: str
    server: str  # the ECS service that answers at it
    cluster: str
    tasks: list[str] = field(default_factory=list)  # "ip:port" of each registered instance

    def __str__(self) -> str:
        count = f"{len(self.tasks)} task{'s' if len(self.tasks) != 1 else ''}"
        listed = ": " + ", ".join(self.tasks) if self.tasks else ""
        return f"{self.endpoint} → service {self.server} (cluster {self.cluster}), {count}{listed}"


@dataclass
class Endpoints:
    """What `service` can reach through Service Connect (empty when it is not in a namespace)."""

    service: str
    cluster: str
    namespace: str | None
    items: list[Endpoint] = field(default_factory=list)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, endpoint: str) -> Endpoint:
        for item in self.items:
            if item.endpoint == endpoint:
                return item
        known = ", ".join(i.endpoint for i in self.items) or "none"
        raise KeyError(f"{self.service} has no endpoint {endpoint!r} (it has: {known})")

    def __str__(self) -> str:
        if self.namespace is None:
            return (
                f"service {self.service} (cluster {self.cluster}) does not use Service Connect: "
                f"it reaches no endpoint ({GUIDE})."
            )
        if not self.items:
            return (
                f"service {self.service} in namespace {self.namespace} reaches no endpoint: no "
                "service of that namespace serves one."
            )
        count = f"{len(self.items)} endpoint{'s' if len(self.items) != 1 else ''}"
        lines = [f"service {self.service} in namespace {self.namespace} reaches {count}:"]
        lines += [f"  {item}" for item in self.items]
        return "\n".join(lines)

    __repr__ = __str__


def endpoints(session: Any, cluster: str, service: str) -> Endpoints:
    """Each endpoint (dnsName:port) `service` of `cluster` reaches, with its server tasks."""
    found = session.ecs.describe_services(cluster=cluster, services=[service])["services"]
    if not found or found[0].get("status") == "INACTIVE":
        raise ValueError(
            f"There is no active service {service!r} in cluster {cluster!r}: "
            "check both names with ecs.list_services(cluster=...)."
        )
    conf = _configuration(found[0])
    if not conf.get("enabled") or not conf.get("namespace"):
        return Endpoints(service, cluster, None)
    namespace = _namespace_name(session, conf["namespace"])
    result = Endpoints(service, cluster, namespace)
    for server in _members(session, conf["namespace"]):
        server_conf = _configuration(server)
        resources = {
            r.get("discoveryName"): r for r in _primary(server).get("serviceConnectResources") or []
        }
        for entry in server_conf.get("services") or []:
            point = resolve(entry, namespace)
            discovery = point["discoveryName"]
            if resources and discovery not in resources:
                continue  # not (yet) created by ECS
            result.items.append(
                Endpoint(
                    endpoint=point["endpoint"],
                    discovery_name=discovery,
                    server=server["serviceName"],
                    cluster=server["clusterArn"].split("/")[-1],
                    tasks=_instances(session, namespace, discovery),
                )
            )
    result.items.sort(key=lambda item: item.endpoint)
    return result


def _primary(service: dict[str, Any]) -> dict[str, Any]:
    return next((d for d in service.get("deployments") or [] if d.get("status") == "PRIMARY"), {})


def _configuration(service: dict[str, Any]) -> dict[str, Any]:
    """Service Connect is a deployment's setting: the PRIMARY one's is what runs."""
    return (
        _primary(service).get("serviceConnectConfiguration")
        or service.get("serviceConnectConfiguration")
        or {}
    )


def _namespace_name(session: Any, namespace: str) -> str:
    if not namespace.startswith("arn:"):
        return namespace
    answer = session.servicediscovery.get_namespace(Id=namespace.split("/")[-1])
    return str(answer["Namespace"]["Name"])


def _members(session: Any, namespace: str) -> list[dict[str, Any]]:
    """Every service in the namespace, described (ListServicesByNamespace, then by cluster)."""
    pages = session.ecs.get_paginator("list_services_by_namespace").paginate(namespace=namespace)
    by_cluster: dict[str, list[str]] = {}
    for page in pages:
        for arn in page.get("serviceArns") or []:
            parts = arn.split("/")
            by_cluster.setdefault(parts[-2] if len(parts) > 2 else "default", []).append(arn)
    described = []
    for cluster, arns in sorted(by_cluster.items()):
        for start in range(0, len(arns), 10):  # DescribeServices takes up to 10
            answer = session.ecs.describe_services(
                cluster=cluster, services=arns[start : start + 10]
            )
            described += answer["services"]
    return [s for s in described if s.get("status") != "INACTIVE"]


def _instances(session: Any, namespace: str, discovery: str) -> list[str]:
    """ip:port of each instance Cloud Map returns for the endpoint's service."""
    try:
        answer = session.servicediscovery.discover_instances(
            NamespaceName=namespace, ServiceName=discovery
        )
    except Exception as exc:  # no instances registered yet: the Cloud Map service is missing
        if "NotFound" in type(exc).__name__ or "NotFound" in str(exc):
            return []
        raise
    found = []
    for instance in answer.get("Instances") or []:
        attributes = instance.get("Attributes") or {}
        ip = attributes.get("AWS_INSTANCE_IPV4", instance.get("InstanceId", ""))
        port = attributes.get("AWS_INSTANCE_PORT")
        found.append(f"{ip}:{port}" if port else ip)
    return sorted(found, key=_address_order)


def _address_order(address: str) -> tuple[int, ...]:
    host = address.split(":")[0]
    return tuple(int(p) for p in host.split(".")) if host.replace(".", "").isdigit() else (0,)
