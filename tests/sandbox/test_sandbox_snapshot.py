"""A notebook can start from "the state after chapter N": save, reset, restore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecskit.sandbox.snapshot import SnapshotError


def test_restore_rebuilds_the_same_resources_with_the_same_ids(ecs_session, network, kit) -> None:
    ecs, box = ecs_session.ecs, ecs_session.sandbox
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=2)
    before = {
        "clusters": ecs.list_clusters()["clusterArns"],
        "revisions": ecs.list_task_definitions()["taskDefinitionArns"],
        "services": ecs.list_services(cluster="shop")["serviceArns"],
        "subnets": [s["SubnetId"] for s in ecs_session.ec2.describe_subnets()["Subnets"]],
    }
    snapshot = json.loads(json.dumps(box.save()))  # it survives being written to a file
    box.reset()
    assert ecs.list_clusters()["clusterArns"] == []
    box.restore(snapshot)
    after = {
        "clusters": ecs.list_clusters()["clusterArns"],
        "revisions": ecs.list_task_definitions()["taskDefinitionArns"],
        "services": ecs.list_services(cluster="shop")["serviceArns"],
        "subnets": [s["SubnetId"] for s in ecs_session.ec2.describe_subnets()["Subnets"]],
    }
    assert after == before
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["runningCount"] == 2


def test_restore_refuses_what_is_not_a_snapshot(session) -> None:
    with pytest.raises(SnapshotError, match="save"):
        session.sandbox.restore({"clusters": []})


def test_a_reset_sandbox_has_the_same_default_vpc_whatever_ran_before(ecs_session, kit):
    """Restoring replays writes, so ids must repeat: moto's reset rebuilds the default VPC, and
    it once drew its ids from wherever the previous work left the random generator."""
    ecs, ec2, box = ecs_session.ecs, ecs_session.ec2, ecs_session.sandbox

    def default_subnets() -> list[str]:
        box.reset()
        found = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
        return sorted(s["SubnetId"] for s in found["Subnets"])

    first = default_subnets()
    ecs.create_cluster(clusterName="shop", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    kit.fargate_definition(ecs)
    ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        count=3,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": first[:1]}},
    )
    assert default_subnets() == first


# -- snapshots that hold (issue 11) ------------------------------------------------------------
def _build(session, network, kit) -> None:
    """Services mid-life on Fargate and on EC2 capacity, an ECS Anywhere instance, a task."""
    ecs, ec2 = session.ecs, session.ec2
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=2)
    default = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    kit.fargate_service(
        ecs,
        {"config": {"awsvpcConfiguration": {"subnets": [default["Subnets"][0]["SubnetId"]]}}},
        name="api",
        count=1,
    )
    kit.fargate_definition(ecs, image="nginx:2")
    ecs.update_service(cluster="shop", service="web", taskDefinition="web")  # a 2nd deployment
    template = ec2.create_launch_template(
        LaunchTemplateName="ecs",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    session.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="fleet",
        LaunchTemplate={"LaunchTemplateId": template},
        MinSize=2,
        MaxSize=2,
        VPCZoneIdentifier=network["subnet"]["SubnetId"],
    )
    group = session.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    ecs.create_capacity_provider(
        name="fleet", autoScalingGroupProvider={"autoScalingGroupArn": group["AutoScalingGroupARN"]}
    )
    ecs.create_cluster(clusterName="batch", capacityProviders=["fleet"])
    ecs.list_container_instances(cluster="batch")  # a read registers the group's instances
    kit.ec2_definition(ecs)
    ecs.run_task(cluster="batch", taskDefinition="worker", count=2)
    ecs.create_cluster(clusterName="onprem")
    ecs.register_container_instance(
        cluster="onprem",
        instanceIdentityDocument=json.dumps({"instanceId": "mi-0123456789abcdef0"}),
    )


def ids_of(session) -> dict:
    """Every id a snapshot must bring back (imported by the fresh-process test's subprocess)."""
    ecs, ec2 = session.ecs, session.ec2
    found: dict = {
        "clusters": sorted(ecs.list_clusters()["clusterArns"]),
        "subnets": sorted(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]),
        "enis": sorted(
            n["NetworkInterfaceId"] for n in ec2.describe_network_interfaces()["NetworkInterfaces"]
        ),
    }
    for cluster in found["clusters"]:
        arns = ecs.list_services(cluster=cluster)["serviceArns"]
        services = ecs.describe_services(cluster=cluster, services=arns)["services"] if arns else []
        tasks = ecs.list_tasks(cluster=cluster)["taskArns"]
        tasks += ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
        described = ecs.describe_tasks(cluster=cluster, tasks=tasks)["tasks"] if tasks else []
        found[cluster] = {
            "services": sorted(
                [
                    s["serviceArn"],
                    [d["id"] for d in s["deployments"]],
                    [e["id"] for e in s["events"]],
                ]
                for s in services
            ),
            "tasks": sorted(
                [
                    t["taskArn"],
                    t.get("startedBy"),
                    t.get("containerInstanceArn"),
                    [d["value"] for a in t["attachments"] for d in a["details"]],
                ]
                for t in described
            ),
            "instances": sorted(
                ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
            ),
        }
    return found


def test_a_snapshot_restores_in_a_fresh_process_with_the_same_ids(
    ecs_session, network, kit, tmp_path
) -> None:
    _build(ecs_session, network, kit)
    saved = ids_of(ecs_session)
    clusters = {arn.split("/")[-1]: found for arn, found in saved.items() if "cluster/" in arn}
    assert len(clusters["batch"]["instances"]) == 2 and len(clusters["onprem"]["instances"]) == 1
    assert len(clusters["batch"]["tasks"]) == 2 and len(clusters["shop"]["tasks"]) >= 3
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(ecs_session.sandbox.save()))
    code = (
        "import importlib.util, json, sys\n"
        "import ecskit\n"
        f"spec = importlib.util.spec_from_file_location('tests', {str(Path(__file__))!r})\n"
        "tests = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(tests)\n"
        "session = ecskit.connect()\n"
        "session.sandbox.restore(json.loads(open(sys.argv[1]).read()))\n"
        "print(json.dumps(tests.ids_of(session)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECSKIT_")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == saved


def _describe_everything(session) -> dict:
    ecs = session.ecs
    found = {}
    for cluster in ecs.list_clusters()["clusterArns"]:
        arns = ecs.list_services(cluster=cluster)["serviceArns"]
        tasks = ecs.list_tasks(cluster=cluster)["taskArns"]
        instances = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
        found[cluster] = {
            "cluster": ecs.describe_clusters(clusters=[cluster])["clusters"],
            "services": ecs.describe_services(cluster=cluster, services=arns)["services"]
            if arns
            else [],
            "tasks": ecs.describe_tasks(cluster=cluster, tasks=tasks)["tasks"] if tasks else [],
            "instances": ecs.describe_container_instances(
                cluster=cluster, containerInstances=instances
            )["containerInstances"]
            if instances
            else [],
        }
    return found


def test_restoring_twice_gives_the_same_describes(ecs_session, network, kit) -> None:
    box = ecs_session.sandbox
    _build(ecs_session, network, kit)
    snapshot = json.loads(json.dumps(box.save()))
    box.restore(snapshot)
    first = _describe_everything(ecs_session)
    box.restore(snapshot)
    second = _describe_everything(ecs_session)
    assert second == first
    web = next(s for s in first[next(iter(first))]["services"] if s["serviceName"] == "web")
    assert len({d["id"] for d in web["deployments"]}) == 1 and web["events"]


def _rollout(session) -> dict:
    ecs = session.ecs
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    arns = ecs.list_tasks(cluster="shop")["taskArns"]
    arns += ecs.list_tasks(cluster="shop", desiredStatus="STOPPED")["taskArns"]
    tasks = ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]
    return {
        "counts": [service["runningCount"], service["pendingCount"], service["desiredCount"]],
        "deployments": [
            [d["id"], d["status"], d["rolloutState"], d["runningCount"], d["pendingCount"]]
            for d in service["deployments"]
        ],
        "events": [[e["id"], e["createdAt"], e["message"]] for e in service["events"]],
        "tasks": sorted([t["taskArn"], t["lastStatus"], t["desiredStatus"]] for t in tasks),
    }


def test_a_snapshot_taken_mid_deployment_comes_back_mid_deployment(manual, network, kit) -> None:
    ecs, box = manual.ecs, manual.sandbox
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=2)
    box.advance(10)
    kit.fargate_definition(ecs, image="nginx:2")
    ecs.update_service(cluster="shop", service="web", taskDefinition="web")
    box.advance(1.5)  # the new tasks are on their way, the old ones still run
    before = _rollout(manual)
    assert [d[1:3] for d in before["deployments"]] == [
        ["PRIMARY", "IN_PROGRESS"],
        ["ACTIVE", "COMPLETED"],
    ]
    assert {t[1] for t in before["tasks"]} - {"RUNNING"}, "some task must be mid-start"
    snapshot = json.loads(json.dumps(box.save()))
    box.advance(30)
    later = _rollout(manual)
    assert later != before
    box.restore(snapshot)
    assert box.clock == "manual"
    assert _rollout(manual) == before
    box.advance(30)
    assert _rollout(manual) == later  # and it goes on as it would have


def test_a_snapshot_holds_no_credential_token_or_signature(session, network) -> None:
    import boto3
    from botocore.config import Config

    box = session.sandbox
    secrets = {
        "aws_access_key_id": "AKIAEXAMPLEKEY7TEST1",
        "aws_secret_access_key": "example-secret-key-must-not-be-kept",
        "aws_session_token": "FwoGZXIvYXdzEXAMPLEsessionTOKEN0123456789",
    }
    config = Config(retries={"max_attempts": 1})

    def client(name: str):
        return boto3.client(
            name, region_name="us-east-1", endpoint_url=box.endpoint_url, config=config, **secrets
        )

    client("ecs").create_cluster(clusterName="shop")
    vpc = client("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    client("logs").create_log_group(logGroupName="/ecs/web")
    text = json.dumps(box.save())
    for secret in secrets.values():
        assert secret not in text
    # no request signature ("Authorization: AWS4-HMAC-SHA256 Credential=..., Signature=...")
    assert "AWS4-HMAC-SHA256" not in text and "Signature=" not in text and "Credential=" not in text
    assert "SECURITY_TOKEN" not in text.upper()
    box.restore(json.loads(text))  # and what replay needs is still there
    assert session.ecs.list_clusters()["clusterArns"][0].endswith("/shop")
    assert vpc in [v["VpcId"] for v in session.ec2.describe_vpcs()["Vpcs"]]
    groups = session.client("logs").describe_log_groups()["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/ecs/web"]


def test_a_snapshot_of_another_version_is_refused_with_what_to_do(ecs_session) -> None:
    ecs_session.ecs.create_cluster(clusterName="kept")
    old = {"format": "ecskit-sandbox-snapshot/1", "requests": []}
    with pytest.raises(SnapshotError, match=r"'ecskit-sandbox-snapshot/1'.*Re-save it with this"):
        ecs_session.sandbox.restore(old)
    assert ecs_session.ecs.list_clusters()["clusterArns"]  # refused before anything was reset
