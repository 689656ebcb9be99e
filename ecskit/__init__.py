"""ecskit: Amazon ECS in a notebook.

The face of the package: names are re-exported lazily so that `import ecskit` stays as light as
`import boto3` (moto, ipywidgets, graphviz and JupyterLab load only when used).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "connect": "ecskit.backend",
    "Session": "ecskit.backend",
    "ConnectError": "ecskit.backend",
    "ReadOnlyError": "ecskit.backend",
    "Sandbox": "ecskit.sandbox",
    "validate": "ecskit.rules",
    "Problem": "ecskit.rules",
    "snapshot": "ecskit.inventory",
    "Inventory": "ecskit.inventory",
    "draw": "ecskit.graph",
    "explore": "ecskit.widgets",
    "TaskDefinitionForm": "ecskit.widgets",
    "ClusterForm": "ecskit.widgets",
    "ServiceForm": "ecskit.widgets",
    "RunTaskForm": "ecskit.widgets",
    "UpdateServiceForm": "ecskit.widgets",
    "ExpressServiceForm": "ecskit.widgets",
    "ClustersView": "ecskit.widgets",
    "NamespacesView": "ecskit.widgets",
    "TaskDefinitionsView": "ecskit.widgets",
    "RevisionDiff": "ecskit.widgets",
    "MonitoringView": "ecskit.widgets",
    "DeploymentsView": "ecskit.widgets",
    "diagnose": "ecskit.diagnosis",
    "Diagnosis": "ecskit.diagnosis",
    "endpoints": "ecskit.service_connect",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ecskit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
