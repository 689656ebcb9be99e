"""The service forms' EBS volumes configured at launch: one row per such volume of the revision.

ServiceVolumeConfiguration / ServiceManagedEBSVolumeConfiguration (botocore's ECS model): the
name of a task-definition volume with configuredAtLaunch true, and the EBS volume made for each
task — size, type, IOPS, throughput, encryption and KMS key, snapshot, role, filesystem.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .. import express
from ..rules.volume_configuration import VOLUME_TYPES, launch_volumes
from ._fields import Field

VC = "volumeConfigurations"
FILESYSTEMS = [
    ("default (xfs)", ""),
    ("ext3", "ext3"),
    ("ext4", "ext4"),
    ("xfs", "xfs"),
    ("ntfs", "ntfs"),
]
HELP = (
    "ECS creates one EBS volume per task with these settings (the task definition leaves them "
    "to launch). gp3: 3,000 IOPS and 125 MiB/s unless set."
)


class VolumeRow:
    """The inputs of one volume configured at launch."""

    def __init__(self, form: Any, index: int, name: str, roles: list[tuple[str, str]]) -> None:
        self.name = name
        small = {"width": "90px"}
        self.size = widgets.BoundedIntText(value=20, min=0, max=16384, layout=small)
        self.type = widgets.Dropdown(options=VOLUME_TYPES, value="gp3", layout=small)
        self.iops = widgets.BoundedIntText(value=0, min=0, max=256000, layout=small)
        self.throughput = widgets.BoundedIntText(value=0, min=0, max=1000, layout=small)
        self.encrypted = widgets.Checkbox(
            value=True, description="Encrypted", indent=False, layout={"width": "100px"}
        )
        self.kms_key = widgets.Text(
            placeholder="KMS key (default: aws/ebs)", layout={"width": "260px"}
        )
        self.snapshot = widgets.Text(
            placeholder="snapshot id (optional)", layout={"width": "200px"}
        )
        self.role = widgets.Dropdown(options=[("None", ""), *roles], layout={"width": "360px"})
        self.filesystem = widgets.Dropdown(options=FILESYSTEMS, value="", layout={"width": "140px"})
        at = f"{VC}[{index}].managedEBSVolume"

        def word(text: str) -> widgets.HTML:
            return widgets.HTML(text, layout={"margin": "0 6px"})

        self.fields = [
            Field(f"{VC}[{index}]", None, name=f"volume-{index}"),
            Field(
                f"{at}.sizeInGiB",
                self.size,
                label=f"Volume {name}",
                help=HELP,
                name=f"volume-{index}-size",
                extra=[word("GiB, type"), self.type, word("filesystem"), self.filesystem],
            ),
            Field(
                f"{at}.iops",
                self.iops,
                label="IOPS / MiB/s",
                name=f"volume-{index}-iops",
                extra=[word("throughput"), self.throughput, word("(0: the type's default)")],
            ),
            Field(f"{at}.throughput", None, name=f"volume-{index}-throughput"),
            Field(
                f"{at}.kmsKeyId",
                self.encrypted,
                label="Encryption",
                name=f"volume-{index}-encryption",
                extra=[self.kms_key],
            ),
            Field(
                f"{at}.snapshotId",
                self.snapshot,
                label="From snapshot",
                name=f"volume-{index}-snapshot",
            ),
            Field(
                f"{at}.roleArn",
                self.role,
                label="Infrastructure role",
                help="Trusted by ecs.amazonaws.com, with "
                "AmazonECSInfrastructureRolePolicyForVolumes.",
                name=f"volume-{index}-role",
            ),
        ]
        form.watch(
            self.size,
            self.type,
            self.iops,
            self.throughput,
            self.encrypted,
            self.kms_key,
            self.snapshot,
            self.role,
            self.filesystem,
        )

    def request(self) -> dict[str, Any]:
        ebs: dict[str, Any] = {"roleArn": self.role.value or "", "volumeType": self.type.value}
        if self.size.value:
            ebs["sizeInGiB"] = int(self.size.value)
        for key, value in (("iops", self.iops.value), ("throughput", self.throughput.value)):
            if value:
                ebs[key] = int(value)
        ebs["encrypted"] = bool(self.encrypted.value)
        for key, text in (("kmsKeyId", self.kms_key.value), ("snapshotId", self.snapshot.value)):
            if text.strip():
                ebs[key] = text.strip()
        if self.filesystem.value:
            ebs["filesystemType"] = self.filesystem.value
        return {"name": self.name, "managedEBSVolume": ebs}

    def fill(self, ebs: dict[str, Any]) -> None:
        role = str(ebs.get("roleArn", ""))
        if role and role not in [v for _, v in self.role.options]:
            self.role.options = [*self.role.options, (role.rsplit("/", 1)[-1], role)]
        self.role.value = role
        self.size.value = int(ebs.get("sizeInGiB") or 0)
        self.type.value = str(ebs.get("volumeType", "gp3"))
        self.iops.value = int(ebs.get("iops") or 0)
        self.throughput.value = int(ebs.get("throughput") or 0)
        self.encrypted.value = bool(ebs.get("encrypted", True))
        self.kms_key.value = str(ebs.get("kmsKeyId", ""))
        self.snapshot.value = str(ebs.get("snapshotId", ""))
        self.filesystem.value = str(ebs.get("filesystemType", ""))


class VolumeSection:
    """Rows for the chosen revision's volumes configured at launch (none: the section hides)."""

    def __init__(self, form: Any) -> None:
        self.form = form
        self.rows: list[VolumeRow] = []
        self.box = widgets.VBox()
        self.box.add_class("ecskit-section")
        self.box.add_class("ecskit-volume-configurations")
        self._names: list[str] = []
        self.kept: list[dict[str, Any]] = []  # loaded ones naming no such volume: sent, flagged
        self._roles: list[tuple[str, str]] | None = None

    def follow(self, revision: dict[str, Any] | None) -> None:
        """Rebuild the rows when the revision's launch-configured volumes change."""
        names = launch_volumes(revision)
        if names == self._names:
            return
        old = {field.path for row in self.rows for field in row.fields}
        self.form.fields = [f for f in self.form.fields if f.path not in old]
        if names and self._roles is None:
            self._roles = self.form.read(
                lambda: express.infrastructure_roles(self.form.session), [], "list IAM roles"
            )
        self._names = names
        self.rows = [VolumeRow(self.form, i, n, self._roles or []) for i, n in enumerate(names)]
        for row in self.rows:
            self.form.fields.extend(row.fields)
        self.box.children = [field.box for row in self.rows for field in row.fields]
        self.box.layout.display = "" if self.rows else "none"

    def request(self, body: dict[str, Any]) -> None:
        if self.rows or self.kept:
            body[VC] = [row.request() for row in self.rows] + self.kept

    def fill(self, configurations: list[dict[str, Any]]) -> None:
        by_name = {c.get("name"): c.get("managedEBSVolume") or {} for c in configurations}
        self.kept = [c for c in configurations if c.get("name") not in self._names]
        for row in self.rows:
            if row.name in by_name:
                row.fill(by_name[row.name])
