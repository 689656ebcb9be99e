"""Where the kernel runs: CPython, or Pyodide in a JupyterLite tab (sys.platform "emscripten"),
which has neither threads nor sockets (https://pyodide.org/en/stable/usage/wasm-constraints.html).

Modules read these names into their own namespace (`from ..runtime import THREADS`), so a test
can turn threads off in one of them."""

from __future__ import annotations

import sys

IN_BROWSER = sys.platform == "emscripten"
THREADS = not IN_BROWSER
