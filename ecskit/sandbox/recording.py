"""What the sandbox records for snapshots, and the seeds that make its ids repeat.

The layer keeps a list of events (`EcsLayer.recording`): the clock's state when the list began,
then every request that may change something and every clock event (a mode change, each step of
`advance`, `settle`), each with the sandbox time it happened at. snapshot.py replays the list.

Ids must come out the same in any process, however often a snapshot is restored:
- moto draws every id from one generator (`mock_random`): event n of the list draws from seed n;
- a backend moto builds lazily (the default VPC and its subnets) draws from a seed named after
  its service, account and region, whenever and wherever it is built;
- what the scheduler makes on its own time (deployments, events, tasks) draws from seeds named
  after the service and a count (service_status.serial), so it does not matter which tick did it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

# The headers a replay needs to route and parse a request, and nothing that says who sent it
# (Authorization, X-Amz-Security-Token, X-Amz-Date: no credential, token or signature).
_KEPT_HEADERS = frozenset(
    {"CONTENT_TYPE", "HTTP_HOST", "HTTP_X_AMZ_TARGET", "HTTP_SMITHY_PROTOCOL", "HTTP_ACCEPT",
     "HTTP_CONTENT_ENCODING", "HTTP_CONTENT_MD5", "HTTP_X_AMZ_CONTENT_SHA256"}
)  # fmt: skip
# A presigned URL carries its credential and signature in the query string.
_SIGNED_QUERY = re.compile(r"(^|&)X-Amz-(Credential|Signature|Security-Token|Date)=[^&]*", re.I)


def install(layer: Any) -> None:
    """Start recording on `layer`: its clock's events, and moto's backends built from seeds."""
    seed_new_backends()
    _stamp_with_sandbox_time(layer.clock)
    layer.recording = [clock_state(layer.clock)]
    layer.clock.listeners.append(functools.partial(_clock_event, layer))


def clock_state(clock: Any) -> dict[str, Any]:
    """The first event of a recording: the clock's mode and step, and the time it began."""
    return {"kind": "clock", "at": clock.now(), "mode": clock.mode, "step": clock.step}


def replay_headers(environ: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in environ.items() if k in _KEPT_HEADERS}


def unsigned_query(query: str) -> str:
    return _SIGNED_QUERY.sub("", query).lstrip("&")


def _clock_event(layer: Any, event: str, value: Any) -> None:
    """A mode change, one step of advance() or a settle(), recorded before it takes effect."""
    if layer.replaying:
        return
    from moto.moto_api._internal import mock_random

    clock = layer.clock
    with layer.lock:
        events = layer.recording
        last = events[-1] if events else {}
        if event == "advance" and _continues(last, value, clock.now()):
            # the next step of the same advance(): one event, each step its own seed
            mock_random.seed(step_seed(len(events) - 1, last["steps"]))
            last["steps"] += 1
            return
        mock_random.seed(len(events))
        entry: dict[str, Any] = {"kind": event, "at": clock.now()}
        if event == "mode":
            entry.update(kind="clock", mode=value, step=clock.step)
        elif event == "advance":
            entry.update(seconds=value, steps=1)
        events.append(entry)


def _continues(last: dict[str, Any], seconds: float, now: float) -> bool:
    return (
        last.get("kind") == "advance"
        and last["seconds"] == seconds
        and abs(last["at"] + seconds * last["steps"] - now) < 1e-6
    )


def step_seed(index: int, step: int) -> int | str:
    """The seed of step `step` of the advance recorded as event `index`."""
    return index if step == 0 else f"{index}/{step}"


# -- seeds ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def seeded(key: str) -> Iterator[None]:
    """moto's ids drawn inside come from `key` alone; the generator goes on as before after."""
    from moto.moto_api._internal import mock_random

    state = mock_random.getstate()
    mock_random.seed(key)
    try:
        yield
    finally:
        mock_random.setstate(state)


def derived_uuid(key: str) -> uuid.UUID:
    """A random-looking UUID (version 4) that is always the same for `key`."""
    return uuid.UUID(bytes=hashlib.sha256(key.encode()).digest()[:16], version=4)


def seed_new_backends() -> None:
    """Each of moto's backends is built from a seed of its own, when and wherever it is built.

    moto builds a backend on first use and EC2's draws its default VPC's ids then: from a
    warm-up thread, a read or a replay they came out different, and a snapshot's requests named
    subnets that did not exist (moto 5.2.5's `AccountSpecificBackend.__getitem__`).
    """
    from moto.core.base_backend import AccountSpecificBackend

    if getattr(AccountSpecificBackend.__getitem__, "_ecskit", False):
        return
    original = AccountSpecificBackend.__getitem__

    def __getitem__(self: Any, region_name: str) -> Any:
        if dict.__contains__(self, region_name):
            return original(self, region_name)
        with seeded(f"{self.service_name}/{self.account_id}/{region_name}"):
            return original(self, region_name)

    __getitem__._ecskit = True  # type: ignore[attr-defined]
    AccountSpecificBackend.__getitem__ = __getitem__  # type: ignore[method-assign]


def _stamp_with_sandbox_time(clock: Any) -> None:
    """moto's ECS stamps what it makes (a container instance's registeredAt, task sets) with the
    sandbox's time, not the machine's: the manual clock holds for them and a replay repeats them
    (moto 5.2.5 calls `moto.ecs.models.utcnow`; a process holds one sandbox)."""
    from moto.ecs import models

    models.utcnow = lambda: clock.datetime().replace(tzinfo=None)  # naive UTC, as moto's own
