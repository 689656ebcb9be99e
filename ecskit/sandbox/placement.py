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
