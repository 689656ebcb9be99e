"""check() says, item by item, what an exercise asks that is done, how to do the rest and where to
read; every exercise reports the same items before anything is done, half-done and done."""

from __future__ import annotations

import json

import pytest

import ecskit
from ecskit.course import catch_up, check, image_uri
from ecskit.course.catch_up import default_network, network


def _counts(*results: object) -> list[int]:
    return [len(r.items) for r in results]  # type: ignore[attr-defined]


def _every_missing_item_says_where_to_read(result: object) -> None:
    for item in result.missing:  # type: ignore[attr-defined]
        assert item.docs.startswith("https://docs.aws.amazon.com/"), item


def test_00_predictions_and_a_stable_count(session: ecskit.Session) -> None:
    before = check("00-hello", session)
    assert "0 of 4 right" in str(before)
    assert "✘ an ACTIVE cluster named hello — session.ecs.create_cluster" in str(before)
    assert "not checked yet: first create the cluster hello" in str(before)
    assert "data-passed='false'" in before._repr_html_() and "read more" in before._repr_html_()
    _every_missing_item_says_where_to_read(before)
    session.ecs.create_cluster(clusterName="hello")
    half = check("00", session, status="PROVISIONING")
    assert [i.ok for i in half.items] == [True, False, False, False]
    assert "you said 'PROVISIONING', it is 'ACTIVE'" in half.items[2].what
    assert "predict first" in half.items[3].hint
    arn = session.ecs.describe_clusters(clusters=["hello"])["clusters"][0]["clusterArn"]
    session.ecs.tag_resource(resourceArn=arn, tags=[{"key": "owner", "value": "Ada"}])
    done = check(0, session, status="active", running_tasks=0)
    assert done.passed, str(done)
    assert "all 4 right" in str(done) and "data-passed='true'" in done._repr_html_()
    assert _counts(before, half, done) == [4, 4, 4]


def _staging(session: ecskit.Session, **changes: object) -> None:
    body: dict = {
        "clusterName": "staging",
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "settings": [{"name": "containerInsights", "value": "enabled"}],
        "defaultCapacityProviderStrategy": [
            {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
    }
    body.update(changes)
    session.ecs.create_cluster(**body)


def test_01_strategy_base_and_weights(session: ecskit.Session) -> None:
    before = check("01-staging", session)
    _every_missing_item_says_where_to_read(before)
    _staging(
        session,
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
    )
    half = check("01", session, spot_tasks_of_9=7)
    assert [i.what.split(" (")[0] for i in half.missing] == [
        "one task always on FARGATE",
        "the rest three to one on FARGATE_SPOT",
        "tasks of 9 on FARGATE_SPOT: you said 7, it is 6",
    ]
    assert "2 on FARGATE, 6 on FARGATE_SPOT" in half.missing[2].hint
    session.ecs.delete_cluster(cluster="staging")
    _staging(session)
    done = check("01-staging", session, spot_tasks_of_9=6)
    assert done.passed, str(done)
    assert _counts(before, half, done) == [6, 6, 6]


def _worker(session: ecskit.Session, **changes: object) -> dict:
    body = {
        "family": "worker",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "512",
        "memory": "2048",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [
            {
                "name": "worker",
                "image": image_uri(session, "7"),
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/worker",
                        "awslogs-region": "us-east-1",
                        "awslogs-stream-prefix": "worker",
                    },
                },
            }
        ],
    }
    body.update(changes)
    return body


def test_02_the_smallest_size_is_asked_for(session: ecskit.Session) -> None:
    catch_up(3, session)
    before = check("02-worker", session)
    assert str(before).startswith(
        "Exercise 02-worker (the smallest Fargate size for a worker): 0 of 8 right."
    )
    session.ecs.register_task_definition(**_worker(session, cpu="256", memory="2048"))
    half = check("02-worker", session)
    assert [i.what for i in half.missing] == [
        "enough CPU for 0.4 vCPU (cpu=256)",
        "the smallest size Fargate offers that holds both (cpu=256, memory=2048)",
        "its logs go to the CloudWatch Logs group /ecs/worker, which exists",
    ]
    assert "0.25 vCPU" in half.missing[0].hint and "fargate-tasks-services" in half.missing[0].docs
    session.ecs.register_task_definition(**_worker(session, cpu="1024"))
    bigger = check("02", session)
    assert [i.what.split(" (")[0] for i in bigger.missing][:1] == [
        "the smallest size Fargate offers that holds both"
    ]
    session.logs.create_log_group(logGroupName="/ecs/worker")
    session.ecs.register_task_definition(**_worker(session))
    done = check("02", session)
    assert done.passed, str(done)
    assert "(revision 3)" in done.items[0].what
    assert _counts(before, half, bigger, done) == [8, 8, 8, 8]


def test_an_unknown_exercise_lists_the_known_ones(session: ecskit.Session) -> None:
    with pytest.raises(ValueError, match=r"exercise_id='99' .* the exercises are '00-hello'"):
        check("99", session)


def test_03_the_scheduler_replaces_a_service_task_not_a_standalone_one(
    session: ecskit.Session,
) -> None:
    catch_up(4, session)
    before = check("03-canary", session)
    session.ecs.create_service(
        cluster="course",
        serviceName="web-canary",
        taskDefinition="web:1",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=default_network(session),
    )
    session.sandbox.settle()
    half = check("03-canary", session, service_after_stop=0, standalone_after_stop=1)
    assert [i.what.split(" (")[0].split(":")[0] for i in half.missing] == [
        "on the FARGATE_SPOT capacity provider",
        "tasks web-canary runs after its task was stopped",
        "tasks still running after the run_task task was stopped",
    ]
    assert "you said 0, it is 1" in half.missing[1].what
    assert "nobody replaces it" in half.missing[2].hint
    session.ecs.delete_service(cluster="course", service="web-canary", force=True)
    session.sandbox.settle()
    session.ecs.create_service(
        cluster="course",
        serviceName="web-canary",
        taskDefinition="web:1",
        desiredCount=1,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        networkConfiguration=default_network(session),
    )
    session.sandbox.settle()
    done = check("03", session, service_after_stop=1, standalone_after_stop=0)
    assert done.passed, str(done)
    assert _counts(before, half, done) == [6, 6, 6]


def test_04_the_broken_request_fails_where_it_is_broken(session: ecskit.Session) -> None:
    from ecskit.course.chapters.target_group_fix import broken_request

    catch_up(5, session)
    before = check("04", session)
    default_vpc = session.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    session.elbv2.create_target_group(**broken_request(default_vpc["Vpcs"][0]["VpcId"]))
    half = check("04", session)
    assert [item.what for item in half.missing] == [
        "in the course VPC, where the tasks are",
        "target type ip (awsvpc tasks register by IP address) (instance)",
        "health checks on /health (/)",
    ]
    assert half.missing[1].docs.endswith("/alb.html")
    arn = session.elbv2.describe_target_groups(Names=["api"])["TargetGroups"][0]["TargetGroupArn"]
    session.elbv2.delete_target_group(TargetGroupArn=arn)
    session.elbv2.create_target_group(
        Name="api",
        Protocol="HTTP",
        Port=8080,
        VpcId=network(session)["vpc"],
        TargetType="ip",
        HealthCheckPath="/health",
    )
    done = check("04-api-target-group", session)
    assert done.passed, str(done)
    assert _counts(before, half, done) == [5, 5, 5]


def test_05_a_service_without_a_namespace_joins_the_default(session: ecskit.Session) -> None:
    before = check("05-internal-namespace", session)
    session.servicediscovery.create_http_namespace(Name="internal")
    session.ecs.create_cluster(clusterName="internal-tools")
    half = check("05-internal-namespace", session, joins="none")
    assert [i.what for i in half.missing] == [
        "its default Service Connect namespace is internal",
        "the namespace such a service joins: you said 'none', it is 'internal'",
    ]
    arn = session.servicediscovery.list_namespaces()["Namespaces"][0]["Arn"]
    session.ecs.update_cluster(cluster="internal-tools", serviceConnectDefaults={"namespace": arn})
    done = check("05-internal-namespace", session, joins="internal")
    assert done.passed, str(done)
    assert _counts(before, half, done) == [4, 4, 4]


def test_06_predictions_are_marked_by_trying_each_thing(session: ecskit.Session) -> None:
    catch_up(7, session)  # service web runs web:2
    before = check("06-retire", session, keeps_running=True)
    assert [i.ok for i in before.items] == [False, False, False, False]
    assert "first deregister web:2" in before.items[1].hint
    session.ecs.deregister_task_definition(taskDefinition="web:2")
    half = check("06", session, keeps_running=False, can_scale=True, new_service=True)
    assert [i.ok for i in half.items] == [True, False, True, False]
    assert "continue without disruption" in half.items[1].hint
    done = check("06", session, keeps_running=True, can_scale=True, new_service=False)
    assert done.passed, str(done)
    assert _counts(before, half, done) == [4, 4, 4]
    # the check put everything back: web's count, and no probe service left
    web = session.ecs.describe_services(cluster="course", services=["web"])["services"][0]
    assert web["desiredCount"] == 2
    probe = session.ecs.describe_services(cluster="course", services=["course-check-06"])
    assert all(s["status"] != "ACTIVE" for s in probe["services"])


def test_09_an_alarm_waits_for_three_minutes_in_a_row(session: ecskit.Session) -> None:
    before = check("09-cpu-alarm", session)
    alarm = {
        "AlarmName": "web-cpu-high",
        "Namespace": "AWS/ECS",
        "MetricName": "CPUUtilization",
        "Dimensions": [{"Name": "ClusterName", "Value": "course"}],
        "Statistic": "Average",
        "Period": 180,
        "EvaluationPeriods": 1,
        "Threshold": 80,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    session.cloudwatch.put_metric_alarm(**alarm)
    half = check("09-cpu-alarm", session)
    assert [i.what.split(" (")[0] for i in half.missing] == [
        "for service web in cluster course",
        "one-minute periods, each judged on its own",
        "three breaching minutes in a row, no fewer",
    ]
    assert "average 83" in half.missing[1].hint
    alarm["Dimensions"].append({"Name": "ServiceName", "Value": "web"})
    alarm.update(Period=60, EvaluationPeriods=5, DatapointsToAlarm=3)
    session.cloudwatch.put_metric_alarm(**alarm)
    three_of_five = check("09", session)
    assert [i.what for i in three_of_five.missing] == [
        "three breaching minutes in a row, no fewer (DatapointsToAlarm=3 of EvaluationPeriods=5)"
    ]
    alarm.update(EvaluationPeriods=3)
    session.cloudwatch.put_metric_alarm(**alarm)
    done = check("09", session)
    assert done.passed, str(done)
    assert _counts(before, half, three_of_five, done) == [6, 6, 6, 6]


def _policy(session: ecskit.Session, role: str, action: str, resource: str) -> None:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    session.iam.put_role_policy(
        RoleName=role, PolicyName="read-assets", PolicyDocument=json.dumps(document)
    )


def test_10_the_task_role_gets_exactly_what_the_app_needs(session: ecskit.Session) -> None:
    catch_up(10, session)
    before = check("10", session)
    assert [i.ok for i in before.items] == [False, True, False]
    _policy(session, "ecsTaskExecutionRole", "s3:GetObject", "arn:aws:s3:::course-assets/*")
    _policy(session, "webTaskRole", "s3:*", "*")
    half = check("10-task-role-policy", session)
    assert [i.ok for i in half.items] == [False, False, False]
    assert "the app never sees it" in half.items[1].hint
    assert "too broad" in half.items[2].what
    session.iam.delete_role_policy(RoleName="ecsTaskExecutionRole", PolicyName="read-assets")
    _policy(session, "webTaskRole", "s3:GetObject", "arn:aws:s3:::course-assets/*")
    done = check("10", session)
    assert done.passed, str(done)
    assert _counts(before, half, done) == [3, 3, 3]


def test_11_read_only_predictions_never_write(session: ecskit.Session) -> None:
    before = check("11-read-only", session)
    assert not before.passed and before.items[1].hint.startswith("predict first")
    reader = ecskit.connect(read_only=True)
    half = check("11", reader, refused=["UpdateService", "GetTaskProtection"])
    wrong = [i.what for i in half.missing]
    assert wrong == [
        "GetTaskProtection: you said refused, it is allowed",
        "TagResource: you said allowed, it is refused",
        "StopTask: you said allowed, it is refused",
        "ExecuteCommand: you said allowed, it is refused",
    ]
    refused = ["UpdateService", "TagResource", "StopTask", "ExecuteCommand"]
    done = check("11-read-only", reader, refused=refused)
    assert done.passed, str(done)
    assert _counts(before, half, done) == [8, 8, 8]
    assert session.ecs.list_clusters()["clusterArns"] == []


def test_predictions_are_marked_against_what_the_sandbox_runs(session: ecskit.Session) -> None:
    result = check("07", session)
    assert [i.ok for i in result.items] == [True, False, False, False, False]  # a stable count
    assert "missing: canary_green_tasks" in result.items[1].what
    assert "not checked yet: first predict all three numbers" in result.items[2].hint
    result = check(
        "07-predict",
        session,
        canary_green_tasks=1,
        canary_total_tasks=20,
        linear_green_percent_at_minute_5="lots",
    )
    assert [i.ok for i in result.items] == [True, True, False, True, False]
    wrong = result.items[2]
    assert wrong.what.endswith("you said 1, the sandbox ran 10")
    assert "canary-deployment.html" in wrong.hint and "A canary" in wrong.hint
    assert "is not a number" in result.items[4].what
    right = {"canary_green_tasks": 10, "canary_total_tasks": 20}
    assert check("07", session, **right, linear_green_percent_at_minute_5=75).passed
    # the check leaves nothing behind and the clock as it was
    assert session.ecs.list_clusters()["clusterArns"] == []
    assert session.sandbox.clock == "real"


def test_answers_are_refused_where_an_exercise_takes_none(session: ecskit.Session) -> None:
    with pytest.raises(ValueError, match="got guess: this exercise takes no answers"):
        check("02-worker", session, guess=1)
    with pytest.raises(ValueError, match="takes canary_green_tasks"):
        check("07-predict", session, green=10)


CHAPTER_EXERCISES = [
    "00-hello",
    "01-staging",
    "02-worker",
    "03-canary",
    "04-api-target-group",
    "05-internal-namespace",
    "05-endpoint",
    "06-retire",
    "09-cpu-alarm",
    "10-task-role-policy",
    "11-read-only",
]


@pytest.mark.parametrize("exercise_id", CHAPTER_EXERCISES)
def test_on_an_empty_account_a_check_lists_what_to_do_and_where_to_read(
    session: ecskit.Session, exercise_id: str
) -> None:
    result = check(exercise_id, session)
    assert not result.passed and result.missing
    _every_missing_item_says_where_to_read(result)
