"""The task lifecycle ECS documents, kept on moto's own Task objects.

PROVISIONING -> PENDING -> ACTIVATING -> RUNNING, and once stopped DEACTIVATING -> STOPPING ->
DEPROVISIONING -> STOPPED, one state per clock step, with the timestamps, stop codes and
container states ECS reports. moto would walk a task towards STOPPED on every DescribeTasks;
the sandbox holds moto's own progression still and moves tasks by its clock instead.
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from itertools import pairwise
from typing import Any

from .behaviour import Behaviours
from .clock import Clock
from .startup import startup_error

START_PATH = ("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING")
STOP_PATH = ("DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED")
NEXT = {a: b for path in (START_PATH, STOP_PATH) for a, b in pairwise(path)}
PENDING_STATES = frozenset(START_PATH[:-1])
AT_REST = frozenset({"RUNNING", "STOPPED"})

# moto 5.2.5's ManagedState: "manual" progression that never reaches its count stands still.
_HOLD = {"progression": "manual", "times": 2**62}


def hold_moto_progression() -> None:
    """Stop moto from moving tasks on DescribeTasks (it must be said again after a reset)."""
    from moto.moto_api import state_manager

    state_manager.set_transition(model_name="ecs::task", transition=_HOLD)


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


class Lifecycle:
    """Moves every task that is not at rest (RUNNING or STOPPED) by the clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.moving: dict[int, Any] = {}  # id(task) -> moto Task still changing state
        self.lock = threading.RLock()
        # called with (task, old_status, new_status) on every change: the scheduler listens
        self.listeners: list[Callable[[Any, str, str], None]] = []
        # what containers do once RUNNING, as Sandbox.behave() said (behaviour.py)
        self.behaviours = Behaviours()

    def reset(self) -> None:
        with self.lock:
            self.moving.clear()
        self.behaviours.clear(quietly=True)

    # -- a task is born -------------------------------------------------------------------
    def born(self, task: Any, task_definition: Any) -> None:
        """Dress a task moto just made as ECS would: PROVISIONING, one container per definition."""
        from moto.ecs.models import Container

        now = self.clock.now()
        task.status = "PROVISIONING"
        task.created_at = _dt(now)
        task._ecskit_since = now
        task.cpu = task_definition.cpu or str(
            sum(int(c.get("cpu") or 0) for c in task_definition.container_definitions)
        )
        task.memory = task_definition.memory or str(
            sum(
                int(c.get("memory") or c.get("memoryReservation") or 0)
                for c in task_definition.container_definitions
            )
        )
        task.version = 1
        task.health_status = "UNKNOWN"
        task.stop_code = None
        task.platform_family = "Linux" if task.launch_type != "EC2" else None
        if task.launch_type == "FARGATE" or task.capacity_provider_name in (
            "FARGATE",
            "FARGATE_SPOT",
        ):
            task.platform_version = task.platform_version or "1.4.0"
            task.platform_family = "Linux"
        task.availability_zone = _availability_zone(task)
        eni = next((a for a in task.attachments if a["type"] == "ElasticNetworkInterface"), None)
        if eni is not None:
            eni["status"] = "PRECREATED"
            _address_in_subnet(task, eni)
        containers = []
        for definition in task_definition.container_definitions:
            container = Container(task_definition)
            container.task_arn = task.task_arn
            container.name = definition.get("name")
            container.image = definition.get("image")
            container.cpu = str(definition.get("cpu", 0))
            container.memory = (
                str(definition["memory"]) if definition.get("memory") is not None else None
            )
            container.memory_reservation = (
                str(definition["memoryReservation"])
                if definition.get("memoryReservation") is not None
                else None
            )
            container.exit_code = None
            container.exitCode = None
            container.health_status = "UNKNOWN"
            if eni is not None:
                details = {d["name"]: d["value"] for d in eni["details"]}
                container.network_interfaces = [
                    {
                        "attachmentId": eni["id"],
                        "privateIpv4Address": details.get("privateIPv4Address"),
                    }
                ]
            containers.append(container)
        task.containers = containers
        with self.lock:
            self.moving[id(task)] = task

    # -- a task is told to stop ----------------------------------------------------------
    def stop(self, task: Any, code: str, reason: str) -> None:
        """Desired STOPPED now; the task walks DEACTIVATING -> ... -> STOPPED by the clock."""
        if task.desired_status == "STOPPED":
            return
        now = self.clock.now()
        task.desired_status = "STOPPED"
        task.stop_code = code
        task.stopped_reason = reason
        task.stopping_at = _dt(now)
        task.version = getattr(task, "version", 1) + 1
        old = task.status
        if old in PENDING_STATES and old != "ACTIVATING":
            task.status = "DEPROVISIONING"  # never started: nothing to deactivate
        else:
            task.status = "DEACTIVATING"
        task._ecskit_since = now
        self._entered(task, task.status, now)
        self._notify(task, old, task.status)
        with self.lock:
            self.moving[id(task)] = task

    # -- time passes ---------------------------------------------------------------------
    def tick(self, deadline: float | None = None) -> bool:
        """Move every changing task to the state its time says; True if anything changed.

        With a `deadline` (time.monotonic()), stop there: the rest move on the next tick.
        """
        if not self.moving:
            return False
        now = self.clock.now()
        step = self.clock.duration()
        changed = False
        with self.lock:
            tasks = list(self.moving.values())
        for number, task in enumerate(tasks):
            if deadline is not None and number % 50 == 49 and time.monotonic() > deadline:
                break
            status = task._status
            since = getattr(task, "_ecskit_since", now)
            while status in NEXT and now >= since + step:
                nxt = NEXT[status]
                if nxt == "ACTIVATING" and task.desired_status == "RUNNING":
                    failure = startup_error(task)
                    if failure is not None:  # a secret, image or log group is missing
                        self._failed(task, failure, since + step)
                        nxt = "DEPROVISIONING"
                since = since + step
                old, status = status, nxt
                task.status = status
                self._entered(task, status, since)
                self._notify(task, old, status)
                changed = True
            task._ecskit_since = since
            if status in AT_REST:
                with self.lock:
                    self.moving.pop(id(task), None)
        return changed

    def _failed(self, task: Any, reason: str, when: float) -> None:
        task.desired_status = "STOPPED"
        task.stop_code = "TaskFailedToStart"
        task.stopped_reason = reason
        task.stopping_at = _dt(when)
        task.execution_stopped_at = _dt(when)
        for container in task.containers:
            container.last_status = "STOPPED"
            container.reason = reason

    def _entered(self, task: Any, status: str, when: float) -> None:
        at = _dt(when)
        eni = next((a for a in task.attachments if a["type"] == "ElasticNetworkInterface"), None)
        if status == "PENDING":
            task.connectivity = "CONNECTED"
            task.connectivity_at = at
            if eni is not None:
                eni["status"] = "ATTACHED"
            task.pull_started_at = at
        elif status == "ACTIVATING":
            task.pull_stopped_at = at
        elif status == "RUNNING":
            task.started_at = at
            task.health_status = "UNKNOWN"
            for container in task.containers:
                container.last_status = "RUNNING"
                container.runtime_id = f"{task.id[:32]}-{container.name}"
        elif status == "STOPPING":
            task.execution_stopped_at = at
            for container in task.containers:
                if container.last_status == "RUNNING":
                    container.exit_code = 0 if task.stop_code == "UserInitiated" else 143
                container.last_status = "STOPPED"
        elif status == "DEPROVISIONING":
            if eni is not None:
                eni["status"] = "DELETED"
            if getattr(task, "execution_stopped_at", None) is None:
                task.execution_stopped_at = at
            for container in task.containers:
                container.last_status = "STOPPED"
        elif status == "STOPPED":
            task.stopped_at = at
            if eni is not None:
                eni["status"] = "DELETED"
            for container in task.containers:
                container.last_status = "STOPPED"
        task.version = getattr(task, "version", 1) + 1

    def _notify(self, task: Any, old: str, new: str) -> None:
        for listener in self.listeners:
            listener(task, old, new)


def _address_in_subnet(task: Any, attachment: dict[str, Any]) -> None:
    """moto picks an awsvpc task's IP anywhere in 10/8; ECS takes it from the task's subnet."""
    from moto.ec2.models import ec2_backends
    from moto.ec2.utils import generate_dns_from_ip, random_private_ip

    details = {d["name"]: d for d in attachment["details"]}
    ec2 = ec2_backends[task._account_id][task.region_name]
    subnet = ec2.get_subnet(details["subnetId"]["value"])
    eni = ec2.get_network_interface(details["networkInterfaceId"]["value"])
    address = random_private_ip(subnet.cidr_block)
    eni.private_ip_address = address
    for entry in getattr(eni, "private_ip_addresses", []) or []:
        if entry.get("Primary"):
            entry["PrivateIpAddress"] = address
    details["privateIPv4Address"]["value"] = address
    details["privateDnsName"]["value"] = generate_dns_from_ip(address)


def _availability_zone(task: Any) -> str:
    """The task's subnet's zone (awsvpc), its instance's zone (EC2), else the region's first."""
    region = task.region_name
    try:
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[task._account_id][region]
        eni = next((a for a in task.attachments if a["type"] == "ElasticNetworkInterface"), None)
        if eni is not None:
            subnet = next(d["value"] for d in eni["details"] if d["name"] == "subnetId")
            return ec2.get_subnet(subnet).availability_zone
        if task.container_instance_arn:
            instances = task._backend.container_instances.get(task.cluster_name, {})
            ci = instances.get(task.container_instance_arn.split("/")[-1])
            if ci is not None:
                return ci.attributes.get("ecs.availability-zone") or f"{region}a"
    except Exception:  # a zone is a nicety; never fail a task for it
        pass
    return f"{region}a"
