"""How ecskit gets its boto3 clients: the sandbox (default), any endpoint URL, or a real account.

>>> s = connect(backend="sandbox")          # doctest: +SKIP
>>> s.ecs.list_clusters()["clusterArns"]     # doctest: +SKIP
[]
"""

from __future__ import annotations

import os
import shlex
import threading
from typing import Any
from urllib.parse import urlparse

import boto3
import botocore.exceptions
from botocore.config import Config

BACKENDS = ("sandbox", "endpoint", "aws")
DEFAULT_REGION = "us-east-1"
# Connections a client keeps open: as many as snapshot() has calls in flight (botocore keeps 10,
# and drops, with a warning, every connection past that).
CONNECTIONS = 16

# Only these prefixes read; everything else (Create, Put, Delete, Run, Update, Tag, ...) writes.
READ_PREFIXES = ("Describe", "List", "Get", "BatchGet")
# Reads whose names do not start with a read prefix.
READ_OPERATIONS = frozenset({"FilterLogEvents", "LookupEvents"})

# The read-only guard's id on every event emitter it sits on (registered once, removed by it).
_GUARD_ID = "ecskit-read-only"
# The sandbox's credentials: moto accepts anything; these never leave the sandbox clients.
_SANDBOX_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class ConnectError(ValueError):
    """connect() was given something it cannot use; the message says what to pass instead."""


class ReadOnlyError(PermissionError):
    """A write was attempted through a read-only session to a real account. Nothing was sent."""

    def __init__(self, service: str, operation: str) -> None:
        self.service = service
        self.operation = operation
        super().__init__(
            f"{service}:{operation} would change your AWS account, and this session is read-only. "
            "Nothing was sent. To allow changes, connect with "
            "ecskit.connect(profile=..., read_only=False)."
        )


def is_read_operation(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS


class Session:
    """Hands out boto3 clients for one backend; `session.ecs`, `session.client("ec2")`.

    Clients are made once per service and shared (boto3 clients are thread-safe; making them
    is not, hence the lock). `session.read_only = True` refuses every write from then on, on
    the clients already made too; `= False` (only a real True/False) lets writes go again.
    """

    SERVICES = (
        "ecs",
        "ec2",
        "iam",
        "logs",
        "servicediscovery",
        "elbv2",
        "ecr",
        "cloudwatch",
        "autoscaling",
        "sts",
    )

    def __init__(
        self,
        backend: str,
        boto_session: boto3.session.Session,
        *,
        endpoint_url: str | None = None,
        read_only: bool = False,
        config: Config | None = None,
        profile: str | None = None,
        sandbox: Any = None,
    ) -> None:
        self.backend = backend
        self.endpoint_url = endpoint_url
        self.profile = profile
        self.sandbox = sandbox
        self._boto = boto_session
        self._config = config
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._read_only = False
        self.read_only = read_only

    @property
    def read_only(self) -> bool:
        """Whether writes are refused before they are sent (what describe() says)."""
        return self._read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        if not isinstance(value, bool):
            # None, 0 or "" must not switch a real account's guard off by accident
            raise TypeError(f"read_only takes True or False, not {value!r}.")
        with self._lock:
            # a client copies the session's emitter when it is made (botocore/args.py:
            # copy.copy(self._event_emitter)): the session covers clients made from now on,
            # each client's own emitter the ones made already
            emitters = [self._boto.events, *(c.meta.events for c in self._clients.values())]
            for events in emitters:
                if value:
                    # before-parameter-build fires before any request is built or signed
                    events.register("before-parameter-build", _refuse_writes, unique_id=_GUARD_ID)
                else:
                    events.unregister("before-parameter-build", unique_id=_GUARD_ID)
            self._read_only = value

    @property
    def region(self) -> str:
        return self._boto.region_name or DEFAULT_REGION

    def client(self, service: str) -> Any:
        """The boto3 client for `service` on this session's backend (made once, then reused)."""
        with self._lock:
            made = self._clients.get(service)
            if made is None:
                made = self._boto.client(
                    service, endpoint_url=self.endpoint_url, config=self._config
                )
                self._clients[service] = made
            return made

    def __getattr__(self, name: str) -> Any:
        if name in Session.SERVICES:
            return self.client(name)
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *Session.SERVICES]

    def describe(self) -> str:
        """One line on where this session points; never a credential."""
        sandbox = f"sandbox at {self.endpoint_url}"
        if self.backend == "sandbox":
            from .sandbox.in_process import IN_PROCESS_URL

            if self.endpoint_url == IN_PROCESS_URL:  # Pyodide: no HTTP endpoint at all
                sandbox = "sandbox in this browser tab"
        where = {
            "sandbox": sandbox,
            "endpoint": f"endpoint {self.endpoint_url}",
            "aws": f"AWS profile {self.profile or 'default'}",
        }[self.backend]
        mode = "read-only" if self.read_only else "read-write"
        return f"{where}, region {self.region}, {mode}"

    def __repr__(self) -> str:
        return f"<ecskit.Session {self.describe()}>"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from html import escape

        return f"<code>ecskit.Session</code> — {escape(self.describe())}"

    def cli(self, command: str = "ecs list-clusters") -> str:
        """The AWS CLI line that reaches the same backend as this session.

        Every value ecskit adds is shell-quoted (a pasted line never runs what a URL or a
        profile name holds); `command` is given as it is, already a shell line.
        """
        region = shlex.quote(self.region)
        if self.backend == "aws":
            profile = f" --profile {shlex.quote(self.profile)}" if self.profile else ""
            return f"aws{profile} --region {region} {command}"
        creds = "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
        if self.backend == "endpoint":
            creds = ""
        if command.split()[:1] == ["servicediscovery"]:
            # Cloud Map's DiscoverInstances puts `data-` before the endpoint's host (a host
            # prefix in botocore's model): data-127.0.0.1 never resolves. The CLI reads this
            # setting from the environment (botocore configprovider, disable_host_prefix_injection).
            creds += "AWS_DISABLE_HOST_PREFIX_INJECTION=true "
        url = shlex.quote(str(self.endpoint_url))
        return f"{creds}aws --endpoint-url {url} --region {region} {command}"


def _refuse_writes(model: Any, **_: Any) -> None:
    if not is_read_operation(model.name):
        raise ReadOnlyError(model.service_model.service_name, model.name)


def connect(
    backend: str | None = None,
    *,
    endpoint_url: str | None = None,
    profile: str | None = None,
    region: str | None = None,
    read_only: bool | None = None,
) -> Session:
    """A session on the sandbox (default), an ECS-compatible endpoint, or a real AWS account.

    - ``connect()``: the sandbox in this process (started once, then reused), or the one named by
      the ``ECSKIT_ENDPOINT`` environment variable.
    - ``connect(endpoint_url="http://127.0.0.1:5000")``: any ECS-compatible endpoint.
    - ``connect(profile="dev", region="eu-west-1")``: a real account, read-only unless
      ``read_only=False``.
    """
    if backend is None:
        if profile is not None:
            backend = "aws"
        elif endpoint_url is not None:
            backend = "endpoint"
        else:
            backend = "sandbox"
    if read_only is not None and not isinstance(read_only, bool):
        raise ConnectError(f"read_only={read_only!r}: pass True or False.")
    if backend not in BACKENDS:
        raise ConnectError(
            f"backend={backend!r} is not one of {', '.join(BACKENDS)}: use 'sandbox' (no account "
            "needed), 'endpoint' with endpoint_url=..., or 'aws' with profile=... and region=...."
        )
    if backend == "aws":
        if endpoint_url is not None:
            raise ConnectError(
                "endpoint_url is for backend='endpoint'; "
                "the 'aws' backend uses AWS's own endpoints."
            )
        return _connect_aws(profile, region, read_only=True if read_only is None else read_only)
    if profile is not None:
        raise ConnectError(
            f"profile={profile!r} is for a real account: use backend='aws' or drop backend=."
        )
    if backend == "endpoint":
        if endpoint_url is None:
            raise ConnectError("backend='endpoint' needs endpoint_url='http://host:port'.")
        return _connect_endpoint(_check_url(endpoint_url), region, bool(read_only))
    return _connect_sandbox(region, bool(read_only))


def _check_url(url: str) -> str:
    parsed = urlparse(url) if isinstance(url, str) else None
    port_ok = True
    try:
        _ = parsed.port if parsed else None
    except ValueError:
        port_ok = False
    if not parsed or parsed.scheme not in ("http", "https") or not parsed.hostname or not port_ok:
        raise ConnectError(
            f"endpoint_url={url!r} is not a URL ecskit can reach: write it as "
            "'http://HOST:PORT', for example 'http://127.0.0.1:5000'."
        )
    return url.rstrip("/")


def _sandbox_config() -> Config:
    # Unimplemented sandbox operations answer 500: retrying them only hides the message.
    return Config(
        retries={"total_max_attempts": 1},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=CONNECTIONS,
        # botocore puts a model's hostPrefix before the endpoint's host (Cloud Map's
        # DiscoverInstances: data-127.0.0.1, which never resolves): one local endpoint serves all
        inject_host_prefix=False,
    )


def _connect_endpoint(url: str, region: str | None, read_only: bool) -> Session:
    boto = boto3.session.Session(region_name=region or DEFAULT_REGION, **_SANDBOX_CREDENTIALS)
    return Session(
        "endpoint", boto, endpoint_url=url, read_only=read_only, config=_sandbox_config()
    )


def _connect_sandbox(region: str | None, read_only: bool) -> Session:
    named = os.environ.get("ECSKIT_ENDPOINT")
    sandbox = None
    boto = boto3.session.Session(region_name=region or DEFAULT_REGION, **_SANDBOX_CREDENTIALS)
    if named:
        url = _check_url(named)
    else:
        from . import sandbox as sandbox_module
        from .sandbox import in_process

        sandbox = sandbox_module.shared()
        # the HTTP server keeps running for the AWS CLI and other processes (not in a browser)
        url = in_process.IN_PROCESS_URL if in_process.IN_BROWSER else sandbox.endpoint_url
        if in_process.route() == "in-process":
            # every client made from this session gets an HTTP session that calls the layer
            # in-process: no socket, faster (figures and how measured: docs/sandbox-routes.md)
            in_process.attach(boto.events, sandbox.open().layer)
    return Session(
        "sandbox",
        boto,
        endpoint_url=url,
        read_only=read_only,
        config=_sandbox_config(),
        sandbox=sandbox,
    )


def _connect_aws(profile: str | None, region: str | None, *, read_only: bool) -> Session:
    try:
        boto = boto3.session.Session(profile_name=profile, region_name=region)
        # botocore may only read the profile here, lazily: a missing one raises now or never
        region_name = boto.region_name
    except botocore.exceptions.ProfileNotFound:
        known = boto3.session.Session().available_profiles
        raise ConnectError(
            f"profile={profile!r} is not in your AWS config (~/.aws/config, ~/.aws/credentials); "
            f"known profiles: {', '.join(known) or 'none'}. Run `aws configure --profile NAME`."
        ) from None
    if region_name is None:
        raise ConnectError(
            "No AWS region: pass region='us-east-1' (or your region), or set one in the profile."
        )
    # Throttling on a busy account is normal: botocore's adaptive mode backs off for us.
    config = Config(
        retries={"mode": "adaptive", "max_attempts": 10}, max_pool_connections=CONNECTIONS
    )
    return Session("aws", boto, read_only=read_only, config=config, profile=profile)
