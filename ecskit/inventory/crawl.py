"""How a snapshot makes its calls: botocore paginators page by page, jobs on a bounded pool.

The main thread owns the inventory; worker threads only make API calls. Each call is a job
whose answer comes back to the main thread, which records it and submits what it reveals
(a page of service ARNs becomes describes of ten each, and the next page).
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import botocore.exceptions
from botocore import xform_name

from ..runtime import THREADS  # none in a browser tab: the crawl calls one at a time
from .account import Inventory

R = TypeVar("R")


# Calls in flight at once: at a 20 ms round trip, 16 keep a client's CPU busy (measured with
# benchmarks/inventory.py: 8 left it waiting; 24 gained nothing). backend.CONNECTIONS matches.
WORKERS = 16
# The most each describe accepts (ECS API reference, "Array Members: Maximum number of ... items").
BATCH = {
    "DescribeClusters": 100,
    "DescribeServices": 10,
    "DescribeTasks": 100,
    "DescribeContainerInstances": 100,
    "DescribeCapacityProviders": 100,
}
# EC2 accepts up to 200 values per filter.
FILTER_VALUES = 200
# The largest page each list allows: fewer pages, fewer calls (ECS ListServices defaults to 10).
PAGE_SIZE = {
    "ListClusters": 100,
    "ListServices": 100,
    "ListTasks": 100,
    "ListTaskDefinitions": 100,
    "ListContainerInstances": 100,
    "ListNamespaces": 100,
    "DescribeRepositories": 1000,
    "ListRoles": 1000,
    "ListAttachedRolePolicies": 1000,
    "ListRolePolicies": 1000,
    "DescribeLogGroups": 50,
    "DescribeSubnets": 1000,
    "DescribeSecurityGroups": 1000,
    "DescribeVpcs": 1000,
    "DescribeNetworkInterfaces": 1000,
    "DescribeTargetGroups": 400,
    "DescribeLoadBalancers": 400,
    "DescribeInstances": 1000,
    # Application Auto Scaling: "between 1 and 50" targets, "between 1 and 10" policies a page
    "DescribeScalableTargets": 50,
    "DescribeScalingPolicies": 10,
}
DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
}


def note_for(label: str, error: Exception) -> str:
    """One line on why `label` could not be seen."""
    if isinstance(error, botocore.exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "?")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in DENIED:
            return f"{label}: not visible — no permission ({code})"
        if status >= 500 or code in ("NotImplemented", "InternalFailure", "500"):
            return f"{label}: not visible — this endpoint does not answer it ({code})"
        message = error.response.get("Error", {}).get("Message", "")
        return f"{label}: not visible — {code}: {message}".rstrip(": ")
    text = str(error)
    text = text if len(text) <= 200 else text[:200] + "…"  # a garbled answer's body can be long
    return f"{label}: not visible — {type(error).__name__}: {text}"


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Batches:
    """ARNs gathered across pages (and lists), described in full batches: the fewest calls.

    `done()` is called once per list feeding it; the rest is described after the last one.
    """

    def __init__(self, size: int, describe: Callable[[list[str]], None], lists: int = 1) -> None:
        self.size = size
        self.describe = describe
        self.lists = lists
        self.held: list[str] = []

    def add(self, items: list[str]) -> None:
        self.held += items
        while len(self.held) >= self.size:
            self.describe(self.held[: self.size])
            self.held = self.held[self.size :]

    def done(self) -> None:
        self.lists -= 1
        if self.lists <= 0 and self.held:
            self.describe(self.held)
            self.held = []


class SerialPool:
    """Each job runs when it is submitted (Pyodide has no threads, or workers=1); its answer
    still waits its turn in Crawl.run, so the crawl's order of handling is the same."""

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(job())
        except Exception as error:  # handed to run() like a worker thread's failure
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Nothing runs in the background: nothing to wait for."""


class Crawl:
    """Jobs on a bounded pool; their answers handled in order of arrival on the main thread."""

    def __init__(
        self, session: Any, inventory: Inventory, workers: int, progress: Any, page_size: int | None
    ) -> None:
        self.session = session
        self.inv = inventory
        self.pool: Any = (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ecskit-snapshot")
            if workers > 1 and THREADS
            else SerialPool()
        )
        self.pending: dict[Future[Any], tuple[str, Callable[[Any], None]]] = {}
        # Finished jobs, in order of finishing. (concurrent.futures.wait would add a waiter to
        # every pending future on each call: quadratic once a thousand describes are queued.)
        self.finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.bar = progress
        self.page_size = page_size
        self.noted: set[str] = set()

    # -- in worker threads ------------------------------------------------------------------
    def count(self, service: str, operation: str) -> None:
        with self.lock:
            self.calls[f"{service}:{operation}"] += 1

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        client = self.session.client(service)
        self.count(service, operation)
        return dict(getattr(client, xform_name(operation))(**params))

    # -- on the main thread -----------------------------------------------------------------
    def submit(self, label: str, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        future = self.pool.submit(job)
        self.pending[future] = (label, then)
        future.add_done_callback(self.finished.put)
        if self.bar is not None:
            self.bar.total = (self.bar.total or 0) + 1
            self.bar.refresh()

    def request(
        self, label: str, service: str, operation: str, then: Callable[[Any], None], **params: Any
    ) -> None:
        self.submit(label, lambda: self.call(service, operation, **params), then)

    def pages(
        self,
        label: str,
        service: str,
        operation: str,
        key: str,
        on_items: Callable[[list[Any]], None],
        on_done: Callable[[], None] | None = None,
        **params: Any,
    ) -> None:
        """Each page through botocore's paginator as its own job; items handed over per page."""
        client = self.session.client(service)
        size = PAGE_SIZE.get(operation)
        if self.page_size:
            size = min(size or self.page_size, self.page_size)
        config = {"PageSize": size} if size else {}
        name = xform_name(operation)
        pages = iter(client.get_paginator(name).paginate(**params, PaginationConfig=config))

        def step() -> Any:
            page = next(pages, None)
            if page is not None:
                self.count(service, operation)
            return page

        def then(page: Any) -> None:
            if page is None:
                if on_done:
                    on_done()
                return
            on_items(page.get(key, []))
            self.submit(label, step, then)

        self.submit(label, step, then)

    def each(self, label: str, items: Any) -> Iterator[dict[str, Any]]:
        """The records of an answer's list; anything else in it becomes a note, not a crash."""
        if items is None:
            return
        if not isinstance(items, list):
            self.note(f"{label}s: not visible — the answer held {type(items).__name__}, not a list")
            return
        for item in items:
            if isinstance(item, dict):
                yield item
            else:
                self.note(f"{label} {item!r:.80}: not visible — not a JSON object")

    def read(self, label: str, item: dict[str, Any], reader: Callable[[Any], R]) -> R | None:
        """`reader(item)`, or None and a note naming the record when it cannot be read (an
        answer from an endpoint unlike ECS: one odd record never fails the snapshot)."""
        try:
            return reader(item)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            name = next((str(v) for k, v in item.items() if k.endswith("Arn")), "(no ARN)")
            self.note(f"{label} {name}: not read — {type(error).__name__}: {error}")
            return None

    def note(self, text: str) -> None:
        if text not in self.noted:
            self.noted.add(text)
            self.inv.notes.append(text)

    def run(self) -> None:
        """Until no job is left: wait for any, hand its answer on (which may add jobs)."""
        while self.pending:
            future = self.finished.get()
            label, then = self.pending.pop(future)
            if self.bar is not None:
                self.bar.update(1)
            try:
                answer = future.result()
            except Exception as e:  # an answer botocore could not parse is still one answer
                self.note(note_for(label, e))
                continue
            then(answer)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.bar is not None:
            self.bar.close()
