"""Chapter 05's Service Connect exercise: five items whatever the state, each saying what to
do and where to read; right only when stock serves, runs 3 tasks and both predictions hold."""

from __future__ import annotations

import ecskit
from ecskit.course import catch_up, check

SERVER = {"portName": "http", "clientAliases": [{"port": 8080}]}


def test_the_endpoint_exercise_marks_what_is_done_and_what_was_predicted(
    session: ecskit.Session,
) -> None:
    empty = check("05-endpoint", session)
    assert not empty.passed and len(empty.items) == 5
    assert all(item.docs for item in empty.missing)
    catch_up(6, session)  # the course cluster with namespace course as its default
    ecs = session.ecs
    web = ecs.describe_services(cluster="course", services=["web"])["services"][0]
    ecs.create_service(
        cluster="course", serviceName="stock", taskDefinition="web:1", desiredCount=1,
        launchType="FARGATE", networkConfiguration=web["networkConfiguration"],
        serviceConnectConfiguration={"enabled": True, "services": [SERVER]},
    )  # fmt: skip
    session.sandbox.settle()
    wrong = check("05-endpoint", session, endpoint="stock.course:8080", stock_tasks=3)
    assert len(wrong.items) == 5
    assert [i.what for i in wrong.missing] == [
        "stock runs 3 tasks",
        "the endpoint a client uses: you said 'stock.course:8080', it is 'http.course:8080'",
        "the tasks that endpoint leads to: you said 3, it is 1",
    ]
    ecs.update_service(cluster="course", service="stock", desiredCount=3)
    session.sandbox.settle()
    done = check("05-endpoint", session, endpoint="http.course:8080", stock_tasks=3)
    assert done.passed, str(done)
    assert len(done.items) == 5
