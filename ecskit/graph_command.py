"""`ecskit draw`: the picture of an account or a sandbox, as DOT, SVG, PNG or a text tree."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

FORMATS = ("text", "dot", "svg", "png")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Draw every ECS resource of an account and how they link. Point it at a running sandbox "
        "(`ecskit sandbox`, then --endpoint-url http://127.0.0.1:5000, or set ECSKIT_ENDPOINT) "
        "or at a real account with --profile (read-only)."
    )
    where = parser.add_argument_group("which account")
    where.add_argument("--endpoint-url", help="an ECS-compatible endpoint, e.g. a sandbox's URL")
    where.add_argument("--profile", help="an AWS profile (a real account; read-only)")
    where.add_argument("--region", help="the region (default: the profile's, or us-east-1)")
    parser.add_argument("--cluster", help="only this cluster (name or ARN) and what it uses")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="text (default on a terminal), dot, svg or png (default: from -o's extension)",
    )
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--expand-tasks", action="store_true", help="one node per task")
    parser.add_argument(
        "--expand-services",
        action="store_true",
        help="one node per service, even in a cluster of more than 20",
    )
    parser.add_argument(
        "--all-revisions", action="store_true", help="every revision, not just those in use"
    )


def run(args: argparse.Namespace) -> int:
    from . import graph
    from .backend import ConnectError, connect
    from .inventory import snapshot

    fmt = args.format or _format_of(args.output)
    if fmt == "png" and not args.output:
        return _fail("--format png writes binary data: give a file with -o picture.png")
    if fmt in ("svg", "png") and not graph.has_dot():
        return _fail(
            f"--format {fmt} needs Graphviz's `dot`. {graph.INSTALL_DOT.split(' Meanwhile')[0]}"
        )
    endpoint = args.endpoint_url or (None if args.profile else os.environ.get("ECSKIT_ENDPOINT"))
    if args.endpoint_url and args.profile:
        return _fail(
            "give either --endpoint-url (a sandbox or endpoint) or --profile (AWS), not both"
        )
    if not endpoint and not args.profile:
        return _fail(
            "ecskit draw needs an account to draw: --endpoint-url http://127.0.0.1:5000 (start "
            "one with `ecskit sandbox`, or set ECSKIT_ENDPOINT), or --profile NAME [--region R] "
            "for a real AWS account (read-only)."
        )
    try:
        if endpoint:
            session = connect(endpoint_url=endpoint, region=args.region, read_only=True)
        else:
            session = connect(profile=args.profile, region=args.region, read_only=True)
        problem = _reach(session)
    except ConnectError as error:
        return _fail(str(error))
    if problem:
        return _fail(problem)
    inventory = snapshot(session, cluster=args.cluster, progress=False)
    if args.cluster and not len(inventory.clusters):
        return _fail(f"--cluster {args.cluster}: no such cluster in {session.describe()}")
    for note in inventory.notes:
        print(f"note: {note}", file=sys.stderr)
    kw = {
        "expand_tasks": args.expand_tasks,
        "cluster": args.cluster,
        "all_revisions": args.all_revisions,
        "expand_services": args.expand_services,
    }
    if fmt == "text":
        data: bytes = graph.to_text(inventory, **kw).encode()
    else:
        digraph = graph.to_digraph(inventory, **kw)
        data = digraph.source.encode() if fmt == "dot" else digraph.pipe(format=fmt)
    if args.output:
        Path(args.output).write_bytes(data)
        count = len(inventory.services)
        services = f"{count} service" + ("" if count == 1 else "s")
        print(f"wrote {args.output} ({fmt}, {services})", file=sys.stderr)
    else:
        sys.stdout.write(data.decode())
    return 0


def _format_of(output: str | None) -> str:
    suffix = Path(output).suffix.lstrip(".").lower() if output else ""
    if suffix == "gv":
        return "dot"
    return suffix if suffix in FORMATS else "text"


def _reach(session: object) -> str | None:
    """None if the endpoint answers; else what is wrong and how to fix it."""
    import botocore.exceptions

    try:
        session.ecs.list_clusters(maxResults=1)  # type: ignore[attr-defined]
    except botocore.exceptions.EndpointConnectionError:
        return (
            f"cannot reach {session.endpoint_url}: is the sandbox running? "  # type: ignore[attr-defined]
            "Start one with `ecskit sandbox --port 5000`."
        )
    except botocore.exceptions.NoCredentialsError:
        return "no AWS credentials for this profile: run `aws configure --profile NAME`."
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("AccessDenied", "AccessDeniedException", "UnrecognizedClientException"):
            return f"the account refused ecs:ListClusters ({code}): check the profile's permissions"
    return None


def _fail(message: str) -> int:
    print(f"ecskit draw: {message}", file=sys.stderr)
    return 2
