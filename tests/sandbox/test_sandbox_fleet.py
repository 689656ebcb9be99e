"""Container instances from Auto Scaling group capacity providers and from ECS Anywhere."""

from __future__ import annotations

import json


def test_auto_scaling_group_instances_register_sized_by_type(ecs_session, network) -> None:
    ecs, ec2, asg = ecs_session.ecs, ecs_session.ec2, ecs_session.autoscaling
    template = ec2.create_launch_template(
        LaunchTemplateName="ecs",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName="ecs-fleet",
        LaunchTemplate={"LaunchTemplateId": template},
        MinSize=2,
        MaxSize=2,
        VPCZoneIdentifier=network["subnet"]["SubnetId"],
    )
    arn = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(
        name="fleet", autoScalingGroupProvider={"autoScalingGroupArn": arn}
    )
    ecs.create_cluster(clusterName="shop", capacityProviders=["fleet"])
    arns = ecs.list_container_instances(cluster="shop")["containerInstanceArns"]
    assert len(arns) == 2
    instances = ecs.describe_container_instances(cluster="shop", containerInstances=arns)
    for instance in instances["containerInstances"]:
        registered = {r["name"]: r.get("integerValue") for r in instance["registeredResources"]}
        assert registered["CPU"] == 2048  # t3.medium: 2 vCPUs
        assert 3500 < registered["MEMORY"] < 4096  # 4 GiB, less what the OS keeps
    cluster = ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert cluster["registeredContainerInstancesCount"] == 2


def test_an_ecs_anywhere_instance_appears_after_activation(ecs_session) -> None:
    ecs = ecs_session.ecs
    ssm = ecs_session.client("ssm")
    activation = ssm.create_activation(IamRole="ecsAnywhereRole", RegistrationLimit=1)
    assert activation["ActivationId"] and activation["ActivationCode"]
    ecs.create_cluster(clusterName="onprem")
    registered = ecs.register_container_instance(
        cluster="onprem",
        instanceIdentityDocument=json.dumps({"instanceId": "mi-0123456789abcdef0"}),
        totalResources=[
            {"name": "CPU", "type": "INTEGER", "integerValue": 4096},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 7800},
        ],
    )["containerInstance"]
    assert registered["ec2InstanceId"] == "mi-0123456789abcdef0"
    arns = ecs.list_container_instances(cluster="onprem")["containerInstanceArns"]
    assert arns == [registered["containerInstanceArn"]]
    ecs.register_task_definition(
        family="job",
        requiresCompatibilities=["EXTERNAL"],
        containerDefinitions=[{"name": "job", "image": "busybox", "memory": 256}],
    )
    task = ecs.run_task(cluster="onprem", taskDefinition="job", launchType="EXTERNAL")["tasks"][0]
    assert task["containerInstanceArn"] == registered["containerInstanceArn"]
