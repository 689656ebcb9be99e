"""Service Connect as ECS runs it: client-server services register their tasks in a namespace,
client services reach every endpoint of that namespace.

- A cluster's `serviceConnectDefaults` namespace is made (HTTP, "API calls" discovery) when its
  name is new (botocore's ClusterServiceConnectDefaultsRequest.namespace).
- A service with `enabled` joins one namespace: its own `namespace`, else the cluster's default
  at creation ("This setting only applies to new services", ClusterServiceConnectDefaults). A
  client service must have one to join (service-connect-concepts.html), in the same Region
  (ServiceConnectConfiguration.namespace).
- Each `services` entry is an endpoint (its portName names a port mapping: rule
  service-connect.port-name): a Cloud Map service named `discoveryName` (default: the
  `portName`), unique in the namespace; its client alias `dnsName` defaults to
  `discoveryName.namespace`, and each name and port is unique in the namespace
  (ServiceConnectService, ServiceConnectClientAlias). ECS tags the Cloud Map service
  AmazonECSManaged=true (https://github.com/aws/containers-roadmap/issues/2560).
- A deployment shows the configuration it uses and `serviceConnectResources`, one
  {discoveryName, discoveryArn} per endpoint (botocore's Deployment, ServiceConnectServiceResource).
- Each RUNNING task of a client-server service is an instance of each of its Cloud Map services,
  with the attributes of cloud_map.instance_attributes; it is deregistered when it stops.

Guide: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html
and .../service-connect-concepts-deploy.html
"""

from __future__ import annotations

import contextlib
from typing import Any

from ecskit.service_connect import resolve

from . import cloud_map
from .errors import EcsError, cluster_name

API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"
MANAGED_TAG = [{"Key": "AmazonECSManaged", "Value": "true"}]


class ServiceConnect:
    """The layer's hooks for Service Connect (see operations.py and the scheduler)."""

    # -- clusters --------------------------------------------------------------------------
    def cluster_created(self, backend: Any, cluster: Any, body: dict[str, Any]) -> None:
        wanted = (body.get("serviceConnectDefaults") or {}).get("namespace")
        if wanted:
            cluster.service_connect_defaults = {"namespace": _made_if_new(backend, wanted).arn}

    # -- services --------------------------------------------------------------------------
    def check_service(self, backend: Any, body: dict[str, Any], service: Any) -> None:
        """Refuse, before anything is stored, what ECS documents as not possible."""
        conf = body.get("serviceConnectConfiguration")
        if not isinstance(conf, dict) or not conf.get("enabled"):
            return
        cluster = service.cluster_name if service is not None else cluster_name(body.get("cluster"))
        ns = namespace_for(backend, conf, backend.clusters.get(cluster))
        seen: dict[str, str] = {}
        for index, entry in enumerate(conf.get("services") or []):
            endpoint = resolve(entry, ns.name)
            at = f"serviceConnectConfiguration.services[{index}]"
            if endpoint["discoveryName"] in seen.values():
                raise EcsError(
                    "InvalidParameterException",
                    f"{at}.discoveryName: {endpoint['discoveryName']!r} is given twice; each "
                    "discoveryName must be unique within the namespace "
                    f"({API}API_ServiceConnectService.html).",
                )
            seen[at] = endpoint["discoveryName"]
            for other, other_endpoint in _endpoints_in(backend, ns, but=service, name=body):
                if other_endpoint["discoveryName"] == endpoint["discoveryName"]:
                    raise EcsError(
                        "InvalidParameterException",
                        f"{at}.discoveryName: service {other.name} already uses "
                        f"{endpoint['discoveryName']!r} in namespace {ns.name}; a discoveryName "
                        "must be unique within the namespace: choose another "
                        f"({API}API_ServiceConnectService.html).",
                    )
                if other_endpoint["endpoint"] == endpoint["endpoint"]:
                    raise EcsError(
                        "InvalidParameterException",
                        f"{at}.clientAliases: service {other.name} already answers at "
                        f"{endpoint['endpoint']} in namespace {ns.name}; each name and port "
                        "must be unique within the namespace: choose another dnsName or port "
                        f"({API}API_ServiceConnectClientAlias.html).",
                    )

    def service_created(self, backend: Any, service: Any, body: dict[str, Any]) -> None:
        self._joined(backend, service)

    def service_updated(self, backend: Any, service: Any, body: dict[str, Any]) -> None:
        if "serviceConnectConfiguration" in body:
            self._joined(backend, service)

    def _joined(self, backend: Any, service: Any) -> None:
        """The configuration as the service uses it (namespace resolved), its Cloud Map
        services made, and the PRIMARY deployment showing both."""
        conf = getattr(service, "service_connect_configuration", None)
        if not isinstance(conf, dict) or not conf.get("enabled"):
            return
        cluster = backend.clusters.get(service.cluster_name)
        ns = namespace_for(backend, conf, cluster)
        conf = {**conf, "namespace": ns.arn}
        service.service_connect_configuration = conf
        resources = []
        for entry in conf.get("services") or []:
            discovery = resolve(entry, ns.name)["discoveryName"]
            resources.append(
                {"discoveryName": discovery, "discoveryArn": _cloud_map(ns, backend, discovery).arn}
            )
        for deployment in service.deployments or []:
            if deployment.get("status") == "PRIMARY":
                deployment["serviceConnectConfiguration"] = conf
                if resources:
                    deployment["serviceConnectResources"] = resources

    # -- tasks -----------------------------------------------------------------------------
    def running(self, task: Any, service: Any) -> None:
        sd = cloud_map.servicediscovery(task._backend)
        registered = []
        for service_id, port in _registrations(task, service):
            attributes = cloud_map.instance_attributes(task, service, port)
            sd.register_instance(service_id, task.id, task.id, attributes)
            registered.append(service_id)
        # where it registered, so a later configuration change still deregisters it there
        task._ecskit_service_connect = registered

    def stopping(self, task: Any, service: Any) -> None:
        sd = cloud_map.servicediscovery(task._backend)
        for service_id in getattr(task, "_ecskit_service_connect", None) or []:
            with contextlib.suppress(Exception):  # already gone: nothing to undo
                sd.deregister_instance(service_id, task.id)


def install(layer: Any) -> None:
    hooks = ServiceConnect()
    layer.hooks.append(hooks)
    layer.scheduler.on_running.append(hooks.running)
    layer.scheduler.on_stopping.append(hooks.stopping)


# -- what a configuration means ----------------------------------------------------------------
def namespace_for(backend: Any, conf: dict[str, Any], cluster: Any) -> Any:
    """The Cloud Map namespace a Service Connect service joins, or EcsError saying why none."""
    wanted = conf.get("namespace") or (
        (getattr(cluster, "service_connect_defaults", None) or {}).get("namespace")
    )
    if not wanted:
        raise EcsError(
            "InvalidParameterException",
            "serviceConnectConfiguration.namespace: name the Cloud Map namespace this service "
            "joins, or give the cluster a default (serviceConnectDefaults); a Service Connect "
            "service must have a namespace to join (https://docs.aws.amazon.com/AmazonECS/latest"
            "/developerguide/service-connect-concepts.html).",
        )
    parts = wanted.split(":")
    if wanted.startswith("arn:") and len(parts) > 3 and parts[3] != backend.region_name:
        raise EcsError(
            "InvalidParameterException",
            f"serviceConnectConfiguration.namespace: {wanted} is in {parts[3]}; the namespace "
            f"must be in the same Region as the service and cluster ({backend.region_name}) "
            f"({API}API_ServiceConnectConfiguration.html).",
        )
    ns = cloud_map.find_namespace(backend, wanted)
    if ns is None:
        raise EcsError("NamespaceNotFoundException", "The specified namespace wasn't found.")
    return ns


def _made_if_new(backend: Any, wanted: str) -> Any:
    """A cluster default names an existing namespace, or a new HTTP one is made."""
    ns = cloud_map.find_namespace(backend, wanted)
    if ns is None:
        sd = cloud_map.servicediscovery(backend)
        sd.create_http_namespace(wanted, wanted, "Created by ECS for Service Connect", [])
        ns = cloud_map.find_namespace(backend, wanted)
    return ns


def _cloud_map(ns: Any, backend: Any, discovery: str) -> Any:
    """The Cloud Map service of an endpoint: made by ECS ("API calls" discovery) if new."""
    sd = cloud_map.servicediscovery(backend)
    for found in sd.services.values():
        if found.name == discovery and found.namespace_id == ns.id:
            return found
    return sd.create_service(
        discovery, ns.id, discovery, "Service Connect", None, None, None, MANAGED_TAG, "HTTP"
    )


def _endpoints_in(backend: Any, ns: Any, but: Any, name: dict[str, Any]) -> Any:
    """(service, endpoint) for every endpoint other active services have in `ns`."""
    cluster = cluster_name(name.get("cluster"))
    for other in backend.services.values():
        if other is but or other.status == "INACTIVE":
            continue
        if but is None and other.cluster_name == cluster and other.name == name.get("serviceName"):
            continue
        conf = getattr(other, "service_connect_configuration", None) or {}
        if conf.get("enabled") and conf.get("namespace") == ns.arn:
            for entry in conf.get("services") or []:
                yield other, resolve(entry, ns.name)


def _registrations(task: Any, service: Any) -> list[tuple[str, Any]]:
    """(Cloud Map service id, port) for each endpoint the task's service answers at."""
    conf = getattr(service, "service_connect_configuration", None) or {}
    if not conf.get("enabled") or not conf.get("services"):
        return []
    backend = task._backend
    ns = cloud_map.find_namespace(backend, conf.get("namespace") or "")
    if ns is None:
        return []
    td = backend.describe_task_definition(task.task_definition_arn)
    found = []
    for entry in conf["services"]:
        discovery = resolve(entry, ns.name)["discoveryName"]
        port = _port(td, entry.get("portName"))
        found.append((_cloud_map(ns, backend, discovery).id, port))
    return found


def _port(td: Any, port_name: Any) -> Any:
    """The port a task answers on for a named port mapping: the host port on bridge or host
    networking when one is set, else the container port."""
    for container in td.container_definitions:
        for mapping in container.get("portMappings") or []:
            if mapping.get("name") == port_name:
                if td.network_mode != "awsvpc" and mapping.get("hostPort"):
                    return mapping["hostPort"]
                return mapping.get("containerPort")
    return None
