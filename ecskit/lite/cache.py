"""Where `ecskit lite` keeps what it downloads (npm packages, wheels), so a build fetches once.

``ECSKIT_LITE_CACHE`` moves it; the default is ``~/.cache/ecskit-lite``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path


class FetchError(RuntimeError):
    """A download the build needs failed; the message says what to install or retry."""


def cache_dir() -> Path:
    return Path(os.environ.get("ECSKIT_LITE_CACHE") or Path.home() / ".cache" / "ecskit-lite")


def npm_dir(name: str, version: str) -> Path:
    """Where the unpacked npm package `name@version` lives in the cache (its `package/`)."""
    return cache_dir() / "npm" / f"{name.replace('/', '+')}-{version}" / "package"


def npm_package(name: str, version: str) -> Path:
    """The npm package `name@version` unpacked in the cache (fetched with `npm pack` once)."""
    target = npm_dir(name, version)
    if (target / "package.json").exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError(
            f"{name}@{version} is not in {target.parent} and `npm` is not installed: install "
            "Node.js (it brings npm), e.g. `apt-get install npm`, then run the build again."
        )
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", f"{name}@{version}", "--pack-destination", str(folder), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise FetchError(f"npm pack {name}@{version} failed: {done.stderr.strip()[-500:]}")
    tarball = folder / done.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    tarball.unlink()
    return target
