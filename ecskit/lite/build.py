"""Build the course as a static JupyterLite site: JupyterLab and a Pyodide kernel in the tab.

The site carries everything it runs: JupyterLab with the widget extensions (ipywidgets,
anywidget), Pyodide's core under static/pyodide (npm `pyodide`, with the micropip and packaging
wheels beside it and a lock that lists only those two, so nothing is looked up on a CDN), and
every wheel the course needs served through piplite with the PyPI fallback off. Downloads are
cached (cache.py); a second build fetches nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..graph.browser_render import VIZ_PACKAGE
from . import wheels
from .cache import FetchError, cache_dir, npm_package

PYODIDE = ("pyodide", "314.0.6")  # what jupyterlite-pyodide-kernel 0.8 expects
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
# The two packages Pyodide itself loads from its lock: micropip, and packaging for micropip.
LOCKED = {"micropip": "0.11.1", "packaging": "26.1"}
KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# The first cell of each notebook in the site: what `pip install ecskit` is on a machine.
# (%pip's line takes no comment: piplite would read its words as package names)
PIP_CELL = "# ecskit, from this site's own wheels (no network)\n%pip install -q ecskit"


def _pyodide(static: Path) -> None:
    """Pyodide's core, micropip and packaging, and a lock that names nothing else."""
    core = npm_package(*PYODIDE)
    static.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copy2(core / name, static / name)
    lock = json.loads((core / "pyodide-lock.json").read_text())
    extra = cache_dir() / "pyodide-extra"
    wheels._pip(
        "--no-deps", "--only-binary=:all:", "--python-version", wheels.PYTHON, "-d", str(extra),
        *(f"{name}=={version}" for name, version in LOCKED.items()),
    )  # fmt: skip
    packages = {}
    for name, version in LOCKED.items():
        wheel = next(extra.glob(f"{name}-{version}-*.whl"))
        shutil.copy2(wheel, static / wheel.name)
        entry = dict(lock["packages"][name])
        entry.update(file_name=wheel.name, version=version)
        entry["sha256"] = hashlib.sha256(wheel.read_bytes()).hexdigest()
        packages[name] = entry
    lock["packages"] = packages
    (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))


def _notebooks(source: Path, files: Path) -> list[str]:
    """The course's notebooks (and their solutions), each starting with the %pip cell."""
    import nbformat

    files.mkdir(parents=True, exist_ok=True)
    names = []
    for notebook in sorted(source.glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(PIP_CELL))
        nb.metadata["kernelspec"] = KERNELSPEC  # JupyterLite's Pyodide kernel is "python"
        nbformat.write(nb, files / notebook.name)
        names.append(notebook.name)
    solutions = source / "solutions"
    if solutions.is_dir():
        shutil.copytree(solutions, files / "solutions", dirs_exist_ok=True)
    return names


def _config(lite_dir: Path, site_wheels: list[Path]) -> None:
    (lite_dir / "jupyter_lite_config.json").write_text(
        json.dumps({"PipliteAddon": {"piplite_urls": [str(w) for w in site_wheels]}}, indent=1)
    )
    settings = {KERNEL_PLUGIN: {"disablePyPIFallback": True}}
    (lite_dir / "jupyter-lite.json").write_text(
        json.dumps({"jupyter-lite-schema-version": 0, "jupyter-config-data": {
            "litePluginSettings": settings,
            "disabledExtensions": ["@jupyterlab/apputils-extension:announcements"],
        }}, indent=1)
    )  # fmt: skip


def build(out_dir: Path, notebooks: Path) -> dict[str, object]:
    """Build the site into `out_dir` (replaced); what went in, and its size."""
    try:
        import jupyterlite_core  # noqa: F401
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError as missing:
        raise FetchError(
            f"{missing.name} is not installed: pip install 'ecskit[lite]' (jupyterlite-core and "
            "jupyterlite-pyodide-kernel 0.8), then run `ecskit lite build` again."
        ) from None
    with tempfile.TemporaryDirectory(prefix="ecskit-lite-") as tmp:
        lite_dir = Path(tmp)
        _pyodide(lite_dir / "static" / "pyodide")
        names = _notebooks(notebooks, lite_dir / "files")
        viz = npm_package(*VIZ_PACKAGE) / "dist" / "viz.js"
        own = wheels.ecskit_wheel(lite_dir / "own-wheels", viz)
        site_wheels = [*wheels.course_wheels(cache_dir() / "wheels"), own]
        _config(lite_dir, site_wheels)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        done = subprocess.run(
            [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir),
             "--output-dir", str(out_dir.resolve()), "--contents", str(lite_dir / "files"),
             "--no-sourcemaps"],
            cwd=lite_dir, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise FetchError(
                f"jupyter lite build failed:\n{done.stdout[-1500:]}{done.stderr[-1500:]}"
            )
    size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    return {"notebooks": names, "wheels": len(site_wheels), "bytes": size}
