"""The sandbox's HTTP server: moto's apps behind ecskit's ECS layer, on a loopback port."""

from __future__ import annotations

import logging
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from .layer import EcsLayer

DEFAULT_HOST = "127.0.0.1"


def _handler(base: type) -> type:
    """werkzeug's request handler, answering a request it cannot parse (a garbled request line
    or header) with a JSON error instead of http.server's HTML page."""

    class JsonErrors(base):  # type: ignore[misc, valid-type]
        error_message_format = '{"__type": "BadRequest", "message": "%(message)s (HTTP %(code)d)"}'
        error_content_type = "application/json"

    return JsonErrors


class Sandbox:
    """One sandbox server. moto keeps its state per process, so a process holds one sandbox.

    >>> box = Sandbox(port=0).start()   # doctest: +SKIP
    >>> box.endpoint_url                # doctest: +SKIP
    'http://127.0.0.1:40123'
    """

    def __init__(self, host: str = DEFAULT_HOST, port: int = 0, *, latency: float = 0.0) -> None:
        self.host = host
        self.port = port
        self.latency = latency
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.layer: EcsLayer | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("The sandbox is not running: call start() first.")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def open(self) -> Sandbox:
        """Build moto behind ecskit's layer, no socket: what the in-process route calls."""
        if self.layer is None:
            from moto.moto_server.werkzeug_app import create_backend_app

            from . import tuning

            tuning.apply()
            self.layer = EcsLayer(tuning.dispatcher(create_backend_app), sandbox=self)
            self.layer.warm_up()
        return self

    def _make_server(self) -> BaseWSGIServer:
        from moto.moto_server.werkzeug_app import MotoRequestHandler

        # werkzeug logs every request at INFO: a notebook would fill with access lines.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.open()
        return make_server(
            self.host,
            self.port,
            self.layer,
            threaded=True,
            request_handler=_handler(MotoRequestHandler),
        )

    def bind(self) -> Sandbox:
        """Open the listening socket (so endpoint_url is known) without serving yet."""
        if self._server is None:
            self._server = self._make_server()
        return self

    def start(self) -> Sandbox:
        """Serve in a background thread; returns at once, while moto warms up behind the layer."""
        if self._thread is None:
            server = self.bind()._server
            assert server is not None
            self._thread = threading.Thread(
                target=server.serve_forever, name="ecskit-sandbox", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (what `ecskit sandbox` does)."""
        server = self.bind()._server
        assert server is not None
        try:
            server.serve_forever()
        finally:
            server.server_close()
            self._server = None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def reset(self) -> None:
        """Forget every resource of every service (moto's reset), as a fresh sandbox."""
        from moto.moto_api._internal import moto_api_backend

        if self.layer is not None:
            # A reset racing the warm-up would pull the backends from under it (KeyError).
            self.layer.warm.wait(timeout=30)
        # moto forgets every backend; each is built again on first use from a seed of its own
        # (recording.seed_new_backends): the default VPC's ids are the same whatever ran before
        moto_api_backend.reset()
        if self.layer is not None:
            self.layer.reset()

    # -- the clock and snapshots (the behaviour lives in layer.py, lifecycle.py, snapshot.py)
    def _layer(self) -> EcsLayer:
        if self.layer is None:
            self.open()
        assert self.layer is not None
        return self.layer

    @property
    def clock(self) -> str:
        """'real' (tasks move every ~0.75 s), 'instant' (steady state at once) or 'manual'."""
        return self._layer().clock.mode

    @clock.setter
    def clock(self, mode: str) -> None:
        self._layer().clock.mode = mode

    @property
    def hook_results(self) -> dict[str, str]:
        """What each Lambda lifecycle hook answers, by function ARN: "SUCCEEDED" (the default
        for any ARN not listed) or "FAILED". The sandbox cannot run Lambda functions, so you
        say what yours would return: `sandbox.hook_results[arn] = "FAILED"`."""
        return self._layer().scheduler.hook_results

    def behave(
        self,
        image: str | None = None,
        *,
        container: str | None = None,
        health: str | None = None,
        exits: int | None = None,
        out_of_memory: bool = False,
        after: float | None = None,
    ) -> None:
        """What a container does once RUNNING, by image or container name (the sandbox cannot
        run images, so you say): `behave("my-app:2", health="unhealthy")`, `behave("my-app:2",
        exits=1, after=30)`, `behave(container="web", out_of_memory=True, after=60)`;
        `behave("my-app:2")` makes it healthy again. docs/container-behaviour.md has the rest."""
        from .behaviour import behave

        said = {"health": health, "exits": exits, "out_of_memory": out_of_memory, "after": after}
        behave(self._layer(), image, container, **said)

    @property
    def behaviours(self) -> dict[str, dict[str, str]]:
        """What was said with behave(): {"images": {...}, "containers": {...}}."""
        from .behaviour import registry

        return registry(self._layer()).as_dict()

    def forget_behaviours(self) -> None:
        """Every image and container healthy again (labels in task definitions still count)."""
        from .behaviour import registry

        registry(self._layer()).clear()

    def advance(self, seconds: float) -> None:
        """Move sandbox time forward (the way time moves on the 'manual' clock)."""
        self._layer().advance(seconds)

    def settle(self) -> None:
        """Bring every task and deployment to its steady state now."""
        self._layer().settle()

    def load(
        self,
        cluster: str,
        service: str,
        *,
        cpu: float | None = None,
        memory: float | None = None,
        requests: float | None = None,
        region: str = "us-east-1",
    ) -> dict[str, float]:
        """How busy `service` is: what its CPU and memory utilization (percent of what its tasks
        reserve, at the desired count now) and its requests a minute are. The work stays the same
        as tasks come and go: twice the tasks, half the utilization each. Without values, the load
        now. Default: a steady low load (docs/auto-scaling.md).

        >>> sandbox.load("shop", "web", cpu=90)   # doctest: +SKIP
        {'cpu': 90.0, 'memory': 25.0, 'requests': 60.0, 'tasks': 2.0}
        """
        layer = self._layer()
        values = {"cpu": cpu, "memory": memory, "requests": requests}
        if all(v is None for v in values.values()):
            return layer.service_load.get(region, cluster, service)
        with layer.lock:
            return layer.service_load.set(region, cluster, service, values)

    def save(self) -> dict[str, Any]:
        """A snapshot of everything created so far (JSON-ready): give it to restore()."""
        from .snapshot import save

        return save(self._layer())

    def restore(self, snapshot: dict[str, Any] | str | bytes) -> None:
        """Forget everything, then rebuild the state `snapshot` was saved from, with the same
        ids, in this process or any other; the clock ends where it was saved."""
        from .snapshot import restore

        restore(self, snapshot)

    def __repr__(self) -> str:
        where = self.endpoint_url if self.running else "stopped"
        return f"<ecskit Sandbox {where}>"

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
