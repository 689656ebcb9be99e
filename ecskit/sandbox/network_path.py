"""Whether a task's start-up traffic can leave its subnet, from the VPC state moto holds.

Before a container starts, the agent calls ECR (registry auth, the manifest, the layers in S3),
Secrets Manager / SSM (the `secrets`) and CloudWatch Logs (awslogs) over the network. A Fargate
task calls from its own ENI: its subnet's route table needs 0.0.0.0/0 to an internet gateway with
a public IP on the task (assignPublicIp ENABLED), or 0.0.0.0/0 to a NAT gateway, or — for AWS
services only — VPC endpoints; its security groups must let HTTPS (443) out.
(https://www.repost.aws/knowledge-center/ecs-fargate-pull-container-error,
https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html)
On EC2 the agent pulls and logs from the instance, so the instance's subnet and public IP count;
an awsvpc task's own ENI never gets a public IP there
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html).
The messages are those ECS gives; see docs/task-failures.md for each one's source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# an address a timed-out dial names (ECS prints the endpoint's real address; any will do here)
_DIALED = "52.94.0.10"
_ECR = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/")


@dataclass
class Path:
    """Where the agent's calls leave from: a subnet, its security groups, a public IP or not."""

    ec2: Any
    subnet: Any
    groups: list[Any] = field(default_factory=list)
    public_ip: bool = False


@dataclass
class Needs:
    """What start-up calls: ECR (its region), other registries, logs, Secrets Manager, SSM."""

    region: str
    ecr: list[str] = field(default_factory=list)  # ECR image references
    public: list[str] = field(default_factory=list)  # images from registries on the internet
    logs: bool = False
    secretsmanager: bool = False
    ssm: bool = False


def network_error(task: Any, containers: list[dict[str, Any]]) -> str | None:
    """ECS's stoppedReason when start-up traffic has no way out, or None."""
    path = path_of(task)
    if path is None:  # nothing the sandbox can judge (no VPC state for it)
        return None
    needs = needs_of(task, containers)
    region = needs.region
    # the agent first fetches registry auth and secrets, then pulls, then starts the log driver
    if needs.ecr and not reaches(path, f"com.amazonaws.{region}.ecr.api"):
        return (
            "ResourceInitializationError: unable to pull secrets or registry auth: The task "
            "cannot pull registry auth from Amazon ECR: There is a connection issue between the "
            "task and Amazon ECR. Check your task network configuration. RequestError: send "
            f'request failed caused by: Post "https://api.ecr.{region}.amazonaws.com/": '
            f"dial tcp {_DIALED}:443: i/o timeout"
        )
    if needs.secretsmanager and not reaches(path, f"com.amazonaws.{region}.secretsmanager"):
        return _secrets_timeout("unable to retrieve secret from asm")
    if needs.ssm and not reaches(path, f"com.amazonaws.{region}.ssm"):
        return _secrets_timeout("unable to retrieve secrets from ssm")
    for image in needs.ecr:
        if not reaches(path, f"com.amazonaws.{region}.ecr.dkr"):
            return _manifest_timeout(image)
        if not reaches(path, f"com.amazonaws.{region}.s3", gateway=True):
            return _layer_timeout(image, region)
    for image in needs.public:
        if not reaches(path, None):
            return _manifest_timeout(image)
    if needs.logs and not reaches(path, f"com.amazonaws.{region}.logs"):
        # a Fargate task with no way to CloudWatch Logs, as a real one reported it:
        # https://gist.github.com/bradleybeddoes/7b568d87d20c5e4ebfe31de9a8dc08c7
        return "ResourceInitializationError: failed to validate logger args: : signal: killed"
    return None


def _secrets_timeout(step: str) -> str:
    # https://github.com/umotif-public/terraform-aws-ecs-fargate/issues/50 (SSM, no route)
    return (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution "
        f"resource retrieval failed: {step}: service call has been retried 5 time(s): "
        "RequestCanceled: request context canceled caused by: context deadline exceeded"
    )


def _manifest_timeout(image: str) -> str:
    # https://github.com/dstackai/dstack/pull/1944, https://github.com/deepfence/terraform-aws-cloud-scanner/issues/13
    ref = reference(image)
    host, _, rest = ref.partition("/")
    if host == "docker.io":
        host = "registry-1.docker.io"
    name, tag = _name_and_tag(rest)
    return (
        f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        f'resolve ref {ref}: failed to do request: Head "https://{host}/v2/{name}/manifests/'
        f'{tag}": dial tcp {_DIALED}:443: i/o timeout'
    )


def _layer_timeout(image: str, region: str) -> str:
    # ECR keeps layers in S3 (prod-<region>-starport-layer-bucket, named in the ECR guide's
    # VPC endpoint page); the shape of a failed layer copy as a real task reported it:
    # https://github.com/aws/aws-xray-daemon/issues/146
    bucket = f"prod-{region}-starport-layer-bucket.s3.{region}.amazonaws.com"
    return (
        "CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: "
        f'httpReadSeeker: failed open: failed to do request: Get "https://{bucket}/": '
        f"dial tcp {_DIALED}:443: i/o timeout ({reference(image)})"
    )


def reference(image: str) -> str:
    """The full reference containerd resolves: docker.io/library/nginx:latest for nginx."""
    first, _, rest = image.partition("/")
    if not rest or not ("." in first or ":" in first or first == "localhost"):
        image = f"docker.io/{image if rest else 'library/' + image}"
    if "@" in image or ":" in image.rpartition("/")[2]:
        return image
    return f"{image}:latest"


def _name_and_tag(ref: str) -> tuple[str, str]:
    if "@" in ref:
        name, digest = ref.split("@", 1)
        return name, digest
    head, _, last = ref.rpartition("/")
    if ":" in last:
        last, tag = last.split(":", 1)
        return (f"{head}/{last}" if head else last), tag
    return ref, "latest"


def needs_of(task: Any, containers: list[dict[str, Any]]) -> Needs:
    needs = Needs(region=task.region_name)
    for container in containers:
        image = str(container.get("image") or "")
        match = _ECR.match(image)
        if match is not None and match["region"] == task.region_name:
            needs.ecr.append(image)
        elif image:
            needs.public.append(image)  # other registries and other regions: the internet
        conf = container.get("logConfiguration") or {}
        if conf.get("logDriver") == "awslogs":
            needs.logs = True
        for secret in container.get("secrets") or []:
            if ":secretsmanager:" in str(secret.get("valueFrom") or ""):
                needs.secretsmanager = True
            else:
                needs.ssm = True
    return needs


def path_of(task: Any) -> Path | None:
    """The subnet, groups and public IP the agent's calls leave from (None: not judged)."""
    from moto.ec2.models import ec2_backends

    try:
        ec2 = ec2_backends[task._account_id][task.region_name]
    except Exception:
        return None
    if task.container_instance_arn:  # EC2: the agent calls from the instance
        return _instance_path(task, ec2)
    if (task.launch_type or "") == "EXTERNAL":
        return None  # an on-premises network: not the sandbox's to know
    conf = (getattr(task, "network_configuration", None) or {}).get("awsvpcConfiguration") or {}
    subnets = conf.get("subnets") or []
    if not subnets:
        return None
    try:
        subnet = ec2.get_subnet(subnets[0])
    except Exception:
        return None
    groups = [
        g
        for g in (ec2.get_security_group_from_id(i) for i in conf.get("securityGroups") or [])
        if g
    ]
    return Path(ec2, subnet, groups, public_ip=conf.get("assignPublicIp") == "ENABLED")


def _instance_path(task: Any, ec2: Any) -> Path | None:
    cluster = task._backend.container_instances.get(task.cluster_name, {})
    arn = task.container_instance_arn
    ci = cluster.get(arn) or next((c for k, c in cluster.items() if arn.endswith(k)), None)
    instance_id = getattr(ci, "ec2_instance_id", None)
    try:
        instance = ec2.get_instance(instance_id)
    except Exception:  # an instance moto never launched: nothing to judge against
        return None
    if not getattr(instance, "subnet_id", None):
        return None
    subnet = ec2.get_subnet(instance.subnet_id)
    return Path(ec2, subnet, list(instance.security_groups), bool(instance.public_ip))


# -- routes, endpoints and security groups -----------------------------------------------------
def reaches(path: Path, service: str | None, gateway: bool = False) -> bool:
    """Whether HTTPS from `path` reaches `service` (None: a host on the internet)."""
    if service is not None and _endpoint(path, service, gateway):
        return _egress_443(path.groups, internet=False)
    return _internet(path) and _egress_443(path.groups, internet=True)


def _endpoint(path: Path, service: str, gateway: bool) -> bool:
    table = route_table(path.ec2, path.subnet)
    for endpoint in path.ec2.vpc_end_points.values():
        if endpoint.vpc_id != path.subnet.vpc_id or endpoint.service_name != service:
            continue
        if gateway:  # a gateway endpoint works for the route tables it is associated with
            if table is not None and table.id in (endpoint.route_table_ids or []):
                return True
        # an interface endpoint without private DNS: the agent still calls the public name
        elif (endpoint.vpc_endpoint_type or "").lower() == "interface" and (
            endpoint.private_dns_enabled in (None, True, "true")
        ):
            return True
    return False


def _internet(path: Path) -> bool:
    table = route_table(path.ec2, path.subnet)
    target = default_route(path.ec2, table)
    if target == "igw":
        return path.public_ip
    if target is not None and target.startswith("nat-"):
        nat = path.ec2.nat_gateways.get(target)
        if nat is None or nat.state != "available":
            return False
        if getattr(nat, "connectivity_type", "public") == "private":
            return False  # a private NAT gateway reaches other networks, not the internet
        # a public NAT gateway sends through the internet gateway of its own subnet
        nat_subnet = path.ec2.get_subnet(nat.subnet_id)
        return default_route(path.ec2, route_table(path.ec2, nat_subnet)) == "igw"
    return False


def route_table(ec2: Any, subnet: Any) -> Any:
    """The subnet's route table: its explicit association, else its VPC's main table."""
    main = None
    for table in ec2.route_tables.values():
        if table.vpc_id != subnet.vpc_id:
            continue
        if subnet.id in table._associations.values():
            return table
        if table.main_association_id is not None:
            main = table
    return main


def default_route(ec2: Any, table: Any) -> str | None:
    """'igw' for 0.0.0.0/0 to an attached internet gateway, a NAT gateway's id, or None."""
    if table is None:
        return None
    for route in table.routes:
        if route.destination_cidr_block != "0.0.0.0/0":
            continue
        if route.nat_gateway is not None:
            return str(route.nat_gateway.id)
        gateway = route.gateway
        if gateway is not None and str(gateway.id).startswith("igw-"):
            attached = getattr(gateway, "vpc", None)
            return "igw" if attached is not None and attached.id == table.vpc_id else None
        return None
    vpc = ec2.vpcs.get(table.vpc_id)
    if vpc is not None and vpc.is_default and table.main_association_id is not None:
        # AWS gives a default VPC an internet gateway and this route; moto 5.2.5 does not
        # (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html)
        return "igw"
    return None


def _egress_443(groups: list[Any], internet: bool) -> bool:
    """A security group lets HTTPS out (to 0.0.0.0/0 when the call goes to the internet)."""
    if not groups:
        return True  # the VPC's default group, whose egress is open, as moto makes it
    for group in groups:
        for rule in group.egress_rules:
            protocol = str(rule.ip_protocol)
            if protocol not in ("-1", "tcp", "6"):
                continue
            if protocol != "-1" and not (rule.from_port <= 443 <= rule.to_port):
                continue
            if not internet:
                return True
            if (rule.ip_range or {}).get("CidrIp") == "0.0.0.0/0":
                return True
    return False
