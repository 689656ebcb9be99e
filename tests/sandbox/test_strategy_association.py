"""A capacity provider strategy names only providers associated with the cluster, FARGATE and
FARGATE_SPOT included: ECS refuses the call otherwise (botocore's CreateCluster.capacityProviders
documentation; the message as ECS gives it in https://github.com/dask/dask-cloudprovider/issues/328)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import ecskit
from ecskit.sandbox.errors import NOT_ASSOCIATED

SPOT = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]


def _fargate(session: ecskit.Session) -> None:
    session.ecs.register_task_definition(
        family="spot",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27"}],
    )


def test_run_task_and_services_refuse_an_unassociated_provider(
    ecs_session: ecskit.Session, network: dict[str, Any]
) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="bare")
    _fargate(ecs_session)
    calls = {
        "RunTask": lambda: ecs.run_task(
            cluster="bare",
            taskDefinition="spot",
            capacityProviderStrategy=SPOT,
            networkConfiguration=network["config"],
        ),
        "CreateService": lambda: ecs.create_service(
            cluster="bare",
            serviceName="spot",
            taskDefinition="spot",
            desiredCount=1,
            capacityProviderStrategy=SPOT,
            networkConfiguration=network["config"],
        ),
    }
    for operation, call in calls.items():
        with pytest.raises(ClientError) as caught:
            call()
        error = caught.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("InvalidParameterException", NOT_ASSOCIATED), (
            operation
        )
    # nothing was made by the refused calls
    assert ecs.list_tasks(cluster="bare")["taskArns"] == []
    assert ecs.list_services(cluster="bare")["serviceArns"] == []

    ecs.put_cluster_capacity_providers(
        cluster="bare",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[],
    )
    assert len(calls["RunTask"]()["tasks"]) == 1
    ecs.create_service(
        cluster="bare",
        serviceName="spot",
        taskDefinition="spot",
        desiredCount=0,
        networkConfiguration=network["config"],
        launchType="FARGATE",
    )
    with pytest.raises(ClientError, match="not associated with the cluster"):
        ecs.update_service(
            cluster="bare",
            service="spot",
            capacityProviderStrategy=[{"capacityProvider": "nowhere", "weight": 1}],
        )


def test_describe_capacity_providers_of_one_cluster(ecs_session: ecskit.Session) -> None:
    # DescribeCapacityProviders.cluster: "only capacity providers associated with this cluster"
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="fargate-only", capacityProviders=["FARGATE"])
    ecs.create_cluster(clusterName="none-at-all")
    names = [p["name"] for p in ecs.describe_capacity_providers()["capacityProviders"]]
    assert {"FARGATE", "FARGATE_SPOT"} <= set(names)
    of = lambda cluster: [  # noqa: E731
        p["name"] for p in ecs.describe_capacity_providers(cluster=cluster)["capacityProviders"]
    ]
    assert of("fargate-only") == ["FARGATE"]
    assert of("none-at-all") == []
