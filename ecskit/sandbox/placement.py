"""Where tasks run: EC2 tasks only on container instances with enough free CPU, memory and
ports; any service's tasks over its capacity provider strategy by base, then weight.

ECS answers a task that fits nowhere with a failure naming the resource that ran out
(`RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:PORTS`) rather than an error.
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html)
"""

from __future__ import annotations

from typing import Any

NO_INSTANCES = "No Container Instances were found in your cluster."


def requirements(task_definition: Any) -> dict[str, Any]:
    """What one task reserves: task-level cpu/memory when given, else its containers' sum.

    Replaces moto 5.2.5's calculation, which crashes on task-level memory only (Fargate).
    """
    containers = task_definition.container_definitions
    cpu = _int(task_definition.cpu)
    if cpu is None:
        cpu = sum(_int(c.get("cpu") or c.get("Cpu")) or 0 for c in containers)
    memory = _int(task_definition.memory)
    if memory is None:
        memory = sum(
            _int(
                c.get("memory")
                or c.get("Memory")
                or c.get("memoryReservation")
                or c.get("MemoryReservation")
            )
            or 0
            for c in containers
        )
    ports = []
    for c in containers:
        for mapping in c.get("portMappings") or c.get("PortMappings") or []:
            host = mapping.get("hostPort", mapping.get("HostPort"))
            if host:  # 0 or absent: a dynamic port, reserves nothing fixed
                ports.append(host)
    return {"CPU": cpu, "MEMORY": memory, "PORTS": ports, "PORTS_UDP": []}


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    try:
        if text.endswith("vcpu"):
            return int(float(text[:-4]) * 1024)
        if text.endswith("gb"):
            return int(float(text[:-2]) * 1024)
        return int(float(text))
    except ValueError:
        return None


def _remaining(instance: Any) -> tuple[int, int, set[str]]:
    cpu = memory = 0
    ports: set[str] = set()
    for resource in instance.remaining_resources:
        if resource["name"] == "CPU":
            cpu = resource.get("integerValue", 0)
        elif resource["name"] == "MEMORY":
            memory = resource.get("integerValue", 0)
        elif resource["name"] == "PORTS":
            ports = set(resource.get("stringSetValue") or [])
    return cpu, memory, ports


def why_not(instance: Any, need: dict[str, Any]) -> str | None:
    """The failure reason if the task does not fit on `instance`, else None."""
    cpu, memory, ports = _remaining(instance)
    if need["CPU"] > cpu:
        return "RESOURCE:CPU"
    if need["MEMORY"] > memory:
        return "RESOURCE:MEMORY"
    if any(str(p) in ports for p in need["PORTS"]):
        return "RESOURCE:PORTS"
    return None


def plan(backend: Any, cluster: str, task_definition: Any, count: int) -> tuple[int, list]:
    """How many of `count` tasks fit on the cluster's ACTIVE instances, and ECS's failures."""
    need = requirements(task_definition)
    instances = [
        ci for ci in backend.container_instances.get(cluster, {}).values() if ci.status == "ACTIVE"
    ]
    free = []
    for ci in instances:
        cpu, memory, ports = _remaining(ci)
        free.append([ci, cpu, memory, set(ports)])
    placed = 0
    reasons: dict[str, str] = {}
    for _ in range(count):
        for slot in free:
            ci, cpu, memory, ports = slot
            if need["CPU"] > cpu:
                reasons.setdefault(ci.container_instance_arn, "RESOURCE:CPU")
            elif need["MEMORY"] > memory:
                reasons.setdefault(ci.container_instance_arn, "RESOURCE:MEMORY")
            elif any(str(p) in ports for p in need["PORTS"]):
                reasons.setdefault(ci.container_instance_arn, "RESOURCE:PORTS")
            else:
                slot[1] -= need["CPU"]
                slot[2] -= need["MEMORY"]
                slot[3] |= {str(p) for p in need["PORTS"]}
                placed += 1
                break
    failures = []
    if placed < count:
        failures = [{"arn": arn, "reason": reason} for arn, reason in reasons.items()]
    return placed, failures


_CLOSEST = {
    "RESOURCE:CPU": "has insufficient CPU units available",
    "RESOURCE:MEMORY": "has insufficient memory available",
    "RESOURCE:PORTS": "is already using a port required by your task",
}


def unplaceable_reason(backend: Any, cluster: str, task_definition: str) -> str:
    """ECS's words, in a service event, for a task that fits on no container instance."""
    if not any(
        ci.status == "ACTIVE" for ci in backend.container_instances.get(cluster, {}).values()
    ):
        return f"Reason: {NO_INSTANCES}"
    td = backend.describe_task_definition(task_definition)
    _placed, failures = plan(backend, cluster, td, 1)
    if not failures:
        return "Reason: no container instance is ACTIVE."
    instance = failures[0]["arn"].split("/")[-1]
    return (
        f"The closest matching (container-instance {instance}) {_CLOSEST[failures[0]['reason']]}."
    )


def install() -> None:
    """Use `requirements` for moto's placement (idempotent)."""
    from moto.ecs.models import EC2ContainerServiceBackend

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(requirements)
    install_managed_instances()


def over_providers(
    strategy: list[dict[str, Any]], running: dict[str, int], count: int
) -> list[tuple[str, int]]:
    """How `count` new tasks split over a capacity provider strategy: [(provider, n)], in order.

    ECS first runs each provider's `base` tasks, then shares the rest by `weight` (Developer
    Guide, "Capacity provider strategies"). `running` counts the service's live tasks per
    provider, so a scale-out tops up toward the same shares. Each task goes where the share is
    furthest from met; a tie goes to the provider listed first.
    """
    names = [item["capacityProvider"] for item in strategy]
    total = sum(running.get(name, 0) for name in names) + count
    left = total
    target: dict[str, float] = {}
    for item in strategy:
        base = min(int(item.get("base") or 0), left)
        target[item["capacityProvider"]] = float(base)
        left -= base
    weights = {item["capacityProvider"]: float(item.get("weight") or 0) for item in strategy}
    all_weight = sum(weights.values())
    if all_weight > 0:
        for name in names:
            target[name] += left * weights[name] / all_weight
    have = {name: running.get(name, 0) for name in names}
    given = dict.fromkeys(names, 0)
    for _ in range(count):
        # the largest shortfall; ties (and no weights at all) go to the first listed
        name = max(names, key=lambda n: (target[n] - have[n], -names.index(n)))
        have[name] += 1
        given[name] += 1
    return [(name, given[name]) for name in names if given[name]]


# -- ECS Managed Instances -----------------------------------------------------------------
# Placement as the developer guide's "Amazon ECS Managed Instances auto scaling and task
# placement" says (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-auto-scaling.html):
# with several subnets, tasks spread over Availability Zones first ("Availability Zone spread
# takes precedence over bin packing"); with one subnet they bin-pack onto the fullest instance
# that fits; a new instance is launched only when none fits. The sandbox lets each subnet stand
# for its Availability Zone and does not model ENI density.
LAUNCH_TYPE = "MANAGED_INSTANCES"


def managed_provider(backend: Any, cluster: Any, launch_type: Any, strategy: Any) -> Any:
    """The Managed Instances provider a task launch goes to, or None (not Managed Instances).
    Only a capacity provider strategy reaches one: "If you want to use Amazon ECS Managed
    Instances, you must use the capacityProviderStrategy request parameter and omit the
    launchType request parameter" (botocore's RunTask/CreateService launchType)."""
    from moto.ecs.exceptions import InvalidParameterException

    from .managed_instances import is_managed

    items = strategy or ([] if launch_type else cluster.default_capacity_provider_strategy or [])
    if not items:
        return None
    provider = backend.capacity_providers.get(items[0]["capacityProvider"])
    if provider is None or not is_managed(provider):
        return None
    if provider.cluster != cluster.name:
        raise InvalidParameterException(
            f"The capacity provider {provider.name} belongs to cluster {provider.cluster}: "
            f"Managed Instances providers can be used only in their own cluster."
        )
    return provider


def _architecture(task_definition: Any) -> str:
    platform = getattr(task_definition, "runtime_platform", None) or {}
    return "arm64" if platform.get("cpuArchitecture") == "ARM64" else "x86_64"


def pick_instance(
    backend: Any, provider: Any, cluster: Any, need: dict[str, Any], group: str, arch: str
) -> Any | None:
    """The container instance for one more task of `group`: launched if none has room."""
    from . import fleet

    subnets = provider.managed_instances_provider["instanceLaunchTemplate"]["networkConfiguration"][
        "subnets"
    ]
    instances = [
        ci
        for ci in backend.container_instances.get(cluster.name, {}).values()
        if ci.status == "ACTIVE" and getattr(ci, "capacity_provider_name", None) == provider.name
    ]
    target = subnets[0]
    if len(subnets) > 1:  # spread: the subnet (zone) with the fewest of this group's tasks
        subnet_of = {
            ci.container_instance_arn: getattr(ci, "_ecskit_subnet", "") for ci in instances
        }
        count = {s: 0 for s in subnets}
        for task in backend.tasks.get(cluster.name, {}).values():
            where = subnet_of.get(task.container_instance_arn or "")
            if where in count and task.group == group and task.last_status != "STOPPED":
                count[where] += 1
        target = min(subnets, key=lambda s: (count[s], subnets.index(s)))
    fits = [
        ci
        for ci in instances
        if why_not(ci, need) is None and getattr(ci, "_ecskit_subnet", target) == target
    ]
    if fits:  # bin pack: the instance with the least CPU, then memory, left
        return min(fits, key=lambda ci: (*_remaining(ci)[:2], ci.container_instance_arn))
    return fleet.launch(backend, provider, cluster, target, need, arch)


def run_on_managed(original: Any, backend: Any, provider: Any, cluster: Any, args: dict) -> list:
    """moto's run_task, one task at a time, each on the instance pick_instance chose."""
    from moto.ecs.exceptions import InvalidParameterException

    td = backend.describe_task_definition(args["task_definition_str"])
    asked = td.requires_compatibilities or []
    if asked and LAUNCH_TYPE not in asked:
        # wording ours, as ecskit's revision.launch-type rule says it for launch types
        raise InvalidParameterException(
            f"The task definition {td.family}:{td.revision} is compatible with "
            f"{', '.join(asked)}, not MANAGED_INSTANCES: register a revision with "
            "MANAGED_INSTANCES in requiresCompatibilities."
        )
    need = requirements(td)
    group = args.get("group") or f"family:{td.family}"
    tasks: list[Any] = []
    for _ in range(int(args.get("count") or 1)):
        instance = pick_instance(backend, provider, cluster, need, group, _architecture(td))
        if instance is None:
            break
        everyone = backend.container_instances[cluster.name]
        backend.container_instances[cluster.name] = {instance.id: instance}  # moto's choice
        try:
            made = original(
                backend, cluster.name, args["task_definition_str"], 1, args.get("overrides"),
                args.get("started_by"), args.get("tags"), None,
                args.get("networking_configuration"), group, args.get("platform_version"),
                [{"capacityProvider": provider.name, "weight": 1}],
            )  # fmt: skip
        finally:
            backend.container_instances[cluster.name] = everyone
        for task in made:
            task.launch_type = LAUNCH_TYPE  # botocore's LaunchType: where the task runs
        tasks += made
    if not tasks:
        # wording ours: no instance type the provider allows is big enough for the task
        raise InvalidParameterException(
            f"No instance type allowed by capacity provider {provider.name}'s "
            f"instanceRequirements has room for a task of {need['CPU']} CPU units and "
            f"{need['MEMORY']} MiB: widen the requirements or make the task smaller."
        )
    return tasks


def install_managed_instances() -> None:
    """Route moto's run_task through run_on_managed when a strategy names a Managed Instances
    provider (moto would place on any instance of the cluster)."""
    import inspect

    from moto.ecs.models import EC2ContainerServiceBackend as Backend

    if getattr(Backend.run_task, "_ecskit", False):
        return
    run_task = Backend.run_task
    run_signature = inspect.signature(run_task)

    def patched_run_task(self: Any, *args: Any, **kwargs: Any) -> list:
        bound = run_signature.bind(self, *args, **kwargs).arguments
        cluster = self._get_cluster(bound["cluster_str"])
        provider = managed_provider(
            self, cluster, bound.get("launch_type"), bound.get("capacity_provider_strategy")
        )
        if provider is None:
            return run_task(self, *args, **kwargs)
        return run_on_managed(run_task, self, provider, cluster, bound)

    patched_run_task._ecskit = True  # type: ignore[attr-defined]
    Backend.run_task = patched_run_task  # type: ignore[method-assign]
