"""The sandbox's faster paths through moto (ecskit/sandbox/tuning.py) give moto's own answers.

On the known account (every resource kind the seed lists, so every JSON service's serializer is
exercised), each answer is asked for twice: as tuned, and with moto exactly as it comes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecskit.inventory import snapshot
from ecskit.sandbox import tuning
from ecskit.sandbox.wire import WARM_ACCOUNT


@pytest.fixture
def frozen(account: Any, session: Any) -> Iterator[Any]:
    """The known account with tags to show, on a clock that does not move between the asks."""
    ecs = session.ecs
    ecs.tag_resource(resourceArn=account.service, tags=[{"key": "team", "value": "shop"}])
    ecs.tag_resource(resourceArn=account.revisions[1], tags=[{"key": "tier", "value": "web"}])
    ecs.tag_resource(resourceArn=account.standalone_task, tags=[{"key": "job", "value": "once"}])
    box = session.sandbox
    box.settle()
    before = box.clock
    box.clock = "manual"
    yield account
    box.clock = before


def both_ways(call: Any, **kwargs: Any) -> tuple[Any, Any]:
    """The answer as tuned, then moto's; an error counts as an answer."""

    def ask() -> Any:
        try:
            answer = call(**kwargs)
        except ClientError as exc:
            return ("error", exc.response["Error"])
        answer.pop("ResponseMetadata", None)
        return answer

    tuned = ask()
    with tuning.disabled():
        plain = ask()
    return tuned, plain


def test_the_tuned_paths_are_installed(session: Any) -> None:
    # without this, every comparison below could pass by comparing moto with itself
    assert tuning._enabled and tuning._patches
    session.ecs.register_task_definition(
        family="probe", containerDefinitions=[{"name": "a", "image": "busybox", "memory": 64}]
    )
    body = {"taskDefinition": "probe:1"}
    fast = tuning.answer("DescribeTaskDefinition", WARM_ACCOUNT, session.region, body)
    assert fast is not None and fast["taskDefinition"]["family"] == "probe"
    with tuning.disabled():
        assert tuning.answer("DescribeTaskDefinition", WARM_ACCOUNT, session.region, body) is None


@pytest.mark.parametrize("include", [[], ["TAGS"]])
def test_hot_reads_answer_as_moto_does(frozen: Any, session: Any, include: list[str]) -> None:
    ecs = session.ecs
    for revision in frozen.revisions:
        tuned, plain = both_ways(
            ecs.describe_task_definition, taskDefinition=revision, include=include
        )
        assert tuned == plain
    tasks = ecs.list_tasks(cluster="shop")["taskArns"]
    tasks += ecs.list_tasks(cluster="shop", desiredStatus="STOPPED")["taskArns"]
    assert (
        len(tasks) >= 5
    )  # the service's two (and any its scheduler replaced), two run, one stopped
    # by ARN, by id, mixed with an unknown one
    asked = [*tasks[:3], *(t.split("/")[-1] for t in tasks[3:]), "0123456789abcdef"]
    tuned, plain = both_ways(ecs.describe_tasks, cluster="shop", tasks=asked, include=include)
    assert tuned == plain
    assert len(tuned["tasks"]) == len(tasks) and len(tuned["failures"]) == 1
    tuned, plain = both_ways(
        ecs.describe_services, cluster="shop", services=["web", "gone"], include=include
    )
    assert tuned == plain
    assert [s["serviceName"] for s in tuned["services"]] == ["web"]
    if include:
        assert tuned["services"][0]["tags"] == [{"key": "team", "value": "shop"}]
    else:
        assert "tags" not in tuned["services"][0]


def test_errors_answer_as_moto_does(frozen: Any, session: Any) -> None:
    ecs = session.ecs
    for kwargs in ({"taskDefinition": "web:99"}, {"taskDefinition": "nothing"}):
        tuned, plain = both_ways(ecs.describe_task_definition, **kwargs)
        assert tuned == plain and tuned[0] == "error"
    tuned, plain = both_ways(ecs.describe_tasks, cluster="nowhere", tasks=["x"])
    assert tuned == plain and tuned[0] == "error"


def test_tasks_of_another_cluster_are_not_found(frozen: Any, session: Any) -> None:
    # moto's own DescribeTasks matches tasks of every cluster; the index must not
    task = frozen.standalone_task
    tuned, plain = both_ways(session.ecs.describe_tasks, cluster="empty", tasks=[task])
    assert tuned == plain
    assert tuned["tasks"] == [] and tuned["failures"][0]["reason"] == "MISSING"


def test_a_whole_snapshot_is_the_same(frozen: Any, session: Any) -> None:
    """Every describe of every service the inventory reads (ECS, EC2, IAM, ELB, Cloud Map, ECR,
    Logs), field by field."""

    def everything() -> dict[tuple[str, str], Any]:
        inventory = snapshot(session, progress=False)
        assert not inventory.notes
        return {
            (name, record.key): record.raw
            for name in inventory.TABLES
            for record in getattr(inventory, name)
        }

    tuned = everything()
    with tuning.disabled():
        plain = everything()
    assert tuned.keys() == plain.keys()
    every_kind = {"clusters", "services", "tasks", "revisions", "roles", "repositories"}
    every_kind |= {"log_groups", "vpcs", "subnets", "security_groups", "load_balancers"}
    every_kind |= {"target_groups", "namespaces", "discovery_services"}
    assert every_kind <= {name for name, _key in tuned}
    for key, raw in tuned.items():
        assert raw == plain[key], key
