"""check() says, item by item, what an exercise asks that is done and how to do the rest."""

from __future__ import annotations

import pytest

import ecskit
from ecskit.course import catch_up, check, image_uri


def test_an_empty_sandbox_fails_the_first_exercise_with_a_hint(session: ecskit.Session) -> None:
    result = check("00-hello", session)
    assert not result.passed and not result
    assert "0 of 1 right" in str(result)
    assert "✘ an ACTIVE cluster named hello — session.ecs.create_cluster" in str(result)
    assert "data-passed='false'" in result._repr_html_()


def test_a_missing_tag_is_the_one_item_missing(session: ecskit.Session) -> None:
    session.ecs.create_cluster(clusterName="hello")
    result = check("00", session)
    assert [item.ok for item in result.items] == [True, False]
    assert "tag" in result.missing[0].hint
    arn = session.ecs.describe_clusters(clusters=["hello"])["clusters"][0]["clusterArn"]
    session.ecs.tag_resource(resourceArn=arn, tags=[{"key": "owner", "value": "Ada"}])
    result = check(0, session)
    assert result.passed, str(result)
    assert "✔ tagged owner=Ada" in str(result) and "all 2 right" in str(result)
    assert "data-passed='true'" in result._repr_html_()


def test_staging_cluster_items(session: ecskit.Session) -> None:
    session.ecs.create_cluster(clusterName="staging", capacityProviders=["FARGATE"])
    missing = {item.what for item in check("01-staging", session).missing}
    assert missing == {
        "Container Insights is on",
        "capacity provider FARGATE_SPOT",
        "tagged environment=staging",
    }
    session.ecs.delete_cluster(cluster="staging")
    session.ecs.create_cluster(
        clusterName="staging",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        settings=[{"name": "containerInsights", "value": "enabled"}],
        tags=[{"key": "environment", "value": "staging"}],
    )
    assert check("01-staging", session).passed


def _worker(session: ecskit.Session, **changes: object) -> dict:
    body = {
        "family": "worker",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "512",
        "memory": "2048",
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
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


def test_worker_task_definition_checked_item_by_item(session: ecskit.Session) -> None:
    catch_up(3, session)
    assert str(check("02-worker", session)).startswith(
        "Exercise 02-worker (a worker task definition): 0 of 1 right."
    )
    session.ecs.register_task_definition(**_worker(session, cpu="1024"))
    result = check("02-worker", session)
    assert [item.what for item in result.missing] == [
        "0.5 vCPU with 1–4 GB of memory (cpu=1024, memory=2048)",
        "the log group /ecs/worker exists",
    ]
    assert 'cpu="512"' in result.missing[0].hint
    session.logs.create_log_group(logGroupName="/ecs/worker")
    session.ecs.register_task_definition(**_worker(session))
    result = check("02", session)
    assert result.passed, str(result)
    assert "(revision 2)" in result.items[0].what


def test_an_unknown_exercise_lists_the_known_ones(session: ecskit.Session) -> None:
    with pytest.raises(ValueError, match=r"exercise_id='99' .* the exercises are '00-hello'"):
        check("99", session)


def test_api_target_group_must_be_ip_in_the_course_vpc(session: ecskit.Session) -> None:
    from ecskit.course.catch_up import network

    catch_up(5, session)
    default_vpc = session.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    session.elbv2.create_target_group(
        Name="api", Protocol="HTTP", Port=8080, VpcId=default_vpc["Vpcs"][0]["VpcId"]
    )
    missing = [item.what for item in check("04", session).missing]
    assert missing == [
        "in the course VPC",
        "target type ip (awsvpc tasks register by IP address)",
        "health checks on /health (/)",
    ]
    session.elbv2.delete_target_group(
        TargetGroupArn=session.elbv2.describe_target_groups(Names=["api"])["TargetGroups"][0][
            "TargetGroupArn"
        ]
    )
    session.elbv2.create_target_group(
        Name="api",
        Protocol="HTTP",
        Port=8080,
        VpcId=network(session)["vpc"],
        TargetType="ip",
        HealthCheckPath="/health",
    )
    assert check("04-api-target-group", session).passed


def test_task_role_policy_must_allow_the_assets(session: ecskit.Session) -> None:
    import json

    catch_up(10, session)
    assert check("10", session).missing[0].what == "webTaskRole has an inline policy (none yet)"
    statement = {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "*"}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    session.iam.put_role_policy(
        RoleName="webTaskRole", PolicyName="p", PolicyDocument=json.dumps(document)
    )
    assert [i.ok for i in check("10", session).items] == [True, False]
    statement.update(Action="s3:GetObject", Resource="arn:aws:s3:::course-assets/*")
    session.iam.put_role_policy(
        RoleName="webTaskRole", PolicyName="p", PolicyDocument=json.dumps(document)
    )
    assert check("10-task-role-policy", session).passed


def test_read_only_check_never_writes_through_a_writable_session(session: ecskit.Session) -> None:
    result = check("11-read-only", session)
    assert [i.what for i in result.items] == ["the session is read-only"] and not result.passed
    assert session.ecs.list_clusters()["clusterArns"] == []
    assert check("11", ecskit.connect(read_only=True)).passed
    assert session.ecs.list_clusters()["clusterArns"] == []


def test_internal_namespace_must_be_the_cluster_default(session: ecskit.Session) -> None:
    session.servicediscovery.create_http_namespace(Name="internal")
    session.ecs.create_cluster(clusterName="internal-tools")
    result = check("05", session)
    assert [i.what for i in result.missing] == ["its default Service Connect namespace is internal"]
    arn = session.servicediscovery.list_namespaces()["Namespaces"][0]["Arn"]
    session.ecs.update_cluster(cluster="internal-tools", serviceConnectDefaults={"namespace": arn})
    assert check("05-internal-namespace", session).passed


def test_canary_needs_fargate_spot_and_a_running_task(session: ecskit.Session) -> None:
    from ecskit.course.catch_up import default_network

    catch_up(4, session)
    session.sandbox.clock = "manual"
    try:
        session.ecs.create_service(
            cluster="course",
            serviceName="web-canary",
            taskDefinition="web:1",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=default_network(session),
        )
        result = check("03-canary", session)
        assert [i.what for i in result.missing] == [
            "on the FARGATE_SPOT capacity provider",
            "its task is running (0 running)",
        ]
        assert "settle" in result.missing[1].hint
    finally:
        session.sandbox.clock = "real"


def test_retire_checks_each_step(session: ecskit.Session) -> None:
    from ecskit.course.catch_up import web_task_definition

    catch_up(7, session)
    session.ecs.register_task_definition(**web_task_definition(session, tag="2"))
    result = check("06-retire", session)
    assert [i.ok for i in result.items] == [True, False, False, False]
    assert result.items[1].what == "web:3 runs my-app:3"
    session.ecs.register_task_definition(**web_task_definition(session, tag="3"))  # web:4
    session.ecs.update_service(cluster="course", service="web", taskDefinition="web:3")
    session.ecs.deregister_task_definition(taskDefinition="web:2")
    assert [i.ok for i in check("06", session).items] == [True, False, True, True]


def test_cpu_alarm_items(session: ecskit.Session) -> None:
    alarm = {
        "AlarmName": "web-cpu-high",
        "Namespace": "AWS/ECS",
        "MetricName": "CPUUtilization",
        "Dimensions": [{"Name": "ClusterName", "Value": "course"}],
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": 3,
        "Threshold": 80,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }
    session.cloudwatch.put_metric_alarm(**alarm)
    missing = [i.what for i in check("09-cpu-alarm", session).missing]
    assert missing == ["for service web in cluster course", "average above 80"]
    alarm["Dimensions"].append({"Name": "ServiceName", "Value": "web"})
    alarm["ComparisonOperator"] = "GreaterThanThreshold"
    session.cloudwatch.put_metric_alarm(**alarm)
    assert check("09", session).passed


def test_predictions_are_marked_against_what_the_sandbox_runs(session: ecskit.Session) -> None:
    result = check("07", session)
    assert [i.ok for i in result.items] == [True, False]
    assert "missing: canary_green_tasks" in result.items[1].what
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
        check("00-hello", session, guess=1)
    with pytest.raises(ValueError, match="takes canary_green_tasks"):
        check("07-predict", session, green=10)
