"""Chapter 05: a namespace for internal tools as a cluster's default, and a prediction — which
namespace does a service join when it turns Service Connect on and names none?

Facts (botocore 1.44.8): `ClusterServiceConnectDefaultsRequest.namespace` is the namespace "that's
used when you create a service and don't specify a Service Connect configuration"; a service's
`ServiceConnectConfiguration.namespace` "must be in the same Amazon Web Services Region as the
Amazon ECS service and cluster".
"""

from __future__ import annotations

from typing import Any

from ..catch_up import namespace_arn
from ..exercises import exercise
from ..result import Result
from .reading import API, GUIDE, cluster, mark

SC_DOCS = GUIDE + "service-connect-concepts.html"
ASK = 'check("05-internal-namespace", session, joins=...)'


@exercise(
    "05-internal-namespace",
    "a default namespace for internal tools",
    'Create an HTTP namespace "internal" and a cluster "internal-tools" whose default Service '
    "Connect namespace it is; predict which namespace a service of internal-tools joins with "
    'serviceConnectConfiguration={"enabled": True} and no namespace.',
    answers=("joins",),
)
def _internal_namespace(session: Any, result: Result, joins: Any = None) -> None:
    arn = namespace_arn(session, "internal")
    result.add(
        arn is not None,
        "a Cloud Map namespace named internal",
        'session.servicediscovery.create_http_namespace(Name="internal")',
        "https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateHttpNamespace.html",
    )
    found = cluster(session, "internal-tools")
    result.add(
        found is not None,
        "an ACTIVE cluster named internal-tools",
        'session.ecs.create_cluster(clusterName="internal-tools", serviceConnectDefaults=...)',
        API + "API_CreateCluster.html",
    )
    default = ((found or {}).get("serviceConnectDefaults") or {}).get("namespace")
    if found is None:
        result.waiting("its default namespace is internal", "create internal-tools", SC_DOCS)
    else:
        result.add(
            arn is not None and default == arn,
            "its default Service Connect namespace is internal",
            'serviceConnectDefaults={"namespace": <the ARN of internal>} (update_cluster sets it '
            "on an existing cluster)",
            API + "API_ClusterServiceConnectDefaultsRequest.html",
        )
    mark(
        result,
        "the namespace such a service joins",
        joins,
        "internal",
        "a service that names no namespace gets its cluster's default; each service is in one "
        "namespace, of the same Region",
        API + "API_ClusterServiceConnectDefaultsRequest.html",
        ASK,
    )
