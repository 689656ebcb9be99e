"""Chapter 10: the app reads files from s3://course-assets; the learner decides which of web's two
roles gets the permission, and how narrow it is.

Facts (developer guide, security-iam-roles.html): the task execution role "allows Amazon ECS to
use other AWS services on your behalf" (pull images, send logs, read secrets); the task role
"allows your application code (on the container) to use other AWS services", required when
"Your application accesses other AWS services, such as Amazon S3".
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from ..catch_up import EXECUTION_ROLE
from ..exercises import exercise
from ..result import Result
from .reading import GUIDE

ASSETS = "arn:aws:s3:::course-assets/*"
ROLES = GUIDE + "security-iam-roles.html"
LEAST = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"


@exercise(
    "10-task-role-policy",
    "the right role, and no more than it needs",
    "The web app reads objects from s3://course-assets/ and does nothing else with AWS: give the "
    "right one of web's two roles an inline policy for exactly that.",
)
def _task_role_policy(session: Any, result: Result) -> None:
    task = _statements(session, "webTaskRole")
    execution = _statements(session, EXECUTION_ROLE)
    result.add(
        any(_allows(s, "s3:GetObject", ASSETS) for s in task),
        f"the role the app's code uses allows s3:GetObject on {ASSETS}",
        "the permission belongs to the role your application's code uses (not the one ECS "
        "uses to start the task): an inline policy (put_role_policy) allowing s3:GetObject "
        "on " + ASSETS,
        ROLES,
    )
    result.add(
        not any(_mentions_s3(s) for s in execution),
        "the role ECS uses to start the task got no S3 permission",
        "the execution role is what ECS uses to start the task (pull the image, send logs, read "
        "secrets); the app never sees it: remove the S3 policy from it "
        f'(delete_role_policy(RoleName="{EXECUTION_ROLE}", PolicyName=...))',
        ROLES,
    )
    broad = [s for s in task if s.get("Effect") == "Allow" and _too_broad(s)]
    result.add(
        bool(task) and not broad,
        "the app's role allows no more than reading the assets"
        + (f" (too broad: {json.dumps(broad[0])})" if broad else ""),
        'name the one action ("s3:GetObject", not "s3:*" or "*") and the objects '
        f'("{ASSETS}", not "*"): least privilege'
        if task
        else "not checked yet: first give the app's role its policy",
        LEAST,
    )


def _statements(session: Any, role: str) -> list[dict[str, Any]]:
    iam = session.iam
    try:
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    except iam.exceptions.NoSuchEntityException:
        return []
    found: list[dict[str, Any]] = []
    for name in names:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            document = json.loads(unquote(document))
        found += _as_list(document.get("Statement"))
    return found


def _allows(statement: dict[str, Any], action: str, resource: str) -> bool:
    return (
        statement.get("Effect") == "Allow"
        and action in _as_list(statement.get("Action"))
        and resource in _as_list(statement.get("Resource"))
    )


def _mentions_s3(statement: dict[str, Any]) -> bool:
    actions = [str(a) for a in _as_list(statement.get("Action"))]
    return statement.get("Effect") == "Allow" and any(a.startswith("s3:") for a in actions)


def _too_broad(statement: dict[str, Any]) -> bool:
    actions = [str(a) for a in _as_list(statement.get("Action"))]
    resources = [str(r) for r in _as_list(statement.get("Resource"))]
    return any("*" in a for a in actions) or any(r == "*" or r.endswith(":::*") for r in resources)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
