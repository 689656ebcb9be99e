"""Chapter 01: a staging cluster whose default capacity provider strategy you choose — one task
always on FARGATE, the rest three to one on FARGATE_SPOT — and predict where 9 tasks go.

Facts (botocore 1.44.8, `CapacityProviderStrategyItem`): "The base value designates how many
tasks, at a minimum, to run on the specified capacity provider"; "Only one capacity provider in a
strategy can have a base defined"; "The weight value designates the relative percentage of the
total number of tasks launched that should use the specified capacity provider. The weight value
is taken into consideration after the base value, if defined, is satisfied." FARGATE_SPOT tasks
"are interrupted with a two-minute warning" when AWS needs the capacity back.
"""

from __future__ import annotations

from typing import Any

from ..exercises import exercise
from ..result import Result
from .reading import API, GUIDE, cluster, mark

STRATEGY_DOCS = API + "API_CapacityProviderStrategyItem.html"
FARGATE_DOCS = GUIDE + "fargate-capacity-providers.html"
TASKS = 9
# base 1 on FARGATE, then 8 tasks split 1:3 -> 2 more on FARGATE, 6 on FARGATE_SPOT
SPOT_OF_9 = 6


@exercise(
    "01-staging",
    "a staging cluster that mostly runs on Spot",
    'Create cluster "staging" with Container Insights on, FARGATE and FARGATE_SPOT, and a default '
    "capacity provider strategy that keeps one task on FARGATE and puts the rest three to one on "
    "FARGATE_SPOT; predict how many of 9 tasks run on FARGATE_SPOT.",
    answers=("spot_tasks_of_9",),
)
def _staging(session: Any, result: Result, spot_tasks_of_9: Any = None) -> None:
    found = cluster(session, "staging")
    result.add(
        found is not None,
        "an ACTIVE cluster named staging",
        'session.ecs.create_cluster(clusterName="staging", ...) or the ClusterForm',
        API + "API_CreateCluster.html",
    )
    if found is None:
        first = "create the cluster staging"
        result.waiting(
            "Container Insights is on", first, GUIDE + "cloudwatch-container-insights.html"
        )
        result.waiting("capacity providers FARGATE and FARGATE_SPOT", first, FARGATE_DOCS)
        result.waiting("one task always on FARGATE (base 1)", first, STRATEGY_DOCS)
        result.waiting("the rest three to one on FARGATE_SPOT (weights)", first, STRATEGY_DOCS)
    else:
        settings = {s["name"]: s["value"] for s in found.get("settings") or []}
        result.add(
            settings.get("containerInsights") in ("enabled", "enhanced"),
            "Container Insights is on",
            'settings=[{"name": "containerInsights", "value": "enabled"}] '
            "(update_cluster_settings changes it on an existing cluster)",
            GUIDE + "cloudwatch-container-insights.html",
        )
        providers = set(found.get("capacityProviders") or [])
        result.add(
            {"FARGATE", "FARGATE_SPOT"} <= providers,
            "capacity providers FARGATE and FARGATE_SPOT "
            f"({', '.join(sorted(providers)) or 'none'})",
            "a strategy may only name providers associated with the cluster: "
            'capacityProviders=["FARGATE", "FARGATE_SPOT"] (put_cluster_capacity_providers)',
            FARGATE_DOCS,
        )
        strategy = {
            item["capacityProvider"]: item
            for item in found.get("defaultCapacityProviderStrategy") or []
        }
        fargate, spot = strategy.get("FARGATE", {}), strategy.get("FARGATE_SPOT", {})
        result.add(
            fargate.get("base") == 1 and not spot.get("base"),
            f"one task always on FARGATE (base {fargate.get('base', 0)} on FARGATE)",
            "base is how many tasks at least go to a provider before weights count, and only one "
            'provider may have one: {"capacityProvider": "FARGATE", "base": 1, "weight": 1}',
            STRATEGY_DOCS,
        )
        weights = (fargate.get("weight", 0), spot.get("weight", 0))
        result.add(
            weights[0] > 0 and weights[1] == 3 * weights[0],
            f"the rest three to one on FARGATE_SPOT (weights FARGATE {weights[0]}, "
            f"FARGATE_SPOT {weights[1]})",
            "weights are relative, counted after the base: FARGATE weight 1 and FARGATE_SPOT "
            "weight 3 send three tasks to Spot for each one on Fargate",
            STRATEGY_DOCS,
        )
    mark(
        result,
        f"tasks of {TASKS} on FARGATE_SPOT",
        spot_tasks_of_9,
        SPOT_OF_9,
        "the base is served first (1 on FARGATE), then the other 8 split by weight 1:3 — 2 on "
        "FARGATE, 6 on FARGATE_SPOT",
        STRATEGY_DOCS,
        'check("01-staging", session, spot_tasks_of_9=...)',
    )
