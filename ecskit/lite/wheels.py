"""Every wheel the course needs in a Pyodide kernel, as pure-Python wheels piplite can serve.

- ecskit itself, written from this source tree (with Graphviz's wasm build inside, graph/viz.js);
- its dependencies, resolved by pip for Python 3.14 on Pyodide's platform: only
  `py3-none-any` wheels qualify, so nothing compiled for another platform slips in;
- MarkupSafe and PyYAML repacked without their C speed-ups (both fall back to pure Python:
  markupsafe/_native.py, yaml/__init__.py's "__with_libyaml__ = False");
- a stand-in `cryptography` (moto's ec2/utils.py imports it when it loads; the ECS and EC2 calls
  the course makes never use it; there is no Pyodide build of it on PyPI): importing works,
  using anything raises an error that says so.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .cache import FetchError, cache_dir

PYTHON = "3.14"  # Pyodide 314.x (jupyterlite-pyodide-kernel 0.8's PYODIDE_PYTHON_VERSION)
PLATFORM = "pyodide_2026_0_wasm32"  # pyodide-lock.json's abi_version 2026_0
# What the course imports in the kernel (ecskit's own dependencies, moto without its server
# extra but with Flask, which its WSGI app needs), and what the Pyodide kernel installs at
# start from piplite (comm, jedi, ipython: its worker's initKernel).
COURSE = [
    "boto3==1.44.8",
    "botocore==1.44.8",
    "moto==5.2.5",
    "flask!=2.2.0,!=2.2.1",
    "flask-cors",
    "ipywidgets>=8.1",
    "anywidget>=0.9",
    "graphviz>=0.20",
    "tqdm>=4.66",
    "pyyaml",
]
KERNEL = ["comm", "jedi", "ipython"]
PURE_FALLBACK = {"markupsafe": "markupsafe", "pyyaml": "yaml"}
STAND_IN_VERSION = "46.0.999"  # satisfies moto's cryptography>=35; .999 as widgetsnbextension's

STAND_IN = '''"""A stand-in for `cryptography` in the browser (made by `ecskit lite build`).

moto imports cryptography when it loads; the ECS and EC2 calls the course makes never use it,
and there is no Pyodide build of it. Importing works; using anything raises CryptographyMissing.
"""

import importlib.abc
import importlib.machinery
import sys
import types

MESSAGE = (
    "cryptography is not available in the browser (JupyterLite): this sandbox call needs it "
    "(key pairs, certificates). Run the course in a Python kernel on your machine for it."
)


class CryptographyMissing(ImportError):
    pass


class _Missing:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Missing(f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        raise CryptographyMissing(f"{self._name}(): {MESSAGE}")

    def __mro_entries__(self, bases):
        return (object,)

    def __instancecheck__(self, obj):  # isinstance(x, ec.EllipticCurvePrivateKey): never
        return False

    def __subclasscheck__(self, cls):
        return False


class _Module(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Missing(f"{self.__name__}.{attr}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name.startswith("cryptography."):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _Module(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _Finder())
__version__ = "46.0.999"


def __getattr__(attr):
    if attr.startswith("__"):
        raise AttributeError(attr)
    return _Missing(f"cryptography.{attr}")
'''


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(
    folder: Path,
    name: str,
    version: str,
    files: dict[str, bytes],
    requires: list[str] | None = None,
    summary: str = "",
) -> Path:
    """A py3-none-any wheel of `files` (archive path -> bytes), with METADATA and RECORD."""
    dist = f"{re.sub(r'[-.]+', '_', name)}-{version}"
    meta = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}"]
    meta += [f"Requires-Dist: {r}" for r in requires or []]
    info = {
        f"{dist}.dist-info/METADATA": ("\n".join(meta) + "\n").encode(),
        f"{dist}.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: ecskit-lite\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
    }
    everything = {**files, **info}
    record = [_record_line(n, d) for n, d in everything.items()]
    record.append(f"{dist}.dist-info/RECORD,,")
    everything[f"{dist}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in everything.items():
            archive.writestr(member, data)
    return path


def ecskit_wheel(folder: Path, viz_js: Path) -> Path:
    """ecskit from this source tree, Graphviz's wasm build at ecskit/graph/viz.js."""
    import ecskit

    root = Path(ecskit.__file__).parent
    files = {
        f"ecskit/{p.relative_to(root).as_posix()}": p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    files["ecskit/graph/viz.js"] = viz_js.read_bytes()
    requires = [r for r in COURSE if not r.startswith(("botocore", "pyyaml"))]
    return write_wheel(folder, "ecskit", _version(), files, requires, "ecskit for JupyterLite")


def _version() -> str:
    from importlib.metadata import version

    return version("ecskit")


def stand_in_cryptography(folder: Path) -> Path:
    files = {"cryptography/__init__.py": STAND_IN.encode()}
    summary = "ecskit's stand-in: importable, raises CryptographyMissing when used"
    return write_wheel(folder, "cryptography", STAND_IN_VERSION, files, [], summary)


def repack_pure(native: Path, folder: Path, package: str) -> Path:
    """`native` (a CPython wheel) without its compiled modules, as py3-none-any."""
    name, version = native.name.split("-")[:2]
    with zipfile.ZipFile(native) as archive:
        files = {
            n: archive.read(n)
            for n in archive.namelist()
            if n.startswith(f"{package}/") and not n.endswith((".so", ".pyd", ".c", ".pyx"))
        }
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        requires = [
            line.split(":", 1)[1].strip()
            for line in archive.read(meta).decode().splitlines()
            if line.startswith("Requires-Dist:")
        ]
    summary = "repacked by ecskit lite without its C speed-ups (pure-Python fallback)"
    return write_wheel(folder, name, version, files, requires, summary)


def _pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise FetchError(f"pip download {' '.join(args[-3:])} failed: {done.stderr[-800:]}")


def course_wheels(folder: Path) -> list[Path]:
    """Every wheel the course and the kernel need, downloaded once into the cache: `folder`
    then holds them all (pure-Python, resolved for Python 3.14 on Pyodide)."""
    local = folder / "local"  # what pip cannot find on PyPI for Pyodide: made here
    stand_in = stand_in_cryptography(local)
    native = cache_dir() / "native"
    for project, package in PURE_FALLBACK.items():
        if not any(local.glob(f"{project}-*.whl")):
            _pip("--no-deps", "--only-binary=:all:", "--python-version", PYTHON, "-d", str(native),
                 project)  # fmt: skip
            repack_pure(sorted(native.glob(f"{project}-*.whl"))[-1], local, package)
    pure = ["--only-binary=:all:", "--platform", PLATFORM, "--python-version", PYTHON]
    pure += ["--implementation", "py", "--abi", "none", "--find-links", str(local)]
    _pip(*pure, "-d", str(folder), *COURSE, *KERNEL)
    # pip keeps a wheel it downloaded before under the same name: the stand-in made now wins
    shutil.copy2(stand_in, folder / stand_in.name)
    return sorted(folder.glob("*.whl"))
