"""The embedded sandbox: moto's server on 127.0.0.1, plus the ECS behaviour moto lacks."""

from __future__ import annotations

import os
import threading

from .server import Sandbox

__all__ = ["Sandbox", "shared"]

_shared: Sandbox | None = None
_lock = threading.Lock()


def shared() -> Sandbox:
    """This process's sandbox: started on the first call, the same one afterwards."""
    global _shared
    from .in_process import IN_BROWSER

    with _lock:
        # in a browser there is no HTTP server to be running: the sandbox is only its layer
        if _shared is None or not (_shared.running or IN_BROWSER):
            latency_ms = float(os.environ.get("ECSKIT_SANDBOX_LATENCY_MS", "0") or 0)
            _shared = Sandbox(latency=latency_ms / 1000)
            _shared = _shared.open() if IN_BROWSER else _shared.start()
        return _shared
