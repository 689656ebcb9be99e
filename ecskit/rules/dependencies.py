"""How containers depend on each other: health checks, dependsOn (and its cycles), links."""

from __future__ import annotations

from . import docs
from .fields import TD, as_int, as_str, container_path, dicts, strings
from .problem import ERROR, Problem, rule
from .task_facts import Checks, TaskFacts

HEALTH_RANGE = rule(
    "health-check.range",
    ERROR,
    TD,
    "Health check interval 5-300 s, timeout 2-60 s, retries 1-10, startPeriod 0-300 s.",
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

check = Checks()


# botocore 1.44.8 HealthCheck members (API_HealthCheck.html): "You may specify between 5 and 300
# seconds", "between 2 and 60 seconds", "between 1 and 10 retries", "between 0 and 300 seconds"
_HEALTH_RANGES = (
    ("interval", 5, 300),
    ("timeout", 2, 60),
    ("retries", 1, 10),
    ("startPeriod", 0, 300),
)


@check
def health_checks(facts: TaskFacts, out: list[Problem]) -> None:
    for index, container in facts.containers:
        health = container.get("healthCheck")
        if not isinstance(health, dict):
            continue
        at = f"{container_path(index)}.healthCheck"
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
            at = f"{container_path(index)}.dependsOn[{position}]"
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
                    f"{container_path(index)}.links",
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
                        f"{container_path(index)}.links[{position}]",
                        f"This link points to {reason}: link to another container by its name.",
                    )
                )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
