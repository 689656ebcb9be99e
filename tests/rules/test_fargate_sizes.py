"""Every documented Fargate CPU/memory pair passes; the undocumented neighbours fail."""

from __future__ import annotations

import pytest
from rule_bodies import change, described, fargate_task_definition, run_task

from ecskit.rules import FARGATE_SIZES, fargate_memory_options, validate

GB = 1024
# The table as the seed (and the console) words it: vCPU -> GB values.
DOCUMENTED = {
    ".25 vCPU": [0.5, 1, 2],
    ".5 vCPU": [1, 2, 3, 4],
    "1 vCPU": list(range(2, 9)),
    "2 vCPU": list(range(4, 17)),
    "4 vCPU": list(range(8, 31)),
    "8 vCPU": list(range(16, 61, 4)),
    "16 vCPU": list(range(32, 121, 8)),
}
PAIRS = [(cpu, gb) for cpu, values in DOCUMENTED.items() for gb in values]


def _units(cpu: str) -> int:
    return int(float(cpu.split()[0]) * 1024)


def _neighbours() -> list[tuple[int, int]]:
    """Memory values next to the documented ones (±1 MiB, ±512 MiB, one step beyond each end)."""
    found = []
    for cpu, memories in FARGATE_SIZES.items():
        step = memories[1] - memories[0]
        candidates = {memories[0] - step, memories[-1] + step, memories[0] - 1, memories[-1] + 1}
        candidates |= {m + 512 for m in memories} | {m + 1 for m in memories}
        found += [(cpu, m) for m in sorted(candidates - set(memories)) if m > 0]
    return found


def _size_problems(cpu: str, memory: str) -> list:
    body = change(fargate_task_definition(), {"cpu": cpu, "memory": memory})
    return [p for p in validate("task-definition", body) if p.rule.startswith("fargate.")]


def test_the_table_is_the_documented_one():
    assert {c: [m / GB for m in ms] for c, ms in FARGATE_SIZES.items()} == {
        _units(cpu): [float(v) for v in values] for cpu, values in DOCUMENTED.items()
    }
    assert fargate_memory_options(2048) == [m * GB for m in range(4, 17)]


@pytest.mark.parametrize(("cpu", "gb"), PAIRS, ids=[f"{c}-{g}GB" for c, g in PAIRS])
def test_documented_pair_passes_in_units_and_as_written(cpu, gb):
    assert _size_problems(str(_units(cpu)), str(int(gb * GB))) == []
    assert _size_problems(cpu, f"{gb:g} GB") == []


@pytest.mark.parametrize(("cpu", "memory"), _neighbours())
def test_undocumented_neighbour_fails(cpu, memory):
    problems = _size_problems(str(cpu), str(memory))
    assert [(p.rule, p.path) for p in problems] == [("fargate.cpu-memory", "memory")]


@pytest.mark.parametrize("cpu", [128, 255, 257, 768, 3072, 10240, 32768])
def test_undocumented_cpu_fails(cpu):
    problems = _size_problems(str(cpu), "2048")
    assert [(p.rule, p.path) for p in problems] == [("fargate.cpu-memory", "cpu")]


@pytest.mark.parametrize(
    ("cpu", "memory", "version", "fails"),
    [
        ("8192", "16384", "1.3.0", True),
        ("16384", "32768", "1.3.0", True),
        ("8192", "16384", "1.4.0", False),
        ("16384", "32768", "LATEST", False),
        ("4096", "8192", "1.3.0", False),
    ],
)
def test_8_and_16_vcpu_need_platform_1_4(cpu, memory, version, fails):
    revision = described(change(fargate_task_definition(), {"cpu": cpu, "memory": memory}))
    body = change(run_task(), {"platformVersion": version})
    found = [p.rule for p in validate("run-task", body, task_definition=revision)]
    assert found == (["fargate.platform-version-size"] if fails else [])
