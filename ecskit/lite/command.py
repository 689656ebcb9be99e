"""`ecskit lite build OUT_DIR` and `ecskit lite fetch`: the course as a static JupyterLite site."""

from __future__ import annotations

import argparse
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="lite_command", required=True)
    build = sub.add_parser("build", help="build the site into OUT_DIR (serve it with any server)")
    build.add_argument("out_dir", metavar="OUT_DIR", type=Path)
    build.add_argument(
        "--notebooks", type=Path, default=None, help="the course's notebooks (default: the course)"
    )
    sub.add_parser("fetch", help="fetch Graphviz's wasm build, to draw pictures without `dot`")


def run(args: argparse.Namespace) -> int:
    from ..cli import course_dir
    from ..graph.browser_render import VIZ_PACKAGE
    from .cache import FetchError, npm_package

    try:
        if args.lite_command == "fetch":
            print(f"{VIZ_PACKAGE[0]} {VIZ_PACKAGE[1]} in {npm_package(*VIZ_PACKAGE)}")
            return 0
        from .build import build

        built = build(args.out_dir, args.notebooks or course_dir())
    except FetchError as error:
        print(f"ecskit lite: {error}")
        return 2
    print(
        f"built {args.out_dir}: {len(built['notebooks'])} notebooks, {built['wheels']} wheels, "
        f"{built['bytes'] / 1e6:.0f} MB. Serve it: python -m http.server -d {args.out_dir}"
    )
    return 0
