"""The exercises of chapters 00–06 and 09–11, one small module each (07 and 08 have theirs in
`ecskit/course/`). Importing this package registers them with `ecskit.course.check`."""

from __future__ import annotations

from . import (  # noqa: F401  (each registers its exercise)
    capacity_strategy,
    cpu_alarm,
    default_namespace,
    first_cluster,
    inactive_revisions,
    read_only,
    replacement,
    service_connect_endpoint,
    target_group_fix,
    task_role,
    worker_size,
)
