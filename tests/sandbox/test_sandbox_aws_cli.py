"""The AWS CLI against `ecskit sandbox`: a service of 3 tasks, a waiter, paging, an error."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from public_network import open_to_internet

AWS = Path(sys.executable).with_name("aws")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """`ecskit sandbox --port 0` in a subprocess on the instant clock; its URL."""
    env = {**os.environ, "ECSKIT_SANDBOX_CLOCK": "instant"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecskit.cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert match, f"no URL in {first!r}"
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def aws(endpoint: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }
    done = subprocess.run(
        [str(AWS), "--endpoint-url", endpoint, "--output", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def _clients(endpoint: str) -> tuple:
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return session.client("ecs", endpoint_url=endpoint), session.client(
        "ec2", endpoint_url=endpoint
    )


@pytest.mark.skipif(not AWS.exists(), reason="awscli is not installed in this environment")
def test_the_aws_cli_sees_a_sandbox_that_behaves_like_ecs(endpoint: str) -> None:
    # the setup through boto3 against the same endpoint (each CLI call costs a process)
    ecs, ec2 = _clients(endpoint)
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    # a public subnet: the tasks must reach Docker Hub (the sandbox stops them otherwise)
    open_to_internet(ec2, vpc_id)
    ecs.create_cluster(clusterName="shop")
    for _ in range(3):
        ecs.register_task_definition(
            family="web",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "web", "image": "nginx"}],
        )
    network = f"awsvpcConfiguration={{subnets=[{subnet}],assignPublicIp=ENABLED}}"
    aws(
        endpoint, "ecs", "create-service", "--cluster", "shop", "--service-name", "web",
        "--task-definition", "web:3", "--desired-count", "3", "--launch-type", "FARGATE",
        "--network-configuration", network,
    )  # fmt: skip
    aws(endpoint, "ecs", "wait", "services-stable", "--cluster", "shop", "--services", "web")
    service = json.loads(
        aws(endpoint, "ecs", "describe-services", "--cluster", "shop", "--services", "web").stdout
    )["services"][0]
    assert (service["runningCount"], service["desiredCount"]) == (3, 3)

    page = json.loads(aws(endpoint, "ecs", "list-task-definitions", "--max-items", "2").stdout)
    assert [a.split("/")[-1] for a in page["taskDefinitionArns"]] == ["web:1", "web:2"]
    assert page["NextToken"]
    rest = json.loads(
        aws(endpoint, "ecs", "list-task-definitions", "--starting-token", page["NextToken"]).stdout
    )
    assert [a.split("/")[-1] for a in rest["taskDefinitionArns"]] == ["web:3"]

    aws(endpoint, "ecs", "deregister-task-definition", "--task-definition", "web:1")
    refused = aws(
        endpoint, "ecs", "run-task", "--cluster", "shop", "--task-definition", "web:1",
        "--launch-type", "FARGATE", "--network-configuration", network, ok=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "ClientException" in refused.stderr and "TaskDefinition is inactive" in refused.stderr

    # issue 12: the service's deployment history, as the CLI shows it
    aws(endpoint, "ecs", "update-service", "--cluster", "shop", "--service", "web",
        "--task-definition", "web:2")  # fmt: skip
    listed = json.loads(
        aws(endpoint, "ecs", "list-service-deployments", "--cluster", "shop", "--service", "web")
        .stdout
    )["serviceDeployments"]  # fmt: skip
    assert [d["status"] for d in listed] == ["SUCCESSFUL", "SUCCESSFUL"]
    described = json.loads(
        aws(endpoint, "ecs", "describe-service-revisions", "--service-revision-arns",
            listed[0]["targetServiceRevisionArn"]).stdout
    )["serviceRevisions"][0]  # fmt: skip
    assert described["taskDefinition"].endswith("web:2")
    stopped = aws(
        endpoint, "ecs", "stop-service-deployment", "--service-deployment-arn",
        listed[0]["serviceDeploymentArn"], ok=False,
    )  # fmt: skip
    assert "ConflictException" in stopped.stderr
