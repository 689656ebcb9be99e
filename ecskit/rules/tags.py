"""Tags on a request (task definition, cluster, service, task): unique keys, no aws: prefix.

The count (50) and the key/value lengths and characters are in botocore's model (model.length,
model.pattern); these two are only in its Tag documentation.
"""

from __future__ import annotations

from typing import Any

from . import docs
from .fields import as_dict, as_str, dicts
from .problem import ERROR, Problem, rule

TAGGED = ("task-definition", "cluster", "service", "run-task")  # the requests with `tags`

TAGS = rule(
    "tags.limits",
    ERROR,
    (*TAGGED, "update-service"),  # UpdateService's volumeConfigurations carry EBS tags too
    "Each tag key appears once, and neither keys nor values start with aws: (any case), which "
    "is reserved for AWS; EBS volumes ECS makes take no AmazonECSCreated or AmazonECSManaged tag.",
    docs.API + "API_Tag.html",
)


# "AmazonECSCreated and AmazonECSManaged are reserved tags that can't be used." (botocore's
# EBSTagSpecification.tags documentation)
RESERVED_EBS_TAGS = ("AmazonECSCreated", "AmazonECSManaged")


def run(kind: str, body: dict[str, Any], out: list[Problem]) -> None:
    for index, volume in dicts(body.get("volumeConfigurations")):
        specs = as_dict(volume.get("managedEBSVolume")).get("tagSpecifications")
        for spec_index, spec in dicts(specs):
            for tag_index, tag in dicts(spec.get("tags")):
                if as_str(tag.get("key")) in RESERVED_EBS_TAGS:
                    out.append(
                        TAGS.at(
                            f"volumeConfigurations[{index}].managedEBSVolume.tagSpecifications"
                            f"[{spec_index}].tags[{tag_index}].key",
                            f"{tag['key']} is reserved for ECS on the volumes it makes: use "
                            "another key.",
                        )
                    )
    if kind not in TAGGED:
        return
    seen: dict[str, int] = {}
    for index, tag in dicts(body.get("tags")):
        key, value = as_str(tag.get("key")), as_str(tag.get("value"))
        for field, text in (("key", key), ("value", value)):
            if text.lower().startswith("aws:"):
                out.append(
                    TAGS.at(
                        f"tags[{index}].{field}",
                        f"Tag {field} {text!r} starts with aws:, which AWS reserves: rename it.",
                    )
                )
        if key in seen:
            out.append(
                TAGS.at(
                    f"tags[{index}].key", f"Tag key {key!r} is already used at tags[{seen[key]}]."
                )
            )
        else:
            seen[key] = index
