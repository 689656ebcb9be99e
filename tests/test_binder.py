"""What Binder does with `binder/`, done here without Docker: the same install, the same start.

repo2docker installs `binder/requirements.txt` from the repository's root, then runs
`binder/start` before JupyterLab. One test, in a fresh virtual environment (pip's own cache keeps
it to a download-free install after the first run).
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"

# In the fresh environment: the sandbox answers, and JupyterLab is there to serve the course.
PROBE = """
import ecskit, jupyterlab
session = ecskit.connect()
session.ecs.create_cluster(clusterName="binder")
print(session.ecs.list_clusters()["clusterArns"][0].rsplit("/", 1)[1])
"""


def test_binder_requirements_install_into_a_fresh_venv_and_start_runs(tmp_path: Path) -> None:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-"), "runtime.txt must read like python-3.11"
    wanted = tuple(int(part) for part in runtime.removeprefix("python-").split("."))
    assert wanted >= (3, 10), f"ecskit needs Python 3.10 or newer; binder asks for {runtime}"
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()
    start = BINDER / "start"
    assert os.access(start, os.X_OK), "binder/start must be executable"
    assert start.read_text().rstrip().splitlines()[-1] == 'exec "$@"'

    env_dir = tmp_path / "binder-venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # Relative to the repository's root, as repo2docker runs it.
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-compile",
            "-r",
            "binder/requirements.txt",
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    probe = subprocess.run(
        [str(python), "-c", PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "ECSKIT_ENDPOINT"},
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "binder"

    started = subprocess.run(
        [str(start), str(python), "-c", "import os; print(os.environ['AWS_DEFAULT_REGION'])"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "AWS_DEFAULT_REGION"},
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "us-east-1"
    assert subprocess.run([str(start), "true"], cwd=ROOT, check=False).returncode == 0
