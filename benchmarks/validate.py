"""`ecskit.rules.validate` on 1,000 varied task definitions (target: well under a second).

.venv/bin/python benchmarks/validate.py [--count 1000] [--seed 7]

Prints the median per body and the total, next to botocore's own parameter validation of the
same bodies (types and required fields only: what boto3 checks before it sends a request).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
IMAGES = ("public.ecr.aws/nginx/nginx:1.27", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:36")


def task_definition(rng: random.Random, number: int) -> dict[str, Any]:
    """A task definition like the ones people write: 1-5 containers, Fargate or EC2."""
    from ecskit.rules import FARGATE_SIZES

    fargate = rng.random() < 0.6
    body: dict[str, Any] = {
        "family": f"app-{number}",
        "requiresCompatibilities": ["FARGATE"] if fargate else ["EC2"],
        "networkMode": "awsvpc" if fargate else rng.choice(["bridge", "host", "awsvpc"]),
        "containerDefinitions": [],
    }
    if fargate or rng.random() < 0.5:
        cpu = rng.choice(list(FARGATE_SIZES))
        memory = rng.choice(FARGATE_SIZES[cpu] + (123,))  # now and then a wrong pair
        body["cpu"], body["memory"] = str(cpu), str(memory)
    if rng.random() < 0.8:
        body["executionRoleArn"] = ROLE
    names = [f"c{i}" for i in range(rng.randint(1, 5))]
    for index, name in enumerate(names):
        container: dict[str, Any] = {
            "name": name,
            "image": rng.choice(IMAGES),
            "essential": index == 0,
            "portMappings": [{"containerPort": 8000 + index, "protocol": "tcp"}],
            "environment": [
                {"name": f"VAR_{i}", "value": str(i)} for i in range(rng.randint(0, 6))
            ],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": f"/ecs/app-{number}",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": name,
                },
            },
        }
        if not fargate:
            container["memory"] = rng.choice([128, 256, 512])
        if index and rng.random() < 0.5:
            container["dependsOn"] = [{"containerName": names[0], "condition": "START"}]
        if rng.random() < 0.3:
            container["healthCheck"] = {
                "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                "interval": rng.choice([10, 30, 400]),
            }
        body["containerDefinitions"].append(container)
    return body


def timed(function: Any, bodies: list[dict[str, Any]]) -> list[float]:
    timings = []
    for body in bodies:
        started = time.perf_counter()
        function(body)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    from ecskit.rules import validate

    validate("task-definition", {})  # first call: botocore loads and the model is compiled
    first = time.perf_counter() - started

    import botocore.session
    from botocore.validate import ParamValidator

    shape = (
        botocore.session.get_session()
        .get_service_model("ecs")
        .operation_model("RegisterTaskDefinition")
        .input_shape
    )
    validator = ParamValidator()

    rng = random.Random(args.seed)
    bodies = [task_definition(rng, n) for n in range(args.count)]
    ours = timed(lambda body: validate("task-definition", body), bodies)
    plain = timed(lambda body: validator.validate(body, shape), bodies)
    problems = sum(len(validate("task-definition", body)) for body in bodies)

    median_ours, median_plain = statistics.median(ours), statistics.median(plain)
    print(f"{args.count} task definitions, {problems} problems found")
    print(f"first call (load and compile botocore's ECS model): {first * 1000:.0f} ms")
    print(
        f"ecskit.rules.validate: median {median_ours * 1e6:.0f} us, total {sum(ours) * 1000:.1f} ms"
    )
    print(
        f"botocore ParamValidator (types/required only): median {median_plain * 1e6:.0f} us, "
        f"total {sum(plain) * 1000:.1f} ms"
    )
    print(f"ratio ecskit / botocore (medians): {median_ours / median_plain:.2f}x")


if __name__ == "__main__":
    main()
