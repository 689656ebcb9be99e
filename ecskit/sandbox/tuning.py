"""moto, made fast enough for an account of thousands of tasks; every answer stays the same.

moto 5.2 spends most of a large describe in its generic serializer, re-deriving for every value
which attribute of a Python object holds each field of the botocore shape; and its DescribeTasks
compares every stored task with every ARN asked. Both are pure functions of things that do not
change while the sandbox runs (the class, the field, the shape), so the sandbox remembers them.
`tests/inventory/test_sandbox_tuning.py` compares answers with and without these changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

# (owner, attribute, moto's own, the sandbox's): kept so tests can compare with moto's answers
_patches: list[tuple[Any, str, Any, Any]] = []
_enabled = False


def apply() -> None:
    """Install the faster paths (once per process; moto's state is per process too)."""
    global _enabled
    if _patches:
        return
    _remember_attribute_names()
    _walk_json_shapes_directly()
    _index_describe_tasks()
    for owner, name, _moto, ours in _patches:
        setattr(owner, name, ours)
    _enabled = True


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """moto exactly as it comes, for the duration (tests compare answers both ways). The host
    lookup cache (`dispatcher`) stays: it changes which code answers, never the answer."""
    global _enabled
    was = _enabled
    for owner, name, moto, _ours in _patches:
        setattr(owner, name, moto)
    _enabled = False
    try:
        yield
    finally:
        if was:
            for owner, name, _moto, ours in _patches:
                setattr(owner, name, ours)
        _enabled = was


def _patch(owner: Any, name: str, ours: Any) -> None:
    _patches.append((owner, name, getattr(owner, name), ours))


def dispatcher(create_app: Any) -> Any:
    """moto's front door, remembering which service each host name means.

    moto answers that question by listing its own package directory on every request (2.7 ms,
    more than a whole DescribeTaskDefinition); the answer depends only on the host name.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    class Dispatcher(DomainDispatcherApplication):
        def __init__(self, create_app: Any) -> None:
            super().__init__(create_app)
            self._backends: dict[str | None, Any] = {}

        def get_backend_for_host(self, host: str | None) -> Any:
            if host not in self._backends:
                self._backends[host] = super().get_backend_for_host(host)
            return self._backends[host]

    return Dispatcher(create_app)


def _remember_attribute_names() -> None:
    """moto tries aliases of each field (`taskArn`, `task_arn`, …) in an order that depends only
    on the object's class, the field name and the botocore shape: compute that order once."""
    from moto.core import serialize

    picker_class = serialize.XFormedAttributePicker
    aliases = picker_class.get_possible_keys
    missing = serialize.MISSING
    defaults = serialize.DEFAULT_ALIAS_PROVIDERS
    # (class, field, shape) -> (the names to try, in moto's order; how to read them)
    remembered: dict[tuple[type, str, int], tuple[tuple[str, ...], int]] = {}
    by_attribute, by_dict_key, by_moto = 0, 1, 2

    def get_value(self: Any, value: Any, key: str, shape: Any) -> Any:
        picker = self._value_picker
        if type(picker) is not picker_class or picker.alias_providers is not defaults:
            return moto_get_value(self, value, key, shape)
        # botocore's model is built once per service (moto caches it): its shapes live as long
        # as the process, so their id is a stable key.
        remembered_key = (type(value), key, id(shape))
        plan = remembered.get(remembered_key)
        if plan is None:
            names = tuple(aliases(picker, _context(self, value, key, shape)))
            # moto's get_value: a dotted name is a path; an object with __getitem__ is indexed
            # (a dict: a key lookup), anything else is read by attribute
            if any("." in name for name in names):
                how = by_moto
            elif type(value) is dict:
                how = by_dict_key
            elif hasattr(value, "__getitem__"):
                how = by_moto
            else:
                how = by_attribute
            plan = remembered[remembered_key] = (names, how)
        names, how = plan
        found = missing
        for name in names:
            if how == by_attribute:
                found = getattr(value, name, missing)
            elif how == by_dict_key:
                found = value.get(name, missing)
            else:
                found = moto_value(value, name, missing)
            if found is not missing:
                break
        if found is missing:
            found = None
        # A response transformer (moto's way of dropping tags unless asked, for one) is named by
        # the path of the field it changes: build the path only when the last part matches.
        transformers = picker.response_transformers
        if transformers and key.endswith(_last_parts(picker, transformers)):
            key_path = f"{'.'.join(self.path)}.{key}"
            for transform_path, transform in transformers.items():
                if key_path.endswith(transform_path):
                    return transform(found)
        return found

    def _last_parts(picker: Any, transformers: dict[str, Any]) -> tuple[str, ...]:
        # a picker serves one answer, during which its transformers do not change
        parts = picker.__dict__.get("_ecskit_last_parts")
        if parts is None:
            parts = picker._ecskit_last_parts = tuple({p.rsplit(".", 1)[-1] for p in transformers})
        return parts

    def _context(self: Any, value: Any, key: str, shape: Any) -> Any:
        return serialize.AttributePickerContext(
            obj=value,
            key=key,
            shape=shape,
            operation_model=self.operation_model,
            service_model=self.operation_model.service_model,
            key_path=".".join(self.path),
        )

    from moto.core.utils import get_value as moto_value

    moto_get_value = serialize.ResponseSerializer.get_value
    _patch(serialize.ResponseSerializer, "get_value", get_value)


def _walk_json_shapes_directly() -> None:
    """moto's JSON serializer, for the structures and lists that make up nearly all of an ECS
    answer, without the per-value method lookups; every other type goes to moto's own method.

    Mirrors moto 5.2's BaseJSONSerializer: structures skip members whose value is None, lists
    keep an item the member shape does not serialize, document types pass through.
    """
    from enum import Enum

    from moto.core.serialize import JSONSerializer

    original = JSONSerializer._serialize
    members: dict[int, tuple[tuple[str, Any], ...]] = {}

    def members_of(shape: Any) -> tuple[tuple[str, Any], ...]:
        found = members.get(id(shape))
        if found is None:
            for member in shape.members.values():
                member.parent = shape  # what moto sets on each visit; the same value each time
            found = members[id(shape)] = tuple(shape.members.items())
        return found

    def _serialize(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if type(self) is not JSONSerializer:
            original(self, serialized, value, shape, key)
            return
        kind = shape.type_name
        if kind == "structure":
            self.path.append(key or shape.name)
            if shape.is_document_type:
                serialized[key] = value
            elif value is not None:
                wrapper = {} if key else serialized
                get_value = self.get_value
                for member_key, member_shape in members_of(shape):
                    member_value = get_value(value, member_key, member_shape)
                    if member_value is not None:
                        _serialize(self, wrapper, member_value, member_shape, member_key)
                if key:
                    serialized[shape.serialization.get("name", key)] = wrapper
            self.path.pop()
        elif kind == "list":
            self.path.append(key or shape.name)
            member = shape.member
            item_key = member.name
            items = []
            for item in value:
                wrapper: dict[str, Any] = {}
                _serialize(self, wrapper, item, member, item_key)
                items.append(wrapper.get(item_key, item))
            serialized[shape.serialization.get("name", key)] = items
            self.path.pop()
        elif kind == "string":
            # moto's _serialize_type_string (a leaf: the path it would push is never read)
            if isinstance(value, Enum):
                value = value.value
            serialized[shape.serialization.get("name", key)] = (
                str(value) if value not in [None, {}, []] else value
            )
        else:
            original(self, serialized, value, shape, key)

    _patch(JSONSerializer, "_serialize", _serialize)


def _index_describe_tasks() -> None:
    """moto's DescribeTasks tests each stored task against each ARN by substring (O(tasks × asked),
    0.75 s a call at 5,000 tasks). The sandbox's layer has already kept only ARNs and ids of the
    cluster's own tasks, so a lookup by id finds the same tasks."""
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend

    def describe_tasks(self: Any, cluster_str: str, tasks: list[str]) -> list[Any]:
        self._get_cluster(cluster_str)
        if not tasks:
            raise InvalidParameterException("Tasks cannot be empty.")
        wanted = {t.split("/")[-1] for t in tasks}
        found = []
        for cluster_tasks in self.tasks.values():
            for arn, task in cluster_tasks.items():
                if arn.split("/")[-1] in wanted:
                    task.advance()
                    found.append(task)
        return found

    _patch(EC2ContainerServiceBackend, "describe_tasks", describe_tasks)


# -- the hot reads, answered without moto's front door ----------------------------------------
# A DescribeTaskDefinition spends more time in Flask and in moto's request set-up (1.5 ms) than
# in moto's backend; an inventory makes a thousand of them. These three reads call the same
# backend methods and the same serializer moto's responses.py does, and fall back to moto's
# front door for anything unusual (an error, above all, keeps moto's exact answer).


def answer(operation: str, account: str, region: str, body: dict[str, Any]) -> dict | None:
    """moto's answer to a hot ECS read, or None to let moto's front door answer it."""
    read = _HOT_READS.get(operation)
    if read is None or not _enabled:
        return None
    from moto.ecs.models import ecs_backends

    try:
        result = read(ecs_backends[account][region], body)
    except Exception:  # moto's front door turns it into moto's error answer
        return None
    return _serialize(operation, result, "TAGS" in (body.get("include") or []))


def _describe_task_definition(backend: Any, body: dict[str, Any]) -> dict:
    task_definition = backend.describe_task_definition(body["taskDefinition"])
    result = {"taskDefinition": task_definition, "failures": []}
    if "TAGS" in (body.get("include") or []):
        result["tags"] = backend.list_tags_for_resource(task_definition.arn)
    return result


def _describe_tasks(backend: Any, body: dict[str, Any]) -> dict:
    tasks = backend.describe_tasks(body.get("cluster") or "default", body.get("tasks") or [])
    return {"tasks": tasks, "failures": []}


def _describe_services(backend: Any, body: dict[str, Any]) -> dict:
    services, failures = backend.describe_services(
        body.get("cluster") or "default", body.get("services") or []
    )
    return {"services": services, "failures": failures}


_HOT_READS = {
    "DescribeTaskDefinition": _describe_task_definition,
    "DescribeTasks": _describe_tasks,
    "DescribeServices": _describe_services,
}
# moto's responses.py shows tags only when include=TAGS asks for them (a response transformer)
_TAGS_PATHS = {
    "DescribeTasks": "DescribeTasksResponse.tasks.Task.tags",
    "DescribeServices": "DescribeServicesResponse.services.Service.tags",
}


def _serialize(operation: str, result: dict, with_tags: bool) -> dict:
    from moto.core.serialize import XFormedAttributePicker, get_serializer_class, never_return
    from moto.core.utils import get_service_model
    from moto.ecs.responses import EC2ContainerServiceResponse

    model = get_service_model("ecs")
    operation_model = model.operation_model(operation)
    transformers = dict(EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER)
    if operation in _TAGS_PATHS:
        transformers[_TAGS_PATHS[operation]] = (lambda x: x) if with_tags else never_return
    serializer = get_serializer_class("ecs", model.protocol)(
        operation_model=operation_model,
        value_picker=XFormedAttributePicker(response_transformers=transformers),
    )
    # the serializer's own walk, without its JSON text: the sandbox writes the answer once
    serialized: dict[str, Any] = {}
    serializer._serialize(serialized, result, operation_model.output_shape, "")
    return serialized
