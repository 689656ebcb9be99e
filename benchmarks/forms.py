"""How fast a form answers a change (target: < 5 ms a check), next to asking the sandbox.

Each check rebuilds the request from the fields, runs `ecskit.rules.validate`, places every
problem beside its field and refreshes the three previews. The plain way to learn the same is
to send the request (boto3 register_task_definition to the sandbox) and read the error.

.venv/bin/python benchmarks/forms.py [--runs 200] [--containers 1]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import ecskit
from ecskit import ops
from ecskit.widgets import TaskDefinitionForm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--containers", type=int, default=1)
    args = parser.parse_args()
    session = ecskit.connect()
    ops.create_task_execution_role(session)  # awslogs on Fargate needs it: a valid form
    form = TaskDefinitionForm(session)
    form.family.value = "bench"
    for number in range(args.containers):
        editor = form.containers[0] if number == 0 else form.add_container()
        editor.name.value = f"app{number}"
        editor.image.value = "nginx:1.27"
        editor.add_port().container_port.value = str(8000 + number)
        editor.environment.value = "A=1\nB=2"
    session.ecs.list_clusters()  # warm the sandbox

    checks: dict[str, list[float]] = {"family typed": [], "Fargate CPU chosen": [], "sandbox": []}
    cpus = ["256", "512", "1024", "2048"]
    body = form.body
    for run in range(args.runs):
        # one keystroke, with everything it sets off (the log group follows the family)
        started = time.perf_counter()
        form.family.value = f"bench{run % 2}"
        checks["family typed"].append(time.perf_counter() - started)
        # a CPU change re-offers the memory list (one hold, one check)
        started = time.perf_counter()
        form.fargate_cpu.value = cpus[run % len(cpus)]
        checks["Fargate CPU chosen"].append(time.perf_counter() - started)
        if run < 30:  # the plain way: send it and see (each call registers a revision)
            started = time.perf_counter()
            # the sandbox's answer to a bad request is what the plain way learns
            with contextlib.suppress(session.ecs.exceptions.ClientException):
                session.ecs.register_task_definition(**body)
            checks["sandbox"].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) * 1000 for name, values in checks.items()}
    print(f"TaskDefinitionForm with {args.containers} container(s), {args.runs} changes, medians")
    for name, ms in medians.items():
        note = (
            "" if name == "sandbox" else f"  ({medians['sandbox'] / ms:5.1f}x faster than sending)"
        )
        target = "" if name == "sandbox" else "  target < 5 ms"
        label = "register on the sandbox" if name == "sandbox" else f"check after {name}"
        print(f"{label:<34} {ms:7.3f} ms{target}{note}")


if __name__ == "__main__":
    main()
