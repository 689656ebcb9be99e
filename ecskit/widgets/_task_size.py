"""Task CPU and memory: the Fargate table's dropdowns, or free text on EC2 and external."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..rules import sizes
from ._fields import offer

# What a dropdown shows for a key the loaded body leaves out.
NOT_SET = "(not set)"


class TaskSize:
    """The inputs of `cpu` and `memory`; `cpu_box`/`memory_box` hold the ones the launch needs."""

    def __init__(self) -> None:
        cpu_options = [(sizes.cpu_label(units), str(units)) for units in sizes.FARGATE_CPU_UNITS]
        self.fargate_cpu = widgets.Dropdown(options=cpu_options, value=str(1024))
        self.fargate_memory = widgets.Dropdown(options=[("", "")], value="")
        self.ec2_cpu = widgets.Text(placeholder="e.g. 512 or 0.5 vCPU (optional)")
        self.ec2_memory = widgets.Text(placeholder="e.g. 1024 or 3GB (optional)")
        for item in (self.fargate_cpu, self.ec2_cpu):
            item.add_class("ecskit-cpu")
        for item in (self.fargate_memory, self.ec2_memory):
            item.add_class("ecskit-memory")
        self.cpu_box = widgets.HBox()
        self.memory_box = widgets.HBox()

    def show(self, fargate: bool) -> None:
        self.cpu_box.children = [self.fargate_cpu if fargate else self.ec2_cpu]
        self.memory_box.children = [self.fargate_memory if fargate else self.ec2_memory]

    def cpu_changed(self) -> None:
        """Offer the memory the Fargate table allows with the chosen CPU (kept if allowed)."""
        units = sizes.parse_cpu(self.fargate_cpu.value)
        options = sizes.fargate_memory_options(units) if units is not None else []
        current = self.fargate_memory.value
        values = [str(mib) for mib in options]
        labels = [(sizes.memory_label(mib), str(mib)) for mib in options]
        self.fargate_memory.options = labels or [(NOT_SET, "")]
        self.fargate_memory.value = current if current in values else (values or [""])[0]

    def fill(self, cpu: str, memory: str, fargate: bool) -> None:
        """Show a loaded size as written; one the table lacks is offered, named as such."""
        if not fargate:
            self.ec2_cpu.value, self.ec2_memory.value = cpu, memory
            return
        units = sizes.parse_cpu(cpu)
        if not cpu:
            label = NOT_SET
        elif units in sizes.FARGATE_CPU_UNITS:
            label = f"{sizes.cpu_label(units)} (written {cpu})"  # e.g. "1 vCPU" for 1024
        else:
            label = f"{cpu} (not a Fargate CPU size)"
        offer(self.fargate_cpu, cpu, label)
        self.cpu_changed()
        mib = sizes.parse_memory(memory)
        allowed = sizes.fargate_memory_options(units) if units is not None else []
        if not memory:
            label = NOT_SET
        elif mib in allowed:
            label = f"{sizes.memory_label(mib)} (written {memory})"
        elif mib is not None and units is not None and allowed:
            label = f"{sizes.memory_label(mib)} (not valid for {sizes.cpu_label(units)})"
        else:
            label = f"{memory} (not valid here)"
        offer(self.fargate_memory, memory, label)

    def values(
        self, fargate: bool, bad: Callable[[str, str], None]
    ) -> tuple[str | None, str | None]:
        """(cpu, memory) for the request; text ECS cannot read is reported through `bad`."""
        if fargate:
            return self.fargate_cpu.value or None, self.fargate_memory.value or None
        values: list[str | None] = []
        for text, parse, path, example in (
            (self.ec2_cpu.value, sizes.parse_cpu, "cpu", "512 or 0.5 vCPU"),
            (self.ec2_memory.value, sizes.parse_memory, "memory", "1024 or 3GB"),
        ):
            if not text.strip():
                values.append(None)
                continue
            parsed = parse(text)
            if parsed is None:
                what = "CPU" if path == "cpu" else "Memory"
                bad(path, f"{what} {text.strip()!r} is not a size ECS reads: write {example}.")
            values.append(None if parsed is None else str(parsed))
        return values[0], values[1]

    def shown(self, launch: str) -> dict[str, Any]:
        """The inputs' values behind `cpu` and `memory`."""
        return {
            "cpu": (launch, self.fargate_cpu.value, self.ec2_cpu.value),
            "memory": (launch, self.fargate_memory.value, self.ec2_memory.value),
        }
