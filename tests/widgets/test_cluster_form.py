"""ClusterForm on the sandbox: Fargate, EC2 through an Auto Scaling group, external instances."""

from __future__ import annotations

import pytest

from ecskit import ops
from ecskit.widgets import ClusterForm


def _namespaces(session) -> list[str]:
    return sorted(n["Name"] for n in session.servicediscovery.list_namespaces()["Namespaces"])


def _clusters(session) -> list[str]:
    return [arn.rsplit("/", 1)[-1] for arn in session.ecs.list_clusters()["clusterArns"]]


def test_fargate_cluster_with_insights_new_namespace_and_tags(session):
    form = ClusterForm(session)
    form.name.value = "shop"
    form.insights.value = "enabled"
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


def test_ec2_cluster_on_an_existing_group(session, auto_scaling_group):
    form = ClusterForm(session)
    form.name.value = "shop"
    form.infrastructure.value = "EC2"
    assert [value for _, value in form.group.options] == ["", "mine"]
    assert form.new_group_box.layout.display in (None, "")
    form.group.value = "mine"
    assert form.new_group_box.layout.display == "none"
    form.desired.value, form.maximum.value = 5, 2  # hidden, and not the group's: not checked
    assert form.errors == [], form.problems
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    cluster = session.ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert cluster["capacityProviders"] == ["shop-ec2"]
    provider = session.ecs.describe_capacity_providers(capacityProviders=["shop-ec2"])
    group_arn = provider["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroupArn"]
    assert group_arn.endswith("autoScalingGroupName/mine")
    templates = session.ec2.describe_launch_templates()["LaunchTemplates"]
    assert [t["LaunchTemplateName"] for t in templates] == ["mine"]


def test_a_group_already_serving_a_provider_is_refused_beside_the_field(
    session, auto_scaling_group
):
    first = ClusterForm(session)
    first.name.value, first.infrastructure.value = "shop", "EC2"
    first.group.value = "mine"
    first.submit.click()
    form = ClusterForm(session)
    form.name.value, form.infrastructure.value = "other", "EC2"
    form.group.value = "mine"
    form.submit.click()
    assert "already the capacity of the capacity provider &#x27;shop-ec2&#x27;" in form.result.value
    assert "already the capacity" in form.field("ec2Capacity").problems_html.value
    clusters = session.ecs.list_clusters()["clusterArns"]
    assert [arn.rsplit("/", 1)[-1] for arn in clusters] == ["shop"]


@pytest.mark.parametrize(
    ("step", "infrastructure"),
    [("ecskit.ops.create_cluster", "EC2"), ("ecskit.capacity.create_activation", "EXTERNAL")],
)
def test_what_was_made_is_undone_when_a_later_step_fails(
    session, monkeypatch, step, infrastructure
):
    def refuse(*_args, **_kwargs):
        raise ops.OpError("Could not go on: no.", "ClientException")

    monkeypatch.setattr(step, refuse)
    form = ClusterForm(session)
    form.name.value, form.infrastructure.value = "fleet", infrastructure
    form.namespace.value = "__new__"
    form.submit.click()
    assert "Could not go on: no." in form.result.value
    assert _namespaces(session) == [] and _clusters(session) == []
    assert session.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    assert session.ec2.describe_launch_templates()["LaunchTemplates"] == []
    providers = session.ecs.describe_capacity_providers()["capacityProviders"]
    assert all(p["name"] != "fleet-ec2" or p["status"] == "INACTIVE" for p in providers)


def test_external_cluster_gets_an_activation_and_the_whole_command(session):
    form = ClusterForm(session)
    form.name.value = "edge"
    assert form.field("externalInstances").box.layout.display == "none"
    form.infrastructure.value = "EXTERNAL"
    assert form.field("externalInstances").box.layout.display == ""
    form.instances.value, form.days.value = 3, 7
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    command = form.registration.value.replace("&quot;", '"')
    assert '--cluster "edge"' in command and f'--region "{session.region}"' in command
    assert f'--activation-id "{form.activation["ActivationId"]}"' in command
    assert f'--activation-code "{form.activation["ActivationCode"]}"' in command
    assert "up to 3, within 7 days" in command
    assert session.iam.get_role(RoleName="ecsAnywhereRole")["Role"]["RoleName"] == "ecsAnywhereRole"


def test_bad_cluster_name_is_shown_beside_the_name_and_nothing_is_made(session):
    form = ClusterForm(session)
    form.name.value = "my cluster!"
    assert [p.path for p in form.errors] == ["clusterName"]
    assert "ecskit-problem" in form.field("clusterName").problems_html.value
    form._on_submit()
    assert session.ecs.list_clusters()["clusterArns"] == []
    form.name.value = "my-cluster"
    assert form.errors == [] and not form.submit.disabled


# --- nothing half-made: a namespace this submit made goes when the cluster cannot be made ---


def test_a_refused_capacity_removes_the_namespace_made_for_the_cluster(session):
    # a launch template by the capacity's name: EC2 refuses a second (AlreadyExists)
    session.ec2.create_launch_template(
        LaunchTemplateName="fleet-ec2", LaunchTemplateData={"InstanceType": "t3.micro"}
    )
    form = ClusterForm(session)
    form.name.value, form.infrastructure.value = "fleet", "EC2"
    form.namespace.value = "__new__"
    assert form.errors == [], form.problems
    form.submit.click()
    assert "Launch template name already in use" in form.result.value
    assert _namespaces(session) == [] and _clusters(session) == []
    templates = session.ec2.describe_launch_templates()["LaunchTemplates"]
    assert [t["LaunchTemplateName"] for t in templates] == ["fleet-ec2"]  # not ours: kept
    assert session.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_a_group_already_in_use_removes_the_namespace_and_keeps_one_that_was_there(
    session, auto_scaling_group
):
    first = ClusterForm(session)
    first.name.value, first.infrastructure.value = "shop", "EC2"
    first.group.value = "mine"
    first.namespace.value = "__new__"
    first.submit.click()
    assert "ecskit-created" in first.result.value, first.result.value
    ops.create_namespace(session, "kept")  # a namespace named like the next cluster
    for name in ("other", "kept"):
        form = ClusterForm(session)
        form.name.value, form.infrastructure.value = name, "EC2"
        form.group.value = "mine"  # the sandbox's group serves shop-ec2 already: refused
        form.namespace.value = "__new__"
        form.submit.click()
        assert "already the capacity" in form.result.value
    assert _namespaces(session) == ["kept", "shop"] and _clusters(session) == ["shop"]
