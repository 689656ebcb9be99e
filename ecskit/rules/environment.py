"""Container environment: no secret-looking value in plain text."""

from __future__ import annotations

import re

from . import docs
from .fields import TD, as_str, container_path, dicts
from .problem import WARNING, Problem, rule
from .task_facts import Checks, TaskFacts

SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PWD$|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)",
    re.IGNORECASE,
)
SECRET_VALUE = re.compile(r"(^(AKIA|ASIA)[0-9A-Z]{16}$|-----BEGIN [A-Z ]*PRIVATE KEY-----)")


PLAIN_SECRET = rule(
    "environment.secret-value",
    WARNING,
    TD,
    "A secret-looking value in plain environment: anyone who can read the task definition sees "
    "it; use secrets.",
    docs.SECRETS,
)

check = Checks()


@check
def environment(facts: TaskFacts, out: list[Problem]) -> None:
    for index, container in facts.containers:
        for position, variable in dicts(container.get("environment")):
            name, value = as_str(variable.get("name")), as_str(variable.get("value"))
            if value and (SECRET_NAME.search(name) or SECRET_VALUE.search(value)):
                out.append(
                    PLAIN_SECRET.at(
                        f"{container_path(index)}.environment[{position}].value",
                        f"{name or 'This variable'} looks like a secret in plain text: move it to "
                        "secrets (Secrets Manager or Parameter Store).",
                    )
                )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
