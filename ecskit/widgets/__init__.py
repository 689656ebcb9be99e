"""The notebook face of ecskit: forms, console views and the clickable graph.

Widgets hold values and show problems; `ecskit.rules`, `ecskit.ops` and `ecskit.inventory`
decide. Names load lazily so that importing one widget does not import them all.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module (relative to this package)
_EXPORTS = {
    "explore": ".explorer",
    "Explorer": ".explorer",
    "TaskDefinitionForm": ".task_definition_form",
    "ClusterForm": ".cluster_form",
    "ServiceForm": ".service_form",
    "RunTaskForm": ".run_task_form",
    "UpdateServiceForm": ".update_service_form",
    "ExpressServiceForm": ".express_service_form",
    "ClustersView": ".clusters_view",
    "NamespacesView": ".namespaces_view",
    "TaskDefinitionsView": ".task_definitions_view",
    "RevisionDiff": ".revision_diff",
    "MonitoringView": ".monitoring_view",
    "DeploymentsView": ".deployments_view",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ecskit.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
