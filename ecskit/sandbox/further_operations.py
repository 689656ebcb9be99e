"""The ECS operations beyond operations.py, one small mixin module each, gathered for EcsLayer.

Each module holds the `op_<Operation>` handlers of one family of ECS operations, with its
sources; `not_emulated` answers the operations the sandbox does not emulate yet.
"""

from __future__ import annotations

from .capacity_providers import CapacityProviders
from .container_instances import ContainerInstances
from .execute_command import ExecuteCommand
from .express import ExpressServices
from .not_emulated import NotEmulated
from .service_deployments import ServiceDeployments
from .settings import Settings
from .tags import Tags
from .task_definition_deletion import TaskDefinitionDeletion
from .task_protection import TaskProtection
from .task_sets import TaskSets


class FurtherOperations(
    TaskProtection,
    TaskSets,
    ContainerInstances,
    CapacityProviders,
    TaskDefinitionDeletion,
    Settings,
    Tags,
    ExecuteCommand,
    ServiceDeployments,
    ExpressServices,
    NotEmulated,
):
    """Every op_* handler of the modules above (mixed into EcsLayer after EcsOperations)."""
