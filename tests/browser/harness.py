"""JupyterLab on loopback and a way to run a notebook in it from headless Chromium.

Everything here follows /work/shared/TESTING.md: its own Jupyter directories, announcements off,
ready on `GET /api/status`, stopped by process group, cells run through `window.jupyterapp`.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
START_TIMEOUT = 60.0
RUN_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Lab:
    """A running JupyterLab server: its base `url`, `token`, and the `root` it serves."""

    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API (`path` like "api/sessions"); the parsed JSON or None."""
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every kernel session, so the next test starts on a quiet machine (2 cores)."""
        for session in self.api("GET", "api/sessions") or []:
            self.api("DELETE", f"api/sessions/{session['id']}")

    def stop(self) -> None:
        if self.process.poll() is None:
            # The server and its kernels share the process group started for it.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_lab(base: Path) -> Lab:
    """Start JupyterLab serving `base/root`, with every Jupyter directory under `base`."""
    root = base / "root"
    root.mkdir()
    config = base / "config"
    (config / "labconfig").mkdir(parents=True)
    # The news toast covers screenshots.
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.extension_manager=readonly",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # as root the server exits at once without it
    log = base / "jupyterlab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    lab = Lab(f"http://127.0.0.1:{port}/", token, root, log, process)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited at start:\n{log.read_text()[-3000:]}")
        try:
            lab.api("GET", "api/status")
            return lab
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                lab.stop()
                raise RuntimeError(
                    f"JupyterLab not ready after {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}"
                ) from None
            time.sleep(0.2)


def write_notebook(path: Path, cells: list[str]) -> Path:
    """A notebook of these code cells, on the default Python kernel."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, path)
    return path


# Opens the notebook, waits for its kernel, clears old outputs and runs every cell; answers with
# each code cell's execution count and error (if any). `runAll` resolves once all have finished.
_RUN_ALL = """
async (path) => {
  const app = window.jupyterapp;
  await app.started;
  await app.restored;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  await panel.revealed;
  app.shell.activateById(panel.id);
  app.shell.collapseLeft();
  await app.commands.execute('notebook:clear-all-cell-outputs');
  await app.commands.execute('notebook:run-all-cells');
  const kernel = panel.sessionContext.session.kernel;
  while (kernel.status !== 'idle') { await new Promise(r => setTimeout(r, 50)); }
  const cells = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const outputs = cell.model.outputs.toJSON();
    const error = outputs.find(o => o.output_type === 'error');
    cells.push({
      count: cell.model.executionCount,
      error: error ? `${error.ename}: ${error.evalue}` : null,
    });
  }
  return cells;
}
"""


def run_in_lab(page: Any, lab: Lab, name: str, *, allow_errors: bool = False) -> list[dict]:
    """Open `lab.root/name` in `page`, run all its cells and wait for the kernel to be idle.

    Raises AssertionError naming the first cell that raised or never ran, unless `allow_errors`.
    """
    page.goto(f"{lab.url}lab?reset&token={lab.token}")
    page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
    cells: list[dict] = page.evaluate(_RUN_ALL, name)
    if not allow_errors:
        for number, cell in enumerate(cells, start=1):
            if cell["error"]:
                raise AssertionError(f"{name}: code cell {number} raised {cell['error']}")
            if cell["count"] is None:
                raise AssertionError(f"{name}: code cell {number} never ran")
    return cells
