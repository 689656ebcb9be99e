"""ECS's documented rules as data and small pure functions over the API's own JSON.

`validate(kind, body)` returns the problems of a request body (RegisterTaskDefinition,
CreateCluster, CreateService, UpdateService or RunTask), each with a stable rule id, a
severity, a field path, a message and the AWS page it comes from.
"""

from __future__ import annotations

from .check import KINDS, validate
from .problem import RULES, Problem, Rule
from .sizes import (
    FARGATE_CPU_UNITS,
    FARGATE_SIZES,
    cpu_label,
    fargate_memory_options,
    memory_label,
    network_modes_for,
    parse_cpu,
    parse_memory,
)

__all__ = [
    "FARGATE_CPU_UNITS",
    "FARGATE_SIZES",
    "KINDS",
    "RULES",
    "Problem",
    "Rule",
    "cpu_label",
    "fargate_memory_options",
    "memory_label",
    "network_modes_for",
    "parse_cpu",
    "parse_memory",
    "validate",
]
