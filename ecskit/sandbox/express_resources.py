"""What an Express Mode service makes outside ECS, made and removed through moto's own APIs.

Defaults, word for word from "Resources created by Amazon ECS Express Mode services"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html, GUIDE):
- the Application Load Balancer: HTTPS listener on 443, a host-header rule per service; the
  scheme "depends on subnets" (internet-facing for public subnets, internal for private ones);
  "Up to 25 Express Mode services in the same VPC can share an Application Load Balancer",
  more are provisioned as needed and unused ones deprovisioned;
- target groups: HTTP, HTTP1, target type ip, health check interval 30 s, timeout 5 s,
  healthy threshold 5, unhealthy threshold 2, port and health-check port the container port;
- a Load Balancer Security Group (inbound HTTPS, outbound to the Service Security Group on the
  container port) and a Service Security Group (outbound to the internet);
- an ACM certificate (ManagedCertificate: "The ACM certificate for the Express service's
  domain", botocore's ECS model) and a service-specific log group.
Scaling and the deployment alarm: express_scaling.py.
Names AWS does not document are the sandbox's own (docs/express-mode.md lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .express_wire import MotoClient

SERVICES_PER_ALB = 25  # GUIDE, "Resource sharing and cost optimization"
HTTPS_PORT = 443
# The sandbox's own tag on what it made for Express services (AWS's tag is not documented).
MADE_BY = "ecskit:express-gateway"
Undo = list[Callable[[], Any]]


def random_hex(n: int) -> str:
    from moto.moto_api._internal import mock_random

    return str(mock_random.get_random_hex(n))  # seeded per request: snapshots replay it


def endpoint(name: str, region: str) -> str:
    """`<two letters of the name>-<32 hex>.ecs.<region>.on.aws`, the shape of every real
    Express URL found (e.g. ui-7aced620c90b418699e2dcf91288ddb1.ecs.us-west-2.on.aws for the
    service ui-service; docs/express-mode.md, "The URL")."""
    prefix = "".join(c for c in name.lower() if c.isalnum())[:2] or "ex"
    return f"{prefix}-{random_hex(32)}.ecs.{region}.on.aws"


# -- the shared load balancer ---------------------------------------------------------------
def shared_alb(w: MotoClient, vpc: str, scheme: str) -> dict[str, Any] | None:
    """An Express load balancer in `vpc` with room for one more service, or None."""
    found = w.call("elbv2", "DescribeLoadBalancers").get("LoadBalancers") or []
    for lb in found:
        if lb.get("VpcId") != vpc or lb.get("Scheme") != scheme:
            continue
        if not _made_by_express(w, lb["LoadBalancerArn"]):
            continue
        alb = _alb_parts(w, lb)
        if alb is not None and alb["services"] < SERVICES_PER_ALB:
            return alb
    return None


def alb_zones(w: MotoClient, vpc: str, scheme: str) -> set[str]:
    """The Availability Zones of the VPC's Express load balancers of `scheme` (empty: none yet).
    "the first Express Mode service for a VPC defines the subnets associated with either the
    internet-facing or internal load balancer for that VPC" (GUIDE)."""
    zones: set[str] = set()
    for lb in w.call("elbv2", "DescribeLoadBalancers").get("LoadBalancers") or []:
        ours = lb.get("VpcId") == vpc and lb.get("Scheme") == scheme
        if ours and _made_by_express(w, lb["LoadBalancerArn"]):
            zones.update(z["ZoneName"] for z in lb.get("AvailabilityZones") or [])
    return zones


def _made_by_express(w: MotoClient, arn: str) -> bool:
    tags = w.call("elbv2", "DescribeTags", ResourceArns=[arn])["TagDescriptions"]
    return any(t["Key"] == MADE_BY for d in tags for t in d.get("Tags") or [])


def _alb_parts(w: MotoClient, lb: dict[str, Any]) -> dict[str, Any] | None:
    listeners = w.call("elbv2", "DescribeListeners", LoadBalancerArn=lb["LoadBalancerArn"])
    https = [x for x in listeners.get("Listeners") or [] if x.get("Port") == HTTPS_PORT]
    if not https:
        return None
    rules = w.call("elbv2", "DescribeRules", ListenerArn=https[0]["ListenerArn"])["Rules"]
    return {
        "arn": lb["LoadBalancerArn"],
        "listener": https[0]["ListenerArn"],
        "securityGroup": (lb.get("SecurityGroups") or [None])[0],
        "subnets": [z["SubnetId"] for z in lb.get("AvailabilityZones") or []],
        "scheme": lb.get("Scheme"),
        "services": sum(1 for r in rules if not r.get("IsDefault")),
        "priorities": {int(r["Priority"]) for r in rules if str(r.get("Priority")).isdigit()},
    }


def make_alb(
    w: MotoClient, vpc: str, subnets: list[str], scheme: str, certificate: str, undo: Undo
) -> dict[str, Any]:
    """A new Express load balancer: its security group, the ALB and its HTTPS listener."""
    tag = [{"Key": MADE_BY, "Value": "load-balancer"}]
    # "allows inbound traffic for HTTPS resolution" (GUIDE)
    group = _security_group(
        w, f"ecs-express-gateway-alb-{random_hex(8)}", "Load Balancer Security Group of "
        "Express Mode services (ecskit sandbox)", vpc, tcp_rule(HTTPS_PORT, cidr="0.0.0.0/0"),
        undo,
    )  # fmt: skip
    lb = w.call(
        "elbv2",
        "CreateLoadBalancer",
        Name=f"ecs-express-gateway-alb-{random_hex(6)}",
        Subnets=subnets,
        SecurityGroups=[group],
        Scheme=scheme,
        Type="application",
        Tags=tag,
    )["LoadBalancers"][0]
    undo.append(
        lambda: w.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=lb["LoadBalancerArn"])
    )
    listener = w.call(
        "elbv2",
        "CreateListener",
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=HTTPS_PORT,
        Certificates=[{"CertificateArn": certificate}],
        # a host no rule names gets 404 (the sandbox's choice: AWS's default is not documented)
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]
    undo.append(lambda: w.call("elbv2", "DeleteListener", ListenerArn=listener["ListenerArn"]))
    return {
        "arn": lb["LoadBalancerArn"],
        "listener": listener["ListenerArn"],
        "securityGroup": group,
        "subnets": subnets,
        "scheme": scheme,
        "services": 0,
        "priorities": set(),
        "new": True,
    }


def remove_alb_if_unused(w: MotoClient, alb: dict[str, Any]) -> bool:
    """Deprovision an Express load balancer no service uses any more (GUIDE); True if gone."""
    rules = w.call("elbv2", "DescribeRules", ListenerArn=alb["listener"])["Rules"]
    if any(not r.get("IsDefault") for r in rules):
        return False
    w.call("elbv2", "DeleteListener", ListenerArn=alb["listener"])
    w.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=alb["arn"])
    if alb.get("securityGroup"):
        w.call("ec2", "DeleteSecurityGroup", GroupId=alb["securityGroup"])
    return True


# -- one service's parts ----------------------------------------------------------------------
def certificate(w: MotoClient, domain: str, undo: Undo) -> str:
    # made in moto's ACM directly: in the browser (no cryptography) it is recorded without keys
    from . import certificates  # loads moto's ACM only when an Express service needs it

    arn = certificates.request(w.account, w.region, domain)
    undo.append(lambda: w.call("acm", "DeleteCertificate", CertificateArn=arn))
    _issue(w, arn)
    return str(arn)


def _issue(w: MotoClient, arn: str) -> None:
    """AWS validates the certificate of its own on.aws domain: issued at once (inference; moto
    would hold it PENDING_VALIDATION for a minute)."""
    from moto.acm.models import acm_backends

    found = acm_backends[w.account][w.region]._certificates.get(arn)
    if found is not None:
        found.status = "ISSUED"


def service_security_group(
    w: MotoClient, name: str, vpc: str, port: int, alb_group: str, undo: Undo
) -> str:
    """The Service Security Group, `<cluster>-<service>-<vpc-id>` as real ones are named
    (docs/express-mode.md), open to the load balancer's group on the container port."""
    group = _security_group(
        w, f"{name}-{vpc}", "Service Security Group of an Express Mode service (ecskit "
        "sandbox)", vpc, tcp_rule(port, group=alb_group), undo,
    )  # fmt: skip
    open_to_service(w, alb_group, group, port, undo)
    return group


def _security_group(
    w: MotoClient, name: str, description: str, vpc: str, ingress: dict[str, Any], undo: Undo
) -> str:
    """A security group in `vpc` that lets `ingress` in."""
    group = w.call(
        "ec2", "CreateSecurityGroup", GroupName=name, Description=description, VpcId=vpc
    )["GroupId"]
    undo.append(lambda: w.call("ec2", "DeleteSecurityGroup", GroupId=group))
    w.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=group, IpPermissions=[ingress])
    return str(group)


def open_to_service(w: MotoClient, alb_group: str, group: str, port: int, undo: Undo) -> None:
    """The load balancer's group may reach the service's group on the container port."""
    rule = [tcp_rule(port, group=group)]
    w.call("ec2", "AuthorizeSecurityGroupEgress", GroupId=alb_group, IpPermissions=rule)
    undo.append(
        lambda: w.call("ec2", "RevokeSecurityGroupEgress", GroupId=alb_group, IpPermissions=rule)
    )


def tcp_rule(port: int, *, cidr: str | None = None, group: str | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if cidr:
        rule["IpRanges"] = [{"CidrIp": cidr}]
    if group:
        rule["UserIdGroupPairs"] = [{"GroupId": group}]
    return rule


def target_groups(w: MotoClient, vpc: str, port: int, path: str, undo: Undo) -> list[str]:
    """Production and alternate target groups (a canary needs both: docs/deployments.md)."""
    made = []
    for _ in range(2):
        group = w.call(
            "elbv2",
            "CreateTargetGroup",
            Name=f"ecs-gateway-tg-{random_hex(12)}",
            Protocol="HTTP",
            ProtocolVersion="HTTP1",
            Port=port,
            VpcId=vpc,
            TargetType="ip",
            IpAddressType="ipv4",
            HealthCheckEnabled=True,
            HealthCheckProtocol="HTTP",
            HealthCheckPort=str(port),
            HealthCheckPath=path,
            HealthCheckIntervalSeconds=30,
            HealthCheckTimeoutSeconds=5,
            HealthyThresholdCount=5,
            UnhealthyThresholdCount=2,
            Tags=[{"Key": MADE_BY, "Value": "target-group"}],
        )["TargetGroups"][0]["TargetGroupArn"]
        undo.append(lambda g=group: w.call("elbv2", "DeleteTargetGroup", TargetGroupArn=g))
        made.append(str(group))
    return made


def host_rule(w: MotoClient, alb: dict[str, Any], host: str, groups: list[str], undo: Undo) -> str:
    """The service's listener rule: its URL's host header, all traffic to the production group."""
    priority = next(p for p in range(1, 50_001) if p not in alb["priorities"])
    forward = {"TargetGroups": [{"TargetGroupArn": groups[0], "Weight": 100},
                                {"TargetGroupArn": groups[1], "Weight": 0}]}  # fmt: skip
    rule = w.call(
        "elbv2",
        "CreateRule",
        ListenerArn=alb["listener"],
        Priority=priority,
        Conditions=[{"Field": "host-header", "HostHeaderConfig": {"Values": [host]}}],
        Actions=[{"Type": "forward", "ForwardConfig": forward}],
    )["Rules"][0]["RuleArn"]
    undo.append(lambda: w.call("elbv2", "DeleteRule", RuleArn=rule))
    alb["priorities"].add(priority)
    return str(rule)


def listener_certificate(w: MotoClient, alb: dict[str, Any], cert: str, undo: Undo) -> None:
    """A shared listener serves each service's certificate (SNI); a new one has it already."""
    if alb.get("new"):
        return
    w.call(
        "elbv2",
        "AddListenerCertificates",
        ListenerArn=alb["listener"],
        Certificates=[{"CertificateArn": cert}],
    )
    undo.append(
        lambda: w.call(
            "elbv2",
            "RemoveListenerCertificates",
            ListenerArn=alb["listener"],
            Certificates=[{"CertificateArn": cert}],
        )
    )


def log_group(w: MotoClient, name: str, undo: Undo) -> bool:
    """The service's log group, made unless it exists; True if made here."""
    found = w.call("logs", "DescribeLogGroups", logGroupNamePrefix=name).get("logGroups") or []
    if any(g["logGroupName"] == name for g in found):
        return False
    w.call("logs", "CreateLogGroup", logGroupName=name)
    undo.append(lambda: w.call("logs", "DeleteLogGroup", logGroupName=name))
    return True


def rollback(undo: Undo) -> None:
    """Remove what a refused or failed request made, newest first (never half a service)."""
    for step in reversed(undo):
        try:
            step()
        except Exception:  # keep removing the rest
            continue
    undo.clear()
