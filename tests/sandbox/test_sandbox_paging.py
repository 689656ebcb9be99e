"""List calls page as ECS pages them: maxResults (1-100), nextToken, botocore paginators."""

from __future__ import annotations

import pytest


def _families(ecs, names, revisions=1) -> None:
    for name in names:
        for _ in range(revisions):
            ecs.register_task_definition(
                family=name, containerDefinitions=[{"name": "a", "image": "busybox", "memory": 64}]
            )


def test_list_task_definitions_pages_in_order(ecs_session) -> None:
    ecs = ecs_session.ecs
    _families(ecs, ["b", "a"], revisions=3)
    first = ecs.list_task_definitions(maxResults=2)
    assert len(first["taskDefinitionArns"]) == 2 and "nextToken" in first
    pages = ecs.get_paginator("list_task_definitions").paginate(PaginationConfig={"PageSize": 2})
    arns = [arn for page in pages for arn in page["taskDefinitionArns"]]
    names = [arn.split("/")[-1] for arn in arns]
    assert names == ["a:1", "a:2", "a:3", "b:1", "b:2", "b:3"]


def test_list_task_definitions_filters_and_sorts(ecs_session) -> None:
    ecs = ecs_session.ecs
    _families(ecs, ["web", "webapp"], revisions=2)
    ecs.deregister_task_definition(taskDefinition="web:1")
    web = ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"]
    assert [a.split("/")[-1] for a in web] == ["web:2"]
    gone = ecs.list_task_definitions(familyPrefix="web", status="INACTIVE")["taskDefinitionArns"]
    assert [a.split("/")[-1] for a in gone] == ["web:1"]
    newest = ecs.list_task_definitions(sort="DESC")["taskDefinitionArns"]
    assert [a.split("/")[-1] for a in newest] == ["webapp:2", "webapp:1", "web:2"]


def test_list_task_definition_families_by_status(ecs_session) -> None:
    ecs = ecs_session.ecs
    _families(ecs, ["api", "apiworker", "old"])
    ecs.deregister_task_definition(taskDefinition="old:1")
    assert ecs.list_task_definition_families()["families"] == ["api", "apiworker"]
    assert ecs.list_task_definition_families(familyPrefix="api")["families"] == [
        "api",
        "apiworker",
    ]
    assert ecs.list_task_definition_families(status="INACTIVE")["families"] == ["old"]
    assert len(ecs.list_task_definition_families(status="ALL")["families"]) == 3


def test_list_services_gives_10_a_page_by_default(ecs_session) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    _families(ecs, ["w"])
    for i in range(12):
        ecs.create_service(
            cluster="shop", serviceName=f"s{i:02}", taskDefinition="w", desiredCount=0
        )
    page = ecs.list_services(cluster="shop")
    assert len(page["serviceArns"]) == 10
    rest = ecs.list_services(cluster="shop", nextToken=page["nextToken"])
    assert len(rest["serviceArns"]) == 2 and "nextToken" not in rest
    every = ecs.get_paginator("list_services").paginate(cluster="shop").build_full_result()
    assert len(set(every["serviceArns"])) == 12


def test_list_clusters_and_tasks_page(ecs_session) -> None:
    ecs = ecs_session.ecs
    for i in range(5):
        ecs.create_cluster(clusterName=f"c{i}")
    pages = list(ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["clusterArns"]) for p in pages] == [2, 2, 1]
    _families(ecs, ["w"])
    ecs.create_cluster(clusterName="fleet")
    ec2 = ecs_session.ec2
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    ecs.register_container_instance(
        cluster="fleet", instanceIdentityDocument=f'{{"instanceId": "{instance["InstanceId"]}"}}'
    )
    ecs.run_task(cluster="fleet", taskDefinition="w", count=5)
    tasks = ecs.get_paginator("list_tasks").paginate(
        cluster="fleet", PaginationConfig={"PageSize": 3}
    )
    assert [len(p["taskArns"]) for p in tasks] == [3, 2]


def test_max_results_over_100_is_refused(ecs_session) -> None:
    ecs = ecs_session.ecs
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="maxResults"):
        ecs.list_clusters(maxResults=101)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="nextToken"):
        ecs.list_clusters(nextToken="not-a-token")
