"""Container logging: the awslogs driver's options, FireLens."""

from __future__ import annotations

from . import docs
from .fields import TD, as_dict, container_path
from .problem import ERROR, WARNING, Problem, rule
from .task_facts import Checks, TaskFacts, log_driver

AWSLOGS_OPTIONS = (
    "awslogs-create-group",
    "awslogs-datetime-format",
    "awslogs-endpoint",
    "awslogs-group",
    "awslogs-multiline-pattern",
    "awslogs-region",
    "awslogs-stream-prefix",
    "max-buffer-size",
    "mode",
)

AWSLOGS = rule(
    "logs.awslogs-options",
    ERROR,
    TD,
    "The awslogs driver needs the options awslogs-group and awslogs-region.",
    docs.AWSLOGS,
)
AWSLOGS_OPTION = rule(
    "logs.awslogs-option-name",
    WARNING,
    TD,
    "awslogs options are awslogs-group, awslogs-region, awslogs-stream-prefix, "
    "awslogs-create-group, awslogs-datetime-format, awslogs-multiline-pattern, awslogs-endpoint, "
    "mode, max-buffer-size.",
    docs.AWSLOGS,
)
# "awslogs-stream-prefix Required: Yes, when using Fargate." (botocore's LogConfiguration.options
# documentation); a Fargate deployment without it fails (https://github.com/awslabs/aws-cdk/issues/1422).
STREAM_PREFIX = rule(
    "logs.awslogs-stream-prefix",
    ERROR,
    TD,
    "On Fargate, awslogs needs awslogs-stream-prefix (it ties each log stream to its container "
    "and task).",
    docs.AWSLOGS,
)
MULTILINE = rule(
    "logs.awslogs-multiline",
    ERROR,
    TD,
    "awslogs takes awslogs-datetime-format or awslogs-multiline-pattern, not both.",
    docs.LOG_CONFIGURATION,
)
FIRELENS = rule(
    "logs.firelens-router",
    ERROR,
    TD,
    "The awsfirelens log driver needs a log router container (firelensConfiguration).",
    docs.FIRELENS,
)

check = Checks()


@check
def logs(facts: TaskFacts, out: list[Problem]) -> None:
    routers = [c for _, c in facts.containers if isinstance(c.get("firelensConfiguration"), dict)]
    for index, container in facts.containers:
        driver = log_driver(container)
        at = f"{container_path(index)}.logConfiguration"
        options = as_dict(as_dict(container.get("logConfiguration")).get("options"))
        if driver == "awslogs":
            missing = [o for o in ("awslogs-group", "awslogs-region") if not options.get(o)]
            if missing:
                out.append(
                    AWSLOGS.at(
                        f"{at}.options",
                        f"The awslogs driver needs {' and '.join(missing)} in its options.",
                    )
                )
            for name in options:
                if name not in AWSLOGS_OPTIONS:
                    out.append(
                        AWSLOGS_OPTION.at(
                            f"{at}.options.{name}",
                            f"awslogs has no option {name!r}: check its spelling.",
                        )
                    )
            if facts.fargate and not options.get("awslogs-stream-prefix"):
                out.append(
                    STREAM_PREFIX.at(
                        f"{at}.options",
                        "On Fargate awslogs needs awslogs-stream-prefix (e.g. the container "
                        "name): each log stream is then prefix/container/task-id.",
                    )
                )
            if options.get("awslogs-datetime-format") and options.get("awslogs-multiline-pattern"):
                out.append(
                    MULTILINE.at(
                        f"{at}.options.awslogs-multiline-pattern",
                        "Use awslogs-datetime-format or awslogs-multiline-pattern, not both.",
                    )
                )
        if driver == "awsfirelens" and not routers:
            out.append(
                FIRELENS.at(
                    f"{at}.logDriver",
                    "awsfirelens needs a log router container with firelensConfiguration "
                    "(e.g. aws-for-fluent-bit) in this task definition.",
                )
            )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
