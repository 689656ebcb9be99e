"""The ECS service-linked role, `AWSServiceRoleForECS`, made in the sandbox as ECS makes it.

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html:
"Amazon ECS uses the service-linked role named AWSServiceRoleForECS", which "trusts the
following services to assume the role: ecs.amazonaws.com"; its permissions policy is
"AmazonECSServiceRolePolicy"; "When you create a cluster or create or update a service ...
Amazon ECS creates the service-linked role for you." One role per account, under the path
`/aws-service-role/ecs.amazonaws.com/`. moto 5.2.5's own CreateServiceLinkedRole names it
`AWSServiceRoleForecs`: the sandbox makes it here, in moto's IAM store, and answers IAM's
CreateServiceLinkedRole for ecs.amazonaws.com with the same role.
"""

from __future__ import annotations

import json
from typing import Any

SERVICE = "ecs.amazonaws.com"
NAME = "AWSServiceRoleForECS"
PATH = f"/aws-service-role/{SERVICE}/"
POLICY_NAME = "AmazonECSServiceRolePolicy"
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSServiceRolePolicy.html
POLICY_ARN = f"arn:aws:iam::aws:policy/aws-service-role/{POLICY_NAME}"
# the description real accounts show for the role (ListRoles/GetRole output in public repos)
DESCRIPTION = "Role to enable Amazon ECS to manage your cluster."
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": SERVICE}, "Action": "sts:AssumeRole"}
    ],
}


def arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role{PATH}{NAME}"


def ensure(account: str) -> str:
    """The account's service-linked role, made the first time (as ECS does); its ARN."""
    iam = _iam(account)
    role = find(iam)
    if role is None:
        role = iam.create_role(
            NAME,
            json.dumps(TRUST),
            PATH,
            permissions_boundary=None,
            description=DESCRIPTION,
            tags=[],
            max_session_duration="3600",
            linked_service=SERVICE,
        )
    if POLICY_ARN not in role.managed_policies:
        _policy(iam).attach_to(role)
    iam._ecskit_ecs_role_deleted = False
    return str(role.arn)


def missing_error(account: str) -> str | None:
    """RunTask's answer for an awsvpc task once the learner deleted the role, or None.

    ECS manages an awsvpc task's network interfaces with this role (the guide's permissions
    list); ECS makes it again only on CreateCluster, CreateService and UpdateService. The words
    are RunTask's InvalidParameterException, quoted in
    https://github.com/aws-solutions/cost-optimizer-for-amazon-workspaces/issues/13 and
    https://github.com/awslabs/fargatecli/issues/35. An account that never had it made by the
    sandbox is not refused: only a deletion makes the role's absence certain here."""
    iam = _iam(account)
    if not getattr(iam, "_ecskit_ecs_role_deleted", False) or find(iam) is not None:
        return None
    return (
        "Unable to assume the service linked role. Please verify that the ECS service linked "
        "role exists."
    )


def find(iam: Any) -> Any:
    """The role if the account has it (IAM role names are unique whatever their case)."""
    return next((r for r in iam.get_roles() if r.name.lower() == NAME.lower()), None)


def role_arn(backend: Any, service: Any, body: dict[str, Any], td: Any) -> str | None:
    """What DescribeServices shows as `roleArn`: the role given, else the service-linked role
    where ECS uses it, else nothing.

    CreateService's `role` (botocore's documentation): "If your account has already created the
    Amazon ECS service-linked role, that role is used for your service unless you specify a role
    here. The service-linked role is required if your task definition uses the awsvpc network
    mode or if the service is configured to use service discovery, an external deployment
    controller, multiple target groups, or Elastic Inference accelerators". The AWS CLI's
    examples (aws/aws-cli awscli/examples/ecs/create-service.rst) show the service-linked role's
    ARN for a Fargate service and an EXTERNAL one, and no roleArn for an EC2 service with no
    load balancer."""
    given = body.get("role")
    if given:
        return given if given.startswith("arn:") else _role_arn(backend, given)
    balancers = getattr(service, "load_balancers", None) or []
    uses = (
        getattr(td, "network_mode", None) == "awsvpc"
        or bool(getattr(service, "service_registries", None))
        or (getattr(service, "deployment_controller", None) or {}).get("type") == "EXTERNAL"
        or bool(balancers)
    )
    if not uses:
        return None
    return ensure(backend.account_id)


def _role_arn(backend: Any, name: str) -> str:
    """A role named by name, or by path and name ("/foo/bar", as the `role` docs allow)."""
    return f"arn:aws:iam::{backend.account_id}:role/{name.lstrip('/')}"


def install() -> None:
    """IAM's CreateServiceLinkedRole for ecs.amazonaws.com makes (or refuses) this role; its
    DeleteServiceLinkedRole deletes it; DetachRolePolicy leaves it as AWS made it."""
    from moto.iam.models import IAMBackend

    original = IAMBackend.create_service_linked_role
    if getattr(original, "_ecskit", False):
        return
    _install_delete(IAMBackend)

    def create_service_linked_role(
        self: Any, service_name: str, description: str, suffix: str
    ) -> Any:
        if service_name != SERVICE or suffix:
            return original(self, service_name, description, suffix)
        if find(self) is not None:
            from moto.iam.exceptions import InvalidInput

            # IAM's words when the role exists, quoted in
            # https://github.com/bcgov/startup-sample-project-aws-containers/issues/13
            raise InvalidInput(
                f"Service role name {NAME} has been taken in this account, please try a "
                "different suffix."
            )
        ensure(self.account_id)
        role = find(self)
        if description:
            role.description = description
        return role

    create_service_linked_role._ecskit = True  # type: ignore[attr-defined]
    IAMBackend.create_service_linked_role = create_service_linked_role  # type: ignore[method-assign]


def _install_delete(backend_class: Any) -> None:
    """moto 5.2.5 refuses to delete a role with a policy attached (DeleteConflict) and lets a
    user detach AWS's policy from it; IAM deletes a service-linked role with its policy
    ("Submits a service-linked role deletion request", API_DeleteServiceLinkedRole.html) and
    refuses to modify it."""
    delete, detach = backend_class.delete_service_linked_role, backend_class.detach_role_policy

    def delete_service_linked_role(self: Any, role_name: str) -> str:
        role = find(self)
        if role is None or role.name != role_name:
            return delete(self, role_name)
        for policy in list(role.managed_policies.values()):
            policy.detach_from(role)
        answer = delete(self, role_name)
        self._ecskit_ecs_role_deleted = True
        return answer

    def detach_role_policy(self: Any, policy_arn: str, role_name: str) -> None:
        role = find(self)
        if role is not None and role.name == role_name:
            from moto.iam.exceptions import IAMException

            # IAM's words for a service-linked role, quoted in
            # https://github.com/gruntwork-io/cloud-nuke/issues/880
            raise IAMException(
                "UnmodifiableEntity",
                f"Cannot perform the operation on the protected role '{role_name}' - this "
                "role is only modifiable by AWS",
            )
        detach(self, policy_arn, role_name)

    backend_class.delete_service_linked_role = delete_service_linked_role
    backend_class.detach_role_policy = detach_role_policy


def _iam(account: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account]["aws"]


def _policy(iam: Any) -> Any:
    """AmazonECSServiceRolePolicy as moto knows it: moto loads AWS-managed policies only when
    asked (all of them, 4.7 MB); this one is read from moto's own copy."""
    found = iam.managed_policies.get(POLICY_ARN)
    if found is not None:
        return found
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy

    start = aws_managed_policies_data.index(f'"{POLICY_NAME}":') + len(POLICY_NAME) + 3
    data, _ = json.JSONDecoder().raw_decode(aws_managed_policies_data, start)
    policy = AWSManagedPolicy.from_data(POLICY_NAME, iam.account_id, iam.region_name, data)
    iam.managed_policies[policy.arn] = policy
    return policy
