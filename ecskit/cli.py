"""`ecskit lab | sandbox | validate | draw`.

Each subcommand lives with what it presents: `validate` in `ecskit.rules.command`, `draw` in
`ecskit.graph_command`; each of those modules has `configure(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from pathlib import Path

# subcommand -> (module with configure/run, one-line help)
_DELEGATED = {
    "validate": ("ecskit.rules.command", "check a request body (JSON) against ECS's rules"),
    "draw": ("ecskit.graph_command", "draw the resource hierarchy of an account or sandbox"),
    "lite": ("ecskit.lite.command", "build the course as a static JupyterLite site (no server)"),
}


def _sandbox(args: argparse.Namespace) -> int:
    from .sandbox import Sandbox

    box = Sandbox(host=args.host, port=args.port, latency=args.latency_ms / 1000)
    box.bind()
    if args.clock:
        box.clock = args.clock
    url = box.endpoint_url
    print(f"ecskit sandbox serving on {url} (Ctrl-C to stop)", flush=True)
    print(f"  in Python:  ecskit.connect(endpoint_url={url!r})", flush=True)
    print(
        "  AWS CLI:    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
        f"aws --endpoint-url {url} --region us-east-1 ecs list-clusters",
        flush=True,
    )
    # SIGTERM (CI, a closing terminal) stops as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        box.serve_forever()  # werkzeug swallows the KeyboardInterrupt and returns
    finally:
        print("ecskit sandbox stopped", flush=True)
    return 0


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def course_dir() -> Path:
    """The course's notebooks: ./notebooks of a checkout, else the current directory."""
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if here.is_dir() else Path.cwd()


def _lab(args: argparse.Namespace) -> int:
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print("JupyterLab is not installed: pip install 'ecskit[lab]'", file=sys.stderr)
        return 2
    root = Path(args.notebooks or course_dir())
    if not root.is_dir():
        print(f"--notebooks {root}: no such folder", file=sys.stderr)
        return 2
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    cmd += [f"--ServerApp.ip={args.ip}", f"--ServerApp.port={args.port}"]
    if args.no_browser:
        cmd.append("--no-browser")
    cmd += args.jupyter_args
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # as root JupyterLab refuses to start without it
    first = sorted(root.glob("00-*.ipynb"))
    if first:
        cmd.append(f"--LabApp.default_url=/lab/tree/{first[0].name}")
    print("Starting JupyterLab on the ecskit course; each notebook starts its own sandbox.")
    os.execv(sys.executable, cmd)
    return 0  # pragma: no cover


_EXAMPLES = """examples:
  ecskit lab                          the course in JupyterLab, on the sandbox (Ctrl-C stops it)
  ecskit sandbox --port 5000          the sandbox for the AWS CLI or boto3 (Ctrl-C stops it)
  ecskit validate td.json             ECS's rules on a request body, each with the page to read
  ecskit draw --endpoint-url http://127.0.0.1:5000 -o account.svg
                                      the picture of a running sandbox's (or --profile's) resources
  ecskit lite build site/             the course as a static JupyterLite site

`ecskit COMMAND --help` says more about each."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecskit",
        description="Amazon ECS in a notebook.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EXAMPLES,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    lab = sub.add_parser("lab", help="start JupyterLab on the course (notebooks/)")
    lab.add_argument("--notebooks", help="folder to open (default: the course)")
    lab.add_argument(
        "--ip", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    lab.add_argument("--port", type=int, default=8888, help="port (default: %(default)s)")
    lab.add_argument("--no-browser", action="store_true", help="print the URL, open no browser")
    lab.set_defaults(func=_lab)

    box = sub.add_parser("sandbox", help="serve the sandbox in the foreground")
    box.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    box.add_argument(
        "--port", type=int, default=5000, help="port, 0 for any free one (default: %(default)s)"
    )
    box.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="delay every call, as a real region would (default: %(default)s)",
    )
    box.add_argument(
        "--clock",
        choices=("real", "instant", "manual"),
        help="how tasks move through their states: real (about a second a state), "
        "instant (steady state at once) or manual",
    )
    box.set_defaults(func=_sandbox)

    for name, (module, help_text) in _DELEGATED.items():
        command = sub.add_parser(name, help=help_text)
        try:
            delegate = importlib.import_module(module)
        except ImportError:
            continue
        delegate.configure(command)
        command.set_defaults(func=delegate.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # `ecskit lab` passes what it does not know on to JupyterLab (--ServerApp.*, ...).
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.jupyter_args = extra
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
