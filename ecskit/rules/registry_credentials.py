"""Private registry credentials: a container's `repositoryCredentials` names a Secrets Manager
secret the execution role reads before the image is pulled.

Sources: botocore's RepositoryCredentials ("The Amazon Resource Name (ARN) of the secret
containing the private repository credentials"; API/CLI/SDK may give the name when the secret is
in the task's Region, the console needs the full ARN) and the developer guide's "Private registry
authentication for tasks" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html:
"The secret you reference can be from a different Region than the task using it, but must be from
within the same account"; "If your task definition references an image stored in Amazon ECR,
this topic does not apply"). The execution role itself: task_definition.execution_role.
"""

from __future__ import annotations

import re

from .fields import TD, as_dict, as_str, container_path
from .problem import ERROR, WARNING, Problem, rule
from .task_facts import Checks, TaskFacts

PRIVATE_AUTH = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html"
API_PAGE = (
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RepositoryCredentials.html"
)
# arn:partition:secretsmanager:region:account:secret:name (the name may hold / _ + = . @ -)
SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):secret:"
    r"(?P<name>[A-Za-z0-9/_+=.@-]+)$"
)
# a secret name: "ASCII letters, digits, or any of the following characters: /_+=.@-" (private-auth)
SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]+$")
ECR_IMAGE = re.compile(r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")
_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:iam::(?P<account>\d{12}):")

REQUIRED = rule(
    "registry-credentials.secret",
    ERROR,
    TD,
    "repositoryCredentials.credentialsParameter names the Secrets Manager secret holding the "
    "registry's username and password (its full ARN, or its name in the task's Region).",
    API_PAGE,
)
SAME_ACCOUNT = rule(
    "registry-credentials.same-account",
    ERROR,
    TD,
    "The credentials secret may be in another Region but must be in the task's account.",
    PRIVATE_AUTH,
)
NOT_FOR_ECR = rule(
    "registry-credentials.not-for-ecr",
    ERROR,
    TD,
    "Private repository credentials are not for Amazon ECR images: the execution role pulls those.",
    # ECS's own words for it, quoted in
    # https://github.com/aws-actions/amazon-ecs-deploy-task-definition/issues/48
    PRIVATE_AUTH,
)
FULL_ARN = rule(
    "registry-credentials.full-arn",
    WARNING,
    TD,
    "A secret given by name must be in the task's Region; the console asks for the full ARN.",
    API_PAGE,
)

check = Checks()


def problem(value: str, image: str = "", role_account: str = "") -> tuple[str, str] | None:
    """(rule id, message) for one credentialsParameter value, or None when it is fine.

    The form asks this as the user types; `check` below reports the same for any body."""
    value = value.strip()
    if not value:
        return REQUIRED.id, (
            "Private registry credentials: give the Secrets Manager secret's ARN, e.g. "
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-login."
        )
    if ECR_IMAGE.match(image.strip()):
        return NOT_FOR_ECR.id, (
            "Private repository credentials are not a supported authentication method for ECR "
            "repositories: remove them, the execution role pulls ECR images."
        )
    if value.startswith("arn:"):
        match = SECRET_ARN.match(value)
        if match is None:
            return REQUIRED.id, (
                f"{value!r} is not a Secrets Manager secret ARN "
                "(arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME); Parameter Store is not "
                "accepted here."
            )
        if role_account and match["account"] != role_account:
            return SAME_ACCOUNT.id, (
                f"The secret is in account {match['account']} but the execution role in "
                f"{role_account}: the secret must be in the task's own account."
            )
        return None
    if not SECRET_NAME.match(value):
        return REQUIRED.id, (
            f"{value!r} is neither a secret ARN nor a secret name "
            "(letters, digits and /_+=.@- only)."
        )
    return FULL_ARN.id, (
        f"Secret {value!r} given by name: it must be in the task's Region (the console needs the "
        "full ARN, arn:aws:secretsmanager:...)."
    )


_RULES = {r.id: r for r in (REQUIRED, SAME_ACCOUNT, NOT_FOR_ECR, FULL_ARN)}


@check
def repository_credentials(facts: TaskFacts, out: list[Problem]) -> None:
    role = _ACCOUNT.match(as_str(facts.body.get("executionRoleArn")))
    role_account = role["account"] if role else ""
    for index, container in facts.containers:
        if "repositoryCredentials" not in container:
            continue
        credentials = as_dict(container.get("repositoryCredentials"))
        value = as_str(credentials.get("credentialsParameter"))
        if "credentialsParameter" not in credentials:
            continue  # the model's required-member rule says so
        found = problem(value, as_str(container.get("image")), role_account)
        if found is not None:
            rule_id, message = found
            path = f"{container_path(index)}.repositoryCredentials.credentialsParameter"
            out.append(_RULES[rule_id].at(path, message))


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
