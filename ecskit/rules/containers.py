"""Container rules of a task definition: names, memory and cpu, ports, logs, health checks,
dependencies, links, volumes and environment."""

from __future__ import annotations

import re

from . import docs
from .fields import NAME, as_dict, as_int, as_list, as_str, dicts, strings
from .problem import ERROR, WARNING, Problem, rule
from .task_facts import Checks, TaskFacts, log_driver, port_mappings

TD = ("task-definition",)
RESERVED_HOST_PORTS = (22, 2375, 2376, 51678, 51679, 51680)
MIN_CONTAINER_MEMORY = 6  # MiB: Docker 20.10+ reserves 6 MiB
AWSLOGS_OPTIONS = (
    "awslogs-create-group",
    "awslogs-datetime-format",
    "awslogs-endpoint",
    "awslogs-group",
    "awslogs-multiline-pattern",
    "awslogs-region",
    "awslogs-stream-prefix",
    "max-buffer-size",
    "mode",
)
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PWD$|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)",
    re.IGNORECASE,
)
SECRET_VALUE = re.compile(r"(^(AKIA|ASIA)[0-9A-Z]{16}$|-----BEGIN [A-Z ]*PRIVATE KEY-----)")

CONTAINER_NAME = rule(
    "names.container",
    ERROR,
    TD,
    "Each container has a name: up to 255 letters, numbers, hyphens and underscores.",
    docs.CONTAINER_DEFINITION,
)
CONTAINER_UNIQUE = rule(
    "names.container-unique",
    ERROR,
    TD,
    "Container names are unique within a task definition.",
    docs.CONTAINER_DEFINITION,
)
IMAGE = rule(
    "container.image",
    ERROR,
    TD,
    "Each container names the image to run (repository-url/image:tag).",
    docs.CONTAINER_DEFINITION,
)
ESSENTIAL = rule(
    "container.essential",
    ERROR,
    TD,
    "At least one container is essential.",
    docs.CONTAINER_DEFINITION,
)
MEMORY_REQUIRED = rule(
    "memory.container-required",
    ERROR,
    TD,
    "Without task-level memory (EC2), each container sets memory or memoryReservation.",
    docs.CONTAINER_DEFINITION,
)
MEMORY_MINIMUM = rule(
    "memory.container-minimum",
    ERROR,
    TD,
    "Container memory and memoryReservation are at least 6 MiB.",
    docs.CONTAINER_DEFINITION,
)
RESERVATION = rule(
    "memory.reservation-above-limit",
    ERROR,
    TD,
    "A container's memoryReservation (soft limit) is below its memory (hard limit).",
    docs.CONTAINER_DEFINITION,
)
MEMORY_TOTAL = rule(
    "memory.task-total",
    ERROR,
    TD,
    "The containers' memory fits in the task memory.",
    docs.TASK_DEFINITION,
)
CPU_TOTAL = rule(
    "cpu.task-total",
    ERROR,
    TD,
    "The containers' cpu units add up to no more than the task cpu.",
    docs.TASK_DEFINITION,
)
PORT_REQUIRED = rule(
    "ports.container-port",
    ERROR,
    TD,
    "Each port mapping has a containerPort (or a containerPortRange) from 1 to 65535.",
    docs.PORT_MAPPING,
)
PORT_RANGE = rule(
    "ports.range",
    ERROR,
    TD,
    "hostPort is 0 to 65535.",
    docs.PORT_MAPPING,
)
HOST_EQUALS_CONTAINER = rule(
    "ports.host-equals-container",
    ERROR,
    TD,
    "With awsvpc or host networking, hostPort is left out or equals containerPort.",
    docs.PORT_MAPPING,
)
NONE_NO_PORTS = rule(
    "ports.none-network-mode",
    ERROR,
    TD,
    "With networkMode none, containers have no port mappings.",
    docs.TASK_DEFINITION,
)
RESERVED = rule(
    "ports.reserved",
    ERROR,
    TD,
    "Host ports 22, 2375, 2376 and 51678-51680 are reserved on container instances.",
    docs.PORT_MAPPING,
)
DUPLICATE_PORT = rule(
    "ports.duplicate",
    ERROR,
    TD,
    "A host port (and protocol) is mapped once per task.",
    docs.PORT_MAPPING,
)
AWSLOGS = rule(
    "logs.awslogs-options",
    ERROR,
    TD,
    "The awslogs driver needs the options awslogs-group and awslogs-region.",
    docs.AWSLOGS,
)
AWSLOGS_OPTION = rule(
    "logs.awslogs-option-name",
    WARNING,
    TD,
    "awslogs options are awslogs-group, awslogs-region, awslogs-stream-prefix, "
    "awslogs-create-group, awslogs-datetime-format, awslogs-multiline-pattern, awslogs-endpoint, "
    "mode, max-buffer-size.",
    docs.AWSLOGS,
)
STREAM_PREFIX = rule(
    "logs.awslogs-stream-prefix",
    WARNING,
    TD,
    "On Fargate, awslogs-stream-prefix ties each log stream to its container and task.",
    docs.AWSLOGS,
)
FIRELENS = rule(
    "logs.firelens-router",
    ERROR,
    TD,
    "The awsfirelens log driver needs a log router container (firelensConfiguration).",
    docs.FIRELENS,
)
HEALTH_RANGE = rule(
    "health-check.range",
    ERROR,
    TD,
    "Health check interval 5-300 s, timeout 2-120 s, retries 1-10, startPeriod 0-300 s.",
    docs.HEALTH_CHECK,
)
HEALTH_COMMAND = rule(
    "health-check.command",
    ERROR,
    TD,
    'A health check command starts with "CMD" or "CMD-SHELL".',
    docs.HEALTH_CHECK,
)
DEPENDS_TARGET = rule(
    "depends-on.container",
    ERROR,
    TD,
    "dependsOn names another container of the same task definition.",
    docs.CONTAINER_DEPENDENCY,
)
DEPENDS_HEALTHY = rule(
    "depends-on.healthy-needs-health-check",
    ERROR,
    TD,
    "A HEALTHY dependency is on a container that has a healthCheck.",
    docs.CONTAINER_DEPENDENCY,
)
DEPENDS_ESSENTIAL = rule(
    "depends-on.exit-of-essential",
    ERROR,
    TD,
    "COMPLETE and SUCCESS dependencies are on containers that are not essential.",
    docs.CONTAINER_DEPENDENCY,
)
DEPENDS_CYCLE = rule(
    "depends-on.cycle",
    ERROR,
    TD,
    "Container dependencies do not go round in a circle.",
    docs.CONTAINER_DEPENDENCY,
)
LINKS_MODE = rule(
    "links.bridge-only",
    ERROR,
    TD,
    "links work only with the bridge network mode (not awsvpc, host, none or Windows).",
    docs.CONTAINER_DEFINITION,
)
LINKS_TARGET = rule(
    "links.container",
    ERROR,
    TD,
    'A link is "name" or "name:alias" of another container in the task definition.',
    docs.CONTAINER_DEFINITION,
)
VOLUME_NAME = rule(
    "volumes.name",
    ERROR,
    TD,
    "Each volume has a unique name: up to 255 letters, numbers, hyphens and underscores.",
    docs.VOLUME,
)
SOURCE_VOLUME = rule(
    "volumes.source-volume",
    ERROR,
    TD,
    "A mount point's sourceVolume names a volume of the task definition, and has a containerPath.",
    docs.MOUNT_POINT,
)
VOLUMES_FROM = rule(
    "volumes.volumes-from",
    ERROR,
    TD,
    "volumesFrom names another container of the task definition.",
    docs.CONTAINER_DEFINITION,
)
PLAIN_SECRET = rule(
    "environment.secret-value",
    WARNING,
    TD,
    "A secret-looking value in plain environment: anyone who can read the task definition sees "
    "it; use secrets.",
    docs.SECRETS,
)

check = Checks()


def _at(index: int) -> str:
    return f"containerDefinitions[{index}]"


@check
def names_and_images(facts: TaskFacts, out: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for index, container in facts.containers:
        name = container.get("name")
        text = as_str(name)
        if not text:
            out.append(CONTAINER_NAME.at(f"{_at(index)}.name", "Give this container a name."))
        elif not NAME.match(text):
            out.append(
                CONTAINER_NAME.at(
                    f"{_at(index)}.name",
                    f"Container name {text!r} may only use letters, numbers, hyphens and "
                    "underscores, up to 255 characters.",
                )
            )
        elif text in seen:
            out.append(
                CONTAINER_UNIQUE.at(
                    f"{_at(index)}.name",
                    f"Container name {text!r} is already used by container {seen[text] + 1}: "
                    "rename one.",
                )
            )
        else:
            seen[text] = index
        image = container.get("image")
        if image is None or (isinstance(image, str) and not image.strip()):
            out.append(
                IMAGE.at(
                    f"{_at(index)}.image",
                    "Give this container an image, e.g. public.ecr.aws/nginx/nginx:latest.",
                )
            )
        elif isinstance(image, str) and (image != image.strip() or " " in image):
            out.append(IMAGE.at(f"{_at(index)}.image", "An image name has no spaces: remove them."))


@check
def essential(facts: TaskFacts, out: list[Problem]) -> None:
    if facts.containers and all(c.get("essential") is False for _, c in facts.containers):
        out.append(
            ESSENTIAL.at(
                "containerDefinitions",
                "Mark at least one container essential (essential: true): the task stops when "
                "an essential container stops.",
            )
        )


@check
def memory(facts: TaskFacts, out: list[Problem]) -> None:
    reserved_total = 0
    for index, container in facts.containers:
        at = _at(index)
        hard = as_int(container.get("memory"))
        soft = as_int(container.get("memoryReservation"))
        if facts.memory is None and not facts.fargate and hard is None and soft is None:
            out.append(
                MEMORY_REQUIRED.at(
                    f"{at}.memory",
                    "Set memory or memoryReservation for this container, or a task-level memory.",
                )
            )
        for name, value in (("memory", hard), ("memoryReservation", soft)):
            if value is not None and value < MIN_CONTAINER_MEMORY:
                out.append(
                    MEMORY_MINIMUM.at(
                        f"{at}.{name}", f"{name} must be at least 6 MiB, not {value}."
                    )
                )
        if hard is not None and soft is not None and soft > hard:
            out.append(
                RESERVATION.at(
                    f"{at}.memoryReservation",
                    f"memoryReservation ({soft} MiB) must not exceed memory ({hard} MiB): lower "
                    "it or raise memory.",
                )
            )
        if facts.memory is not None and hard is not None and hard > facts.memory:
            out.append(
                MEMORY_TOTAL.at(
                    f"{at}.memory",
                    f"This container's memory ({hard} MiB) exceeds the task memory "
                    f"({facts.memory} MiB): lower it or raise the task memory.",
                )
            )
        reserved_total += soft if soft is not None else (hard or 0)
    if facts.memory is not None and reserved_total > facts.memory:
        out.append(
            MEMORY_TOTAL.at(
                "memory",
                f"The containers reserve {reserved_total} MiB, more than the task memory "
                f"({facts.memory} MiB): raise the task memory or lower the containers'.",
            )
        )


@check
def cpu(facts: TaskFacts, out: list[Problem]) -> None:
    if facts.cpu is None:
        return
    total = sum(as_int(c.get("cpu")) or 0 for _, c in facts.containers)
    if total > facts.cpu:
        out.append(
            CPU_TOTAL.at(
                "cpu",
                f"The containers ask for {total} CPU units, more than the task cpu "
                f"({facts.cpu}): raise the task cpu or lower the containers'.",
            )
        )


@check
def ports(facts: TaskFacts, out: list[Problem]) -> None:
    mode = facts.network_mode
    used: dict[tuple[int, str], str] = {}
    for index, container in facts.containers:
        mappings = port_mappings(container)
        if mode == "none" and as_list(container.get("portMappings")):
            out.append(
                NONE_NO_PORTS.at(
                    f"{_at(index)}.portMappings",
                    "With networkMode none there is no network: remove the port mappings or "
                    "choose another network mode.",
                )
            )
            continue
        for position, mapping in mappings:
            at = f"{_at(index)}.portMappings[{position}]"
            container_port = as_int(mapping.get("containerPort"))
            host_port = as_int(mapping.get("hostPort"))
            if container_port is None and "containerPortRange" not in mapping:
                if "containerPort" not in mapping:
                    out.append(
                        PORT_REQUIRED.at(
                            f"{at}.containerPort",
                            "Set containerPort: the port your app listens on.",
                        )
                    )
            elif container_port is not None and not 1 <= container_port <= 65535:
                out.append(
                    PORT_REQUIRED.at(
                        f"{at}.containerPort",
                        f"containerPort is 1 to 65535, not {container_port}.",
                    )
                )
            if host_port is not None and not 0 <= host_port <= 65535:
                out.append(
                    PORT_RANGE.at(f"{at}.hostPort", f"hostPort is 0 to 65535, not {host_port}.")
                )
                continue
            if (
                mode in ("awsvpc", "host")
                and host_port is not None
                and container_port is not None
                and host_port != container_port
            ):
                out.append(
                    HOST_EQUALS_CONTAINER.at(
                        f"{at}.hostPort",
                        f"With {mode} networking hostPort must equal containerPort "
                        f"({container_port}) or be left out, not {host_port}.",
                    )
                )
                continue
            effective = host_port if mode == "bridge" else (host_port or container_port)
            if not effective:
                continue  # bridge: 0 or left out is a dynamic port
            if mode in ("bridge", "host") and effective in RESERVED_HOST_PORTS:
                out.append(
                    RESERVED.at(
                        f"{at}.hostPort" if host_port else f"{at}.containerPort",
                        f"Host port {effective} is reserved on container instances (SSH, Docker, "
                        "the ECS agent): choose another.",
                    )
                )
            key = (effective, as_str(mapping.get("protocol")) or "tcp")
            if key in used:
                out.append(
                    DUPLICATE_PORT.at(
                        f"{at}.hostPort" if host_port else f"{at}.containerPort",
                        f"Port {effective}/{key[1]} is already mapped at {used[key]}: each host "
                        "port is used once per task.",
                    )
                )
            else:
                used[key] = at


@check
def logs(facts: TaskFacts, out: list[Problem]) -> None:
    routers = [c for _, c in facts.containers if isinstance(c.get("firelensConfiguration"), dict)]
    for index, container in facts.containers:
        driver = log_driver(container)
        at = f"{_at(index)}.logConfiguration"
        options = as_dict(as_dict(container.get("logConfiguration")).get("options"))
        if driver == "awslogs":
            missing = [o for o in ("awslogs-group", "awslogs-region") if not options.get(o)]
            if missing:
                out.append(
                    AWSLOGS.at(
                        f"{at}.options",
                        f"The awslogs driver needs {' and '.join(missing)} in its options.",
                    )
                )
            for name in options:
                if name not in AWSLOGS_OPTIONS:
                    out.append(
                        AWSLOGS_OPTION.at(
                            f"{at}.options.{name}",
                            f"awslogs has no option {name!r}: check its spelling.",
                        )
                    )
            if facts.fargate and not options.get("awslogs-stream-prefix"):
                out.append(
                    STREAM_PREFIX.at(
                        f"{at}.options",
                        "Add awslogs-stream-prefix (e.g. the container name) so each log "
                        "stream names its container and task.",
                    )
                )
        if driver == "awsfirelens" and not routers:
            out.append(
                FIRELENS.at(
                    f"{at}.logDriver",
                    "awsfirelens needs a log router container with firelensConfiguration "
                    "(e.g. aws-for-fluent-bit) in this task definition.",
                )
            )


_HEALTH_RANGES = (
    ("interval", 5, 300),
    ("timeout", 2, 120),
    ("retries", 1, 10),
    ("startPeriod", 0, 300),
)


@check
def health_checks(facts: TaskFacts, out: list[Problem]) -> None:
    for index, container in facts.containers:
        health = container.get("healthCheck")
        if not isinstance(health, dict):
            continue
        at = f"{_at(index)}.healthCheck"
        for name, low, high in _HEALTH_RANGES:
            value = as_int(health.get(name))
            if value is not None and not low <= value <= high:
                out.append(
                    HEALTH_RANGE.at(
                        f"{at}.{name}", f"healthCheck {name} is {low} to {high}, not {value}."
                    )
                )
        command = health.get("command")
        if isinstance(command, list) and (not command or command[0] not in ("CMD", "CMD-SHELL")):
            out.append(
                HEALTH_COMMAND.at(
                    f"{at}.command",
                    'Start the health check command with "CMD" (run directly) or "CMD-SHELL" '
                    '(run in a shell), e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"].',
                )
            )


@check
def depends_on(facts: TaskFacts, out: list[Problem]) -> None:
    by_name = {as_str(c.get("name")): c for _, c in facts.containers if as_str(c.get("name"))}
    graph: dict[str, list[str]] = {}
    for index, container in facts.containers:
        own = as_str(container.get("name"))
        for position, dependency in dicts(container.get("dependsOn")):
            at = f"{_at(index)}.dependsOn[{position}]"
            target = as_str(dependency.get("containerName"))
            condition = dependency.get("condition")
            if not target:
                continue  # model.required says it
            if target == own:
                out.append(
                    DEPENDS_TARGET.at(f"{at}.containerName", "A container cannot depend on itself.")
                )
                continue
            if target not in by_name:
                out.append(
                    DEPENDS_TARGET.at(
                        f"{at}.containerName",
                        f"There is no container named {target!r} in this task definition.",
                    )
                )
                continue
            graph.setdefault(own, []).append(target)
            other = by_name[target]
            if condition == "HEALTHY" and not isinstance(other.get("healthCheck"), dict):
                out.append(
                    DEPENDS_HEALTHY.at(
                        f"{at}.condition",
                        f"{target} has no healthCheck, so it never becomes HEALTHY: add one or "
                        "use START.",
                    )
                )
            if condition in ("COMPLETE", "SUCCESS") and other.get("essential") is not False:
                out.append(
                    DEPENDS_ESSENTIAL.at(
                        f"{at}.condition",
                        f"{condition} waits for {target} to exit, so {target} must not be "
                        "essential: set its essential to false or use START.",
                    )
                )
    cycle = _cycle(graph)
    if cycle:
        out.append(
            DEPENDS_CYCLE.at(
                "containerDefinitions",
                f"The containers depend on each other in a circle ({' -> '.join(cycle)}): "
                "none of them can start. Remove one dependency.",
            )
        )


def _cycle(graph: dict[str, list[str]]) -> list[str]:
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        trail.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        trail.pop()
        state[node] = 2
        return []

    for start in list(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return []


@check
def links(facts: TaskFacts, out: list[Problem]) -> None:
    names = facts.container_names()
    for index, container in facts.containers:
        items = strings(container.get("links"))
        if not items:
            continue
        if facts.network_mode != "bridge":
            out.append(
                LINKS_MODE.at(
                    f"{_at(index)}.links",
                    f"links work only with the bridge network mode, not {facts.network_mode}: "
                    "remove them (containers of an awsvpc task reach each other on localhost).",
                )
            )
            continue
        own = as_str(container.get("name"))
        for position, link in enumerate(items):
            target = link.split(":", 1)[0]
            if target == own or target not in names:
                reason = "itself" if target == own else f"{target!r}, which is not in the task"
                out.append(
                    LINKS_TARGET.at(
                        f"{_at(index)}.links[{position}]",
                        f"This link points to {reason}: link to another container by its name.",
                    )
                )


@check
def volumes(facts: TaskFacts, out: list[Problem]) -> None:
    declared: set[str] = set()
    for index, volume in dicts(facts.body.get("volumes")):
        name = as_str(volume.get("name"))
        if not name or not NAME.match(name):
            out.append(
                VOLUME_NAME.at(
                    f"volumes[{index}].name",
                    "Give the volume a name of letters, numbers, hyphens and underscores.",
                )
            )
        elif name in declared:
            out.append(
                VOLUME_NAME.at(f"volumes[{index}].name", f"Volume {name!r} is declared twice.")
            )
        declared.add(name)
    names = facts.container_names()
    for index, container in facts.containers:
        own = as_str(container.get("name"))
        for position, mount in dicts(container.get("mountPoints")):
            at = f"{_at(index)}.mountPoints[{position}]"
            source = mount.get("sourceVolume")
            if isinstance(source, str) and source not in declared:
                out.append(
                    SOURCE_VOLUME.at(
                        f"{at}.sourceVolume",
                        f"No volume named {source!r}: add it under volumes or fix the name.",
                    )
                )
            if not as_str(mount.get("containerPath")):
                out.append(
                    SOURCE_VOLUME.at(
                        f"{at}.containerPath", "Set containerPath: where the volume appears."
                    )
                )
        for position, source in dicts(container.get("volumesFrom")):
            target = as_str(source.get("sourceContainer"))
            if target and (target == own or target not in names):
                out.append(
                    VOLUMES_FROM.at(
                        f"{_at(index)}.volumesFrom[{position}].sourceContainer",
                        f"volumesFrom needs another container of this task, not {target!r}.",
                    )
                )


@check
def environment(facts: TaskFacts, out: list[Problem]) -> None:
    for index, container in facts.containers:
        for position, variable in dicts(container.get("environment")):
            name, value = as_str(variable.get("name")), as_str(variable.get("value"))
            if value and (SECRET_NAME.search(name) or SECRET_VALUE.search(value)):
                out.append(
                    PLAIN_SECRET.at(
                        f"{_at(index)}.environment[{position}].value",
                        f"{name or 'This variable'} looks like a secret in plain text: move it to "
                        "secrets (Secrets Manager or Parameter Store).",
                    )
                )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
