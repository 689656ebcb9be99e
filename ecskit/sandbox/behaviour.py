"""What a container does once started: the sandbox cannot run images, so you say.

A behaviour is one of: healthy (the default: the app answers its health checks and runs until
stopped), unhealthy (it stops answering health checks — its container health check and its load
balancer target's — from `after` seconds on), exits with a code after `after` seconds, or runs out
of memory after `after` seconds. Say it per image or per container name from Python:

    sandbox.behave("my-app:2", health="unhealthy")
    sandbox.behave("my-app:2", exits=1, after=30)
    sandbox.behave(container="worker", out_of_memory=True, after=120)
    sandbox.behave("my-app:2")          # healthy again (forgets what was said for it)
    sandbox.forget_behaviours()         # every image and container healthy again

or in the task definition itself, so the AWS CLI and a fresh `ecskit sandbox` see it too: a
container's dockerLabels entry `ecskit.sandbox/behaviour` (or its environment variable
`ECSKIT_SANDBOX_BEHAVIOUR`) holding the same words: `unhealthy`, `unhealthy after=60`,
`exits=1 after=30`, `out-of-memory after=10`, `healthy`.

What is said from Python wins over the task definition: container name first, then image, then
the label, then the environment variable. A task reads its containers' behaviours when it
reaches RUNNING; what it then does follows ECS (health.py, docs/container-behaviour.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

LABEL = "ecskit.sandbox/behaviour"
ENVIRONMENT = "ECSKIT_SANDBOX_BEHAVIOUR"
HEALTHS = ("healthy", "unhealthy")


class BehaviourError(ValueError):
    """A behaviour the sandbox cannot follow; the message says how to write it."""


@dataclass(frozen=True)
class Behaviour:
    """What one container does once RUNNING (see the module's docstring)."""

    health: str = "healthy"
    exits: int | None = None
    out_of_memory: bool = False
    after: float = 0.0

    @property
    def default(self) -> bool:
        return self == Behaviour()

    def as_dict(self) -> dict[str, Any]:
        return {
            "health": self.health,
            "exits": self.exits,
            "out_of_memory": self.out_of_memory,
            "after": self.after,
        }

    def __str__(self) -> str:
        """The words a label or environment variable would hold."""
        words = []
        if self.out_of_memory:
            words.append("out-of-memory")
        elif self.exits is not None:
            words.append(f"exits={self.exits}")
        else:
            words.append(self.health)
        if self.after:
            words.append(f"after={self.after:g}")
        return " ".join(words)


def behaviour(
    health: str | None = None,
    exits: int | None = None,
    out_of_memory: bool = False,
    after: float | None = None,
    *,
    where: str = "behave()",
) -> Behaviour:
    """A checked Behaviour; `where` names the call or label in the error messages."""
    if health is not None and health not in HEALTHS:
        raise BehaviourError(
            f"{where}: health={health!r} is not one of 'healthy', 'unhealthy'. Say "
            "health='unhealthy' for an app that stops answering its health checks."
        )
    if exits is not None and (isinstance(exits, bool) or not isinstance(exits, int)):
        raise BehaviourError(
            f"{where}: exits={exits!r} must be an exit code, a whole number 0-255 "
            "(e.g. exits=1 for a crash)."
        )
    if exits is not None and not 0 <= exits <= 255:
        raise BehaviourError(f"{where}: exits={exits} is not an exit code: give 0-255.")
    if not isinstance(out_of_memory, bool):
        raise BehaviourError(f"{where}: out_of_memory={out_of_memory!r} must be True or False.")
    chosen = [
        name
        for name, said in (
            ("health='unhealthy'", health == "unhealthy"),
            (f"exits={exits}", exits is not None),
            ("out_of_memory=True", out_of_memory),
        )
        if said
    ]
    if len(chosen) > 1:
        raise BehaviourError(
            f"{where}: {' and '.join(chosen)} cannot both happen to one container; give one "
            "(a container that runs out of memory exits with 137 on its own)."
        )
    if after is not None:
        number = isinstance(after, int | float) and not isinstance(after, bool)
        if not number or not math.isfinite(after):
            raise BehaviourError(f"{where}: after={after!r} must be a number of seconds.")
        if after < 0:
            raise BehaviourError(f"{where}: after={after} must be 0 or more seconds.")
        if not chosen:
            raise BehaviourError(
                f"{where}: after={after} needs something to happen after it: health='unhealthy', "
                "exits=CODE or out_of_memory=True."
            )
    return Behaviour(health or "healthy", exits, out_of_memory, float(after or 0.0))


def parse(text: Any, where: str = f"dockerLabels[{LABEL!r}]") -> Behaviour:
    """A behaviour from a label's or environment variable's words, e.g. 'exits=1 after=30'."""
    if not isinstance(text, str):
        raise BehaviourError(f"{where}: give text such as 'unhealthy' or 'exits=1 after=30'.")
    kwargs: dict[str, Any] = {}
    for word in text.replace(",", " ").split():
        key, _, value = word.partition("=")
        key = key.strip().lower().replace("_", "-")
        try:
            if key in HEALTHS and not value:
                kwargs["health"] = key
            elif key in ("out-of-memory", "oom") and not value:
                kwargs["out_of_memory"] = True
            elif key in ("exits", "exit") and value:
                kwargs["exits"] = int(value)
            elif key == "after" and value:
                kwargs["after"] = float(value.rstrip("s"))
            else:
                raise ValueError(word)
        except ValueError:
            raise BehaviourError(
                f"{where}: {word!r} is not understood. Write 'healthy', 'unhealthy', "
                "'exits=CODE' or 'out-of-memory', optionally with 'after=SECONDS' "
                "(e.g. 'exits=1 after=30')."
            ) from None
    return behaviour(**kwargs, where=where)


def image_names(image: str) -> tuple[str, ...]:
    """The names an image answers to: as written, without its registry, without its tag."""
    names = [image]
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        names.append(rest)  # 123.dkr.ecr.us-east-1.amazonaws.com/my-app:2 -> my-app:2
    for name in list(names):
        bare = name.split("@", 1)[0]
        slash = bare.rfind("/")
        colon = bare.rfind(":")
        if colon > slash:
            bare = bare[:colon]
        names.append(bare)  # my-app:2 -> my-app (any tag)
    return tuple(dict.fromkeys(names))


class Behaviours:
    """Every behaviour said from Python, by image and by container name; `on_change` is told
    (image, container, Behaviour or None) so the layer can record it for snapshots."""

    def __init__(self) -> None:
        self.by_image: dict[str, Behaviour] = {}
        self.by_container: dict[str, Behaviour] = {}
        self.on_change: Any = None

    def __bool__(self) -> bool:
        return bool(self.by_image or self.by_container)

    def set(self, image: str | None, container: str | None, what: Behaviour | None) -> None:
        table, key = (self.by_container, container) if container else (self.by_image, image)
        assert key is not None
        if what is None or what.default:
            table.pop(key, None)
        else:
            table[key] = what
        if self.on_change is not None:
            self.on_change(image, container, None if what is None or what.default else what)

    def clear(self, quietly: bool = False) -> None:
        self.by_image.clear()
        self.by_container.clear()
        if self.on_change is not None and not quietly:
            self.on_change(None, None, None)

    def for_container(self, definition: dict[str, Any]) -> Behaviour | None:
        """What the container of this definition does: None for the default (healthy)."""
        found = self.by_container.get(definition.get("name") or "")
        if found is None and self.by_image and definition.get("image"):
            for name in image_names(definition["image"]):
                found = self.by_image.get(name)
                if found is not None:
                    break
        if found is None:
            found = from_definition(definition)
        return None if found is None or found.default else found

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {
            "images": {k: str(v) for k, v in self.by_image.items()},
            "containers": {k: str(v) for k, v in self.by_container.items()},
        }


def from_definition(definition: dict[str, Any]) -> Behaviour | None:
    """The behaviour a container definition carries in its label or environment, if any."""
    text = (definition.get("dockerLabels") or {}).get(LABEL)
    where = f"container {definition.get('name')!r} dockerLabels[{LABEL!r}]"
    if text is None:
        for entry in definition.get("environment") or []:
            if entry.get("name") == ENVIRONMENT:
                text = entry.get("value")
                where = f"container {definition.get('name')!r} {ENVIRONMENT}"
    if text is None:
        return None
    return parse(text, where)


def check_definition(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, message) for each behaviour label or variable a RegisterTaskDefinition body
    carries that the sandbox cannot follow (so it is refused at registration, not at start)."""
    problems = []
    for index, definition in enumerate(body.get("containerDefinitions") or []):
        if not isinstance(definition, dict):
            continue
        try:
            from_definition(definition)
        except BehaviourError as error:
            problems.append((f"containerDefinitions[{index}]", str(error)))
    return problems


# -- the Sandbox's face ------------------------------------------------------------------------
def behave(layer: Any, image: str | None, container: str | None, **said: Any) -> None:
    """Sandbox.behave(): check, keep, record (see the module's docstring)."""
    if (image is None) == (container is None):
        raise BehaviourError(
            "behave() takes an image (behave('my-app:2', ...)) or a container name "
            "(behave(container='web', ...)), exactly one of them."
        )
    key = image if image is not None else container
    if not isinstance(key, str) or not key.strip():
        what = "image" if image is not None else "container"
        raise BehaviourError(f"behave(): {what}={key!r} must be a non-empty name.")
    registry(layer).set(image, container, behaviour(**said, where=f"behave({key!r})"))


def registry(layer: Any) -> Behaviours:
    """The layer's behaviours, recorded for snapshots from the first use on."""
    found: Behaviours = layer.lifecycle.behaviours
    if found.on_change is None:
        found.on_change = lambda image, container, what: _record(layer, image, container, what)
    return found


def _record(layer: Any, image: str | None, container: str | None, what: Behaviour | None) -> None:
    if layer.replaying:
        return
    with layer.lock:
        layer.recording.append(
            {
                "kind": "behaviour",
                "at": layer.clock.now(),
                "image": image,
                "container": container,
                "behaviour": None if what is None else what.as_dict(),
            }
        )


def replay(layer: Any, event: dict[str, Any]) -> None:
    """One recorded behaviour event, on restore (snapshot.py)."""
    found = registry(layer)
    saved = found.on_change
    found.on_change = None
    try:
        image, container, said = event.get("image"), event.get("container"), event.get("behaviour")
        if image is None and container is None:
            found.clear()
        else:
            found.set(image, container, None if said is None else Behaviour(**said))
    finally:
        found.on_change = saved
