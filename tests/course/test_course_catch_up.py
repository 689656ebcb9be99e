"""catch_up builds what earlier chapters leave, once, and refuses what it must not do."""

from __future__ import annotations

import pytest

import ecskit
from ecskit.course import catch_up


def _families(session: ecskit.Session) -> list[str]:
    return session.ecs.list_task_definitions()["taskDefinitionArns"]


def test_chapter_zero_needs_nothing(session: ecskit.Session) -> None:
    assert catch_up(0, session).done == []
    assert session.ecs.list_clusters()["clusterArns"] == []


def test_catch_up_to_chapter_three_builds_chapters_one_and_two(session: ecskit.Session) -> None:
    caught = catch_up("03", session)
    assert "cluster course" in str(caught) and "task definition web:1" in str(caught)
    cluster = session.ecs.describe_clusters(clusters=["course"], include=["SETTINGS"])
    assert cluster["clusters"][0]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    td = session.ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert td["revision"] == 1 and td["cpu"] == "256" and td["memory"] == "512"
    assert td["executionRoleArn"].endswith(":role/ecsTaskExecutionRole")
    container = td["containerDefinitions"][0]
    assert container["image"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:1"
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/web"
    assert session.logs.describe_log_groups(logGroupNamePrefix="/ecs/web")["logGroups"]
    assert session.ecr.describe_repositories(repositoryNames=["my-app"])["repositories"]
    session.iam.get_role(RoleName="webTaskRole")


def test_catch_up_twice_changes_nothing(session: ecskit.Session) -> None:
    catch_up(3, session)
    session.ecs.tag_resource(
        resourceArn=session.ecs.describe_clusters(clusters=["course"])["clusters"][0]["clusterArn"],
        tags=[{"key": "kept", "value": "yes"}],
    )
    catch_up(3, session)
    assert _families(session) == ["arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"]
    cluster = session.ecs.describe_clusters(clusters=["course"], include=["TAGS"])["clusters"][0]
    assert {"key": "kept", "value": "yes"} in cluster["tags"], "the cluster was made again"


@pytest.mark.parametrize("chapter", [12, "x", "-1", ""])
def test_an_unknown_chapter_is_named(session: ecskit.Session, chapter: object) -> None:
    with pytest.raises(ValueError, match=r"chapter=.* is not a chapter of the course: use"):
        catch_up(chapter, session)  # type: ignore[arg-type]


def test_a_read_only_session_is_refused_before_anything_is_built(
    sandbox_session: ecskit.Session,
) -> None:
    read_only = ecskit.connect(read_only=True)
    with pytest.raises(ValueError, match="use the sandbox"):
        catch_up(3, read_only)


def test_chapter_four_network_is_built_once(session: ecskit.Session) -> None:
    from ecskit.course.catch_up import network

    catch_up(5, session)
    first = network(session)
    catch_up(5, session)
    assert network(session) == first
    assert len(first["subnets"]) == 2 and first["alb_group"] and first["task_group"]
    rule = session.ec2.describe_security_groups(GroupIds=[first["task_group"]])["SecurityGroups"][
        0
    ]["IpPermissions"][0]
    assert rule["UserIdGroupPairs"][0]["GroupId"] == first["alb_group"]
    listener = session.elbv2.describe_listeners(LoadBalancerArn=first["load_balancer"])
    assert listener["Listeners"][0]["DefaultActions"][0]["TargetGroupArn"] == first["target_group"]
    group = session.elbv2.describe_target_groups(TargetGroupArns=[first["target_group"]])
    assert group["TargetGroups"][0]["TargetType"] == "ip"


def test_catch_up_to_the_end_leaves_the_state_of_every_chapter(session: ecskit.Session) -> None:
    caught = catch_up(10, session)
    catch_up(10, session)
    ecs = session.ecs
    services = {
        s["serviceName"]: s
        for s in ecs.describe_services(cluster="course", services=["web", "web-public"])["services"]
    }
    # chapter 03 (then 06, then 07): web runs web:3, with its two tasks
    assert services["web"]["taskDefinition"].endswith("/web:3")
    assert services["web"]["runningCount"] == 2
    # chapter 04: web-public behind the target group, still on the now INACTIVE web:1
    assert services["web-public"]["taskDefinition"].endswith("/web:1")
    assert services["web-public"]["loadBalancers"][0]["containerPort"] == 80
    assert services["web-public"]["runningCount"] == 2, "its image my-app:1 must be in ECR"
    # chapter 05: the course namespace is the cluster's default
    cluster = ecs.describe_clusters(clusters=["course"])["clusters"][0]
    assert cluster["serviceConnectDefaults"]["namespace"].startswith("arn:aws:servicediscovery:")
    # chapter 06: web:1 INACTIVE, web:2 ACTIVE, nothing registered twice
    inactive = ecs.list_task_definitions(familyPrefix="web", status="INACTIVE")
    active = ecs.list_task_definitions(familyPrefix="web", status="ACTIVE")
    assert [a.rsplit("/", 1)[1] for a in inactive["taskDefinitionArns"]] == ["web:1"]
    assert [a.rsplit("/", 1)[1] for a in active["taskDefinitionArns"]] == ["web:2", "web:3"]
    assert len(session.servicediscovery.list_namespaces()["Namespaces"]) == 1
    assert "web:1 deregistered" in str(caught)
    # chapter 07: web:3 (my-app:3) rolled out to web
    assert "web:3 deployed to service web" in str(caught)


def test_push_image_tags_once_and_answers_the_uri(session: ecskit.Session) -> None:
    from ecskit.course import push_image

    catch_up(3, session)
    uri = push_image(session, "7")
    assert uri == "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:7"
    assert push_image(session, "7") == uri
    images = session.ecr.list_images(repositoryName="my-app")["imageIds"]
    tags = sorted(image["imageTag"] for image in images)
    assert tags == ["1", "7"]
