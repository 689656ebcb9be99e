"""Task placement (constraints and strategies), ECS Anywhere limits and Service Connect ports
for services and run-task."""

from __future__ import annotations

import re
from typing import Any

from . import docs, strategy
from .fields import as_dict, as_list, as_str, dicts
from .problem import ERROR, Problem, rule

PLACED = ("service", "update-service", "run-task")

FARGATE_PLACEMENT = rule(
    "fargate.placement",
    ERROR,
    PLACED,
    "Fargate tasks take no placement constraints or strategies (Fargate spreads them across "
    "Availability Zones).",
    docs.TASK_PLACEMENT,
)
CONSTRAINT = rule(
    "placement.constraint-expression",
    ERROR,
    PLACED,
    "A memberOf constraint has an expression; a distinctInstance constraint has none.",
    docs.PLACEMENT_CONSTRAINT,
)
STRATEGY_FIELD = rule(
    "placement.strategy-field",
    ERROR,
    PLACED,
    "binpack uses the field cpu or memory, spread a field such as instanceId or "
    "attribute:ecs.availability-zone, random no field.",
    docs.PLACEMENT_STRATEGY,
)
LIMITS = rule(
    "placement.limits",
    ERROR,
    PLACED,
    "At most 10 placement constraints and 5 placement strategies.",
    docs.TASK_PLACEMENT,
)
EXTERNAL = rule(
    "external.unsupported",
    ERROR,
    ("service", "update-service"),
    "Services on external instances (ECS Anywhere) use no load balancers, service discovery "
    "or Service Connect.",
    docs.ANYWHERE,
)
CLIENT_ALIAS = rule(
    "service-connect.client-alias",
    ERROR,
    ("service", "update-service"),
    "Each Service Connect service has exactly one client alias, with a port from 1 to 65535; its "
    "dnsName, if given, is up to 127 lowercase letters, digits, _, - and ., not starting with -.",
    docs.SERVICE_CONNECT_CLIENT_ALIAS,
)
DISCOVERY_NAME = rule(
    "service-connect.discovery-name",
    ERROR,
    ("service", "update-service"),
    "A Service Connect discoveryName is up to 64 lowercase letters, digits, _ and -, not "
    "starting with -.",
    docs.SERVICE_CONNECT_SERVICE,
)
PORT_NAME = rule(
    "service-connect.port-name",
    ERROR,
    ("service", "update-service"),
    "Each Service Connect service's portName is the name of a port mapping in the task definition.",
    docs.SERVICE_CONNECT_SERVICE,
)


def _fargate(body: dict[str, Any]) -> bool:
    launch = as_str(body.get("launchType"))
    return launch == "FARGATE" or (
        not launch and strategy.uses_fargate(body.get("capacityProviderStrategy"))
    )


def run(
    kind: str, body: dict[str, Any], revision: dict[str, Any] | None, out: list[Problem]
) -> None:
    constraints = as_list(body.get("placementConstraints"))
    strategies = as_list(body.get("placementStrategy"))
    if _fargate(body):
        for name, items in (
            ("placementConstraints", constraints),
            ("placementStrategy", strategies),
        ):
            if items:
                out.append(
                    FARGATE_PLACEMENT.at(
                        name,
                        f"Fargate tasks take no {name}: remove it (Fargate places tasks "
                        "across Availability Zones itself).",
                    )
                )
    if len(constraints) > 10:
        out.append(LIMITS.at("placementConstraints", "Use at most 10 placement constraints."))
    if len(strategies) > 5:
        out.append(LIMITS.at("placementStrategy", "Use at most 5 placement strategies."))
    for index, constraint in dicts(constraints):
        expression = as_str(constraint.get("expression")).strip()
        kind_of = constraint.get("type")
        at = f"placementConstraints[{index}].expression"
        if kind_of == "memberOf" and not expression:
            out.append(
                CONSTRAINT.at(
                    at,
                    "A memberOf constraint needs an expression, e.g. "
                    "attribute:ecs.instance-type =~ t3.*.",
                )
            )
        if kind_of == "distinctInstance" and expression:
            out.append(
                CONSTRAINT.at(at, "A distinctInstance constraint takes no expression: remove it.")
            )
    for index, item in dicts(strategies):
        field = as_str(item.get("field"))
        kind_of = item.get("type")
        at = f"placementStrategy[{index}].field"
        if kind_of == "binpack" and field.lower() not in ("cpu", "memory"):
            out.append(
                STRATEGY_FIELD.at(at, f"binpack packs by cpu or memory, not {field or 'nothing'}.")
            )
        elif kind_of == "random" and field:
            out.append(STRATEGY_FIELD.at(at, "random takes no field: remove it."))
        elif kind_of == "spread" and not field:
            out.append(
                STRATEGY_FIELD.at(
                    at, "spread needs a field, e.g. attribute:ecs.availability-zone or instanceId."
                )
            )
    if kind in ("service", "update-service"):
        _external(body, out)
        _service_connect_names(body, out)
        if revision is not None:
            _service_connect(body, revision, out)


def _external(body: dict[str, Any], out: list[Problem]) -> None:
    if body.get("launchType") != "EXTERNAL":
        return
    connect = as_dict(body.get("serviceConnectConfiguration"))
    for name, used in (
        ("loadBalancers", bool(as_list(body.get("loadBalancers")))),
        ("serviceRegistries", bool(as_list(body.get("serviceRegistries")))),
        ("serviceConnectConfiguration", connect.get("enabled") is True),
    ):
        if used:
            out.append(
                EXTERNAL.at(name, f"Services on external instances cannot use {name}: remove it.")
            )


DNS_NAME = re.compile(r"^[a-z0-9_.][a-z0-9_.-]{0,126}$")
DISCOVERY = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,63}$")


def _service_connect_names(body: dict[str, Any], out: list[Problem]) -> None:
    """The names and ports other services connect with (ServiceConnectService, ClientAlias)."""
    connect = as_dict(body.get("serviceConnectConfiguration"))
    for index, item in dicts(connect.get("services")):
        at = f"serviceConnectConfiguration.services[{index}]"
        discovery = item.get("discoveryName")
        if discovery is not None and not DISCOVERY.match(as_str(discovery)):
            out.append(
                DISCOVERY_NAME.at(
                    f"{at}.discoveryName",
                    f"discoveryName {discovery!r} must be up to 64 lowercase letters, digits, _ "
                    "and -, not starting with - (or leave it out: the port name is used).",
                )
            )
        aliases = as_list(item.get("clientAliases"))
        if len(aliases) != 1:
            out.append(
                CLIENT_ALIAS.at(
                    f"{at}.clientAliases",
                    f"Give exactly one client alias (a port, and optionally a DNS name) for other "
                    f"services to connect to; there are {len(aliases)}.",
                )
            )
        for number, alias in dicts(aliases):
            port = alias.get("port")
            if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
                out.append(
                    CLIENT_ALIAS.at(
                        f"{at}.clientAliases[{number}].port",
                        f"The client alias port must be a whole number from 1 to 65535 "
                        f"(not {port!r}): the port other services connect to.",
                    )
                )
            dns = alias.get("dnsName")
            if dns is not None and not DNS_NAME.match(as_str(dns)):
                out.append(
                    CLIENT_ALIAS.at(
                        f"{at}.clientAliases[{number}].dnsName",
                        f"The DNS name {dns!r} must be up to 127 lowercase letters, digits, _, - "
                        "and ., not starting with - (like web or web.shop.local).",
                    )
                )


def _service_connect(body: dict[str, Any], revision: dict[str, Any], out: list[Problem]) -> None:
    connect = as_dict(body.get("serviceConnectConfiguration"))
    names = {
        as_str(mapping.get("name"))
        for _, container in dicts(revision.get("containerDefinitions"))
        for _, mapping in dicts(container.get("portMappings"))
    } - {""}
    for index, item in dicts(connect.get("services")):
        port_name = as_str(item.get("portName"))
        if port_name and port_name not in names:
            known = ", ".join(sorted(names)) or "none: add a name to a port mapping"
            out.append(
                PORT_NAME.at(
                    f"serviceConnectConfiguration.services[{index}].portName",
                    f"No port mapping of the task definition is named {port_name!r} "
                    f"(named ports: {known}).",
                )
            )
