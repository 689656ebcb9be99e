"""ClusterForm on the sandbox: Fargate, EC2 through an Auto Scaling group, external instances."""

from __future__ import annotations

from ecskit.widgets import ClusterForm


def test_fargate_cluster_with_insights_new_namespace_and_tags(session):
    form = ClusterForm(session)
    form.name.value = "shop"
    form.insights.value = True
    form.namespace.value = "__new__"
    form.tags.value = "team=blue\nenv = test"
    body = form.body
    assert form.errors == [], form.problems
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    cluster = session.ecs.describe_clusters(clusters=["shop"], include=["SETTINGS", "TAGS"])[
        "clusters"
    ][0]
    assert cluster["settings"] == body["settings"]
    assert (
        cluster["tags"]
        == body["tags"]
        == [
            {"key": "team", "value": "blue"},
            {"key": "env", "value": "test"},
        ]
    )
    spaces = session.servicediscovery.list_namespaces()["Namespaces"]
    assert [n["Name"] for n in spaces] == ["shop"]
    assert cluster["serviceConnectDefaults"]["namespace"] in ("shop", spaces[0]["Arn"])


def test_ec2_cluster_gets_an_auto_scaling_group_capacity_provider(session):
    form = ClusterForm(session)
    form.name.value = "fleet"
    form.infrastructure.value = "EC2"
    form.instance_type.value = "t3.small"
    form.desired.value, form.minimum.value, form.maximum.value = 2, 1, 4
    assert form.body["capacityProviders"] == ["fleet-ec2"]
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    group = session.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["fleet-ec2"])[
        "AutoScalingGroups"
    ][0]
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == (1, 2, 4)
    cluster = session.ecs.describe_clusters(clusters=["fleet"])["clusters"][0]
    assert cluster["capacityProviders"] == ["fleet-ec2"]


def test_ec2_capacity_out_of_order_is_shown_and_nothing_is_made(session):
    form = ClusterForm(session)
    form.name.value = "fleet"
    form.infrastructure.value = "EC2"
    form.desired.value, form.maximum.value = 5, 2
    assert [p.path for p in form.errors] == ["ec2Capacity"]
    assert "between min and max" in form.field("ec2Capacity").problems_html.value
    assert form.submit.disabled
    form._on_submit()
    assert session.ecs.list_clusters()["clusterArns"] == []
    assert session.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_bad_tag_line_is_shown_beside_tags_and_nothing_is_made(session):
    form = ClusterForm(session)
    form.name.value = "shop"
    form.tags.value = "no-equals-sign"
    assert [p.path for p in form.errors] == ["tags"]
    assert "key=value" in form.field("tags").problems_html.value
    form._on_submit()
    assert session.ecs.list_clusters()["clusterArns"] == []


def test_external_cluster_shows_the_registration_command(session):
    form = ClusterForm(session)
    form.name.value = "edge"
    form.infrastructure.value = "EXTERNAL"
    form.submit.click()
    assert '--cluster "edge"' in form.registration.value.replace("&quot;", '"')


def test_bad_cluster_name_is_shown_beside_the_name_and_nothing_is_made(session):
    form = ClusterForm(session)
    form.name.value = "my cluster!"
    assert [p.path for p in form.errors] == ["clusterName"]
    assert "ecskit-problem" in form.field("clusterName").problems_html.value
    form._on_submit()
    assert session.ecs.list_clusters()["clusterArns"] == []
    form.name.value = "my-cluster"
    assert form.errors == [] and not form.submit.disabled
