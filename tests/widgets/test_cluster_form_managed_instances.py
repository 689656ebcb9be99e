"""ClusterForm's Managed Instances choice and its Container Insights dropdown, on the sandbox."""

from __future__ import annotations

import json

import pytest

from ecskit.widgets import ClusterForm

TRUST_ECS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def managed_roles(session) -> tuple[str, str]:
    role = session.iam.create_role(
        RoleName="ecsInfrastructureRole", AssumeRolePolicyDocument=json.dumps(TRUST_ECS)
    )["Role"]["Arn"]
    ec2_trust = json.dumps(
        {
            **TRUST_ECS,
            "Statement": [
                {**TRUST_ECS["Statement"][0], "Principal": {"Service": "ec2.amazonaws.com"}}
            ],
        }
    )
    session.iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=ec2_trust)
    profile = session.iam.create_instance_profile(InstanceProfileName="ecsInstanceRole")
    session.iam.add_role_to_instance_profile(
        InstanceProfileName="ecsInstanceRole", RoleName="ecsInstanceRole"
    )
    return role, profile["InstanceProfile"]["Arn"]


def _clusters(session) -> list[str]:
    return [arn.rsplit("/", 1)[-1] for arn in session.ecs.list_clusters()["clusterArns"]]


def test_managed_instances_fields_name_what_is_missing(session):
    form = ClusterForm(session)
    form.name.value = "mi"
    form.infrastructure.value = "MANAGED_INSTANCES"
    assert form.managed.box.layout.display == ""
    messages = {p.path: p.message for p in form.problems}
    assert (
        "Infrastructure role is required"
        in messages["managedInstancesProvider.infrastructureRoleArn"]
    )
    assert (
        "Instance profile is required"
        in messages["managedInstancesProvider.instanceLaunchTemplate.ec2InstanceProfileArn"]
    )
    shown = form.problems_at("managedInstancesProvider.infrastructureRoleArn")
    assert [p.message for p in shown] == [
        messages["managedInstancesProvider.infrastructureRoleArn"]
    ]
    assert form.submit.disabled
    form.managed.vcpu_min.value, form.managed.vcpu_max.value = 8, 2
    assert any(
        "vCPUs" in p.message
        for p in form.problems_at(
            "managedInstancesProvider.instanceLaunchTemplate.instanceRequirements"
        )
    )


def test_managed_instances_request_previewed_and_every_subnet_shown(session, managed_roles):
    role, profile = managed_roles
    form = ClusterForm(session)
    form.name.value = "mi"
    form.infrastructure.value = "MANAGED_INSTANCES"
    form.managed.role.value, form.managed.profile.value = role, profile
    assert form.errors == [], form.problems
    subnets = form.managed.subnets
    assert subnets.value and len(subnets.value) == len(subnets.options)
    assert subnets.rows >= min(len(subnets.options), 8)  # none selected out of sight
    body = form.managed.body("mi")
    template = body["managedInstancesProvider"]["instanceLaunchTemplate"]
    assert body["cluster"] == "mi" and template["ec2InstanceProfileArn"] == profile
    assert template["instanceRequirements"]["vCpuCount"] == {"min": 1, "max": 4}
    assert "create-capacity-provider" in form.managed.request.value
    assert "capacityProviders" not in form.body  # the provider joins the cluster when made


def test_a_refused_capacity_provider_leaves_no_cluster(session, managed_roles, monkeypatch):
    role, profile = managed_roles
    form = ClusterForm(session)
    form.name.value = "mi-refused"
    form.infrastructure.value = "MANAGED_INSTANCES"
    form.managed.role.value, form.managed.profile.value = role, profile

    def refuse(body):
        from ecskit.ops import OpError

        raise OpError("Could not create the capacity provider: refused (ClientException)")

    monkeypatch.setattr(form.managed, "create", refuse)
    form.submit.click()
    assert "refused" in form.result.value
    assert "mi-refused" not in [
        c
        for c in _clusters(session)
        if session.ecs.describe_clusters(clusters=[c])["clusters"][0]["status"] == "ACTIVE"
    ]


def test_an_empty_instance_profile_is_named_beside_its_field_and_nothing_is_left(session):
    role = session.iam.create_role(
        RoleName="ecsInfrastructureRole", AssumeRolePolicyDocument=json.dumps(TRUST_ECS)
    )["Role"]["Arn"]
    empty = session.iam.create_instance_profile(InstanceProfileName="empty")["InstanceProfile"]
    form = ClusterForm(session)
    form.name.value = "mi-empty"
    form.infrastructure.value = "MANAGED_INSTANCES"
    form.managed.refresh_lists()
    form.managed.role.value, form.managed.profile.value = role, empty["Arn"]
    form.submit.click()
    if "UnsupportedFeatureException" in form.result.value:
        pytest.skip("the sandbox does not emulate Managed Instances capacity providers yet")
    assert "ecskit-error" in form.result.value
    shown = form.problems_at(
        "managedInstancesProvider.instanceLaunchTemplate.ec2InstanceProfileArn"
    )
    assert shown and "instance profile" in shown[0].message
    described = session.ecs.describe_clusters(clusters=["mi-empty"])["clusters"]
    assert not described or described[0]["status"] == "INACTIVE"


def test_managed_instances_cluster_is_created_with_its_provider(session, managed_roles):
    role, profile = managed_roles
    form = ClusterForm(session)
    form.name.value = "mi-made"
    form.infrastructure.value = "MANAGED_INSTANCES"
    form.managed.role.value, form.managed.profile.value = role, profile
    form.submit.click()
    if "UnsupportedFeatureException" in form.result.value:
        pytest.skip("the sandbox does not emulate Managed Instances capacity providers yet")
    assert "ecskit-created" in form.result.value, form.result.value
    found = session.ecs.describe_capacity_providers(capacityProviders=["mi-made-managed-instances"])
    assert (
        found["capacityProviders"][0]["managedInstancesProvider"]["infrastructureRoleArn"] == role
    )


@pytest.mark.parametrize("value", ["disabled", "enabled", "enhanced"])
def test_container_insights_is_a_choice_of_three(session, value):
    form = ClusterForm(session)
    form.name.value = f"insights-{value}"
    form.insights.value = value
    assert form.body["settings"] == [{"name": "containerInsights", "value": value}]
    form.submit.click()
    cluster = session.ecs.describe_clusters(clusters=[f"insights-{value}"], include=["SETTINGS"])
    assert cluster["clusters"][0]["settings"] == [{"name": "containerInsights", "value": value}]


def test_a_loaded_unknown_insights_value_is_kept_and_flagged(session):
    form = ClusterForm(session)
    problems = form.load(
        {"clusterName": "c", "settings": [{"name": "containerInsights", "value": "on"}]}
    )
    assert problems == []
    assert form.body["settings"][0]["value"] == "on"
    assert [p.rule for p in form.problems] == ["cluster.container-insights"]


def test_the_create_button_makes_the_documented_roles_and_the_cluster_follows(session):
    form = ClusterForm(session)
    form.name.value = "mi-roles"
    form.infrastructure.value = "MANAGED_INSTANCES"
    form.managed.create_button.click()
    assert form.managed.role.value.endswith(":role/ecsInfrastructureRoleForManagedInstances")
    assert form.managed.profile.value.endswith(":instance-profile/ecsInstanceRole")
    profile = session.iam.get_instance_profile(InstanceProfileName="ecsInstanceRole")
    assert [r["RoleName"] for r in profile["InstanceProfile"]["Roles"]] == ["ecsInstanceRole"]
    instance_role = session.iam.get_role(RoleName="ecsInstanceRole")["Role"]
    assert "ec2.amazonaws.com" in json.dumps(instance_role["AssumeRolePolicyDocument"])
    assert form.errors == [], form.problems
    form.submit.click()
    if "UnsupportedFeatureException" in form.result.value:
        pytest.skip("the sandbox does not emulate Managed Instances capacity providers yet")
    assert "ecskit-created" in form.result.value, form.result.value
    found = session.ecs.describe_capacity_providers(
        capacityProviders=["mi-roles-managed-instances"]
    )
    assert found["capacityProviders"][0]["status"] == "ACTIVE"
