"""Chapter 05: a Service Connect server the learner creates, and two predictions — the endpoint
a client uses to reach it when it names neither discoveryName nor dnsName, and how many tasks
that endpoint leads to once the server is scaled.

Facts (botocore 1.44.8): "If the discoveryName isn't specified, the port mapping name from the
task definition is used in portName.namespace" (ServiceConnectService.discoveryName); the client
alias's dnsName defaults to "discoveryName.namespace" (ServiceConnectClientAlias.dnsName); "If a
client-server service adds tasks by scaling out, new connections from clients will be balanced
between all of the tasks" (guide, service-connect-concepts-deploy.html).
"""

from __future__ import annotations

from typing import Any

from ...service_connect import endpoints
from ..exercises import exercise
from ..result import Result
from .reading import API, GUIDE, mark, service

DEPLOY_DOCS = GUIDE + "service-connect-concepts-deploy.html"
ALIAS_DOCS = API + "API_ServiceConnectClientAlias.html"
ASK = 'check("05-endpoint", session, endpoint=..., stock_tasks=...)'
SERVER = {"portName": "http", "clientAliases": [{"port": 8080}]}


@exercise(
    "05-endpoint",
    "a Service Connect server and what its clients reach",
    'Create service "stock" in cluster course from web:1 as a Service Connect server '
    f"(services=[{SERVER}], no namespace), then scale it to 3 tasks; predict the endpoint "
    "(dnsName:port) a client of the namespace uses to reach it, and how many tasks it leads to.",
    answers=("endpoint", "stock_tasks"),
)
def _endpoint(session: Any, result: Result, endpoint: Any = None, stock_tasks: Any = None) -> None:
    stock = service(session, "course", "stock")
    result.add(
        stock is not None,
        "an ACTIVE service stock in cluster course",
        'session.ecs.create_service(cluster="course", serviceName="stock", taskDefinition="web:1", '
        "..., serviceConnectConfiguration=...)",
        API + "API_CreateService.html",
    )
    primary = next(
        (d for d in (stock or {}).get("deployments") or [] if d.get("status") == "PRIMARY"), {}
    )
    resources = primary.get("serviceConnectResources") or []
    if stock is None:
        result.waiting("stock answers at a Service Connect endpoint", "create stock", ALIAS_DOCS)
        result.waiting("stock runs 3 tasks", "create stock", DEPLOY_DOCS)
    else:
        result.add(
            bool(resources),
            "stock answers at a Service Connect endpoint",
            f'serviceConnectConfiguration={{"enabled": True, "services": [{SERVER}]}} '
            "(update_service sets it on an existing service)",
            ALIAS_DOCS,
        )
        result.add(
            stock.get("desiredCount") == 3 and stock.get("runningCount") == 3,
            "stock runs 3 tasks",
            'session.ecs.update_service(cluster="course", service="stock", desiredCount=3)',
            DEPLOY_DOCS,
        )
    reached = (
        [e for e in endpoints(session, "course", "stock") if e.server == "stock"]
        if resources
        else []
    )
    truth = reached[0] if reached else None
    for what, said, value, hint, docs in (
        (
            "the endpoint a client uses",
            endpoint,
            truth.endpoint if truth else None,
            "no discoveryName: the port name is used; no dnsName: the alias is "
            "discoveryName.namespace, at the alias's port",
            ALIAS_DOCS,
        ),
        (
            "the tasks that endpoint leads to",
            stock_tasks,
            len(truth.tasks) if truth else None,
            "each RUNNING task of the server is an instance of its Cloud Map service: the "
            "endpoint follows a scale",
            DEPLOY_DOCS,
        ),
    ):
        if value is None and said is not None:
            result.waiting(what, "give stock its Service Connect endpoint", docs)
        else:
            mark(result, what, said, value, hint, docs, ASK)
