"""ecskit.connect(): the three backends, the read-only guard, and what a session shows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ecskit
from ecskit.backend import ConnectError, ReadOnlyError

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def test_sandbox_creates_a_cluster_and_reads_it_back(session: ecskit.Session) -> None:
    session.ecs.create_cluster(clusterName="first")
    [cluster] = session.ecs.describe_clusters(clusters=["first"])["clusters"]
    assert cluster["clusterName"] == "first"
    assert cluster["status"] == "ACTIVE"
    assert cluster["clusterArn"].endswith(":cluster/first")


def test_two_connects_share_one_server(session: ecskit.Session) -> None:
    other = ecskit.connect()
    assert other.endpoint_url == session.endpoint_url
    assert other.sandbox is session.sandbox
    session.ecs.create_cluster(clusterName="shared")
    assert other.ecs.list_clusters()["clusterArns"] == [
        session.ecs.describe_clusters(clusters=["shared"])["clusters"][0]["clusterArn"]
    ]


def test_sandbox_listens_on_loopback_only(session: ecskit.Session) -> None:
    assert session.endpoint_url.startswith("http://127.0.0.1:")


def test_ecskit_endpoint_names_a_running_sandbox(
    session: ecskit.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECSKIT_ENDPOINT", session.endpoint_url)
    named = ecskit.connect()
    assert named.backend == "sandbox"
    assert named.sandbox is None  # not started by us: reached by URL
    named.ecs.create_cluster(clusterName="by-url")
    assert session.ecs.describe_clusters(clusters=["by-url"])["clusters"]


def test_endpoint_backend_reaches_any_url(session: ecskit.Session) -> None:
    remote = ecskit.connect(endpoint_url=session.endpoint_url + "/")
    assert remote.backend == "endpoint"
    assert remote.endpoint_url == session.endpoint_url
    remote.ecs.create_cluster(clusterName="remote")
    assert [
        c["clusterName"] for c in session.ecs.describe_clusters(clusters=["remote"])["clusters"]
    ]


def test_connect_touches_no_aws_variable(session: ecskit.Session) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    ecskit.connect()
    ecskit.connect(endpoint_url=session.endpoint_url)
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


def test_sandbox_clients_do_not_retry(session: ecskit.Session) -> None:
    assert session.ecs.meta.config.retries["total_max_attempts"] == 1


# --- the aws backend, on a profile with fake keys: nothing here may reach the network ---


@pytest.fixture
def aws_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "config").write_text("[profile ecskit-test]\nregion = eu-west-1\n")
    (tmp_path / "credentials").write_text(
        f"[ecskit-test]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
        "aws_session_token = TOKEN-SHOULD-NEVER-SHOW\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return "ecskit-test"


def _record_sends(client: object) -> list[str]:
    """Answer every request locally, recording it: proves what would have left the machine."""
    from botocore.awsrequest import AWSResponse

    sent: list[str] = []

    class _Raw:
        def stream(self, **_: object) -> list[bytes]:
            return [b"{}"]

    def before_send(request: object, **_: object) -> AWSResponse:
        sent.append(request.headers.get("X-Amz-Target", b"").decode())  # type: ignore[attr-defined]
        return AWSResponse(request.url, 200, {}, _Raw())  # type: ignore[attr-defined]

    client.meta.events.register("before-send", before_send)  # type: ignore[attr-defined]
    return sent


def test_aws_is_read_only_by_default_and_refuses_writes_before_sending(aws_profile: str) -> None:
    aws = ecskit.connect(profile=aws_profile)
    assert (aws.backend, aws.region, aws.read_only) == ("aws", "eu-west-1", True)
    sent = _record_sends(aws.ecs)
    with pytest.raises(ReadOnlyError, match="ecs:CreateCluster.*read-only.*Nothing was sent"):
        aws.ecs.create_cluster(clusterName="nope")
    assert sent == []
    aws.ecs.list_clusters()
    assert sent == ["AmazonEC2ContainerServiceV20141113.ListClusters"]


def test_aws_read_only_covers_every_service_and_operation_kind(aws_profile: str) -> None:
    aws = ecskit.connect(profile=aws_profile, region="us-east-1")
    for call in (
        lambda: aws.iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}"),
        lambda: aws.ecs.register_task_definition(family="f", containerDefinitions=[]),
        lambda: aws.ecs.run_task(taskDefinition="f"),
        lambda: aws.ec2.terminate_instances(InstanceIds=["i-1"]),
        lambda: aws.logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[]),
    ):
        with pytest.raises(ReadOnlyError):
            call()


def test_aws_writes_when_asked(aws_profile: str) -> None:
    aws = ecskit.connect(profile=aws_profile, read_only=False)
    sent = _record_sends(aws.ecs)
    aws.ecs.create_cluster(clusterName="yes")
    assert sent == ["AmazonEC2ContainerServiceV20141113.CreateCluster"]


def test_aws_beside_sandbox_in_one_process(aws_profile: str, session: ecskit.Session) -> None:
    aws = ecskit.connect(profile=aws_profile)
    session.ecs.create_cluster(clusterName="sandboxed")  # the sandbox stays writable
    assert aws.ecs.meta.endpoint_url == "https://ecs.eu-west-1.amazonaws.com"
    assert session.ecs.meta.endpoint_url == session.endpoint_url


def test_no_credential_is_ever_displayed(aws_profile: str, session: ecskit.Session) -> None:
    aws = ecskit.connect(profile=aws_profile)
    for shown in (repr(aws), str(aws), aws._repr_html_(), aws.cli(), repr(session), str(session)):
        assert SECRET not in shown
        assert KEY_ID not in shown
        assert "TOKEN-SHOULD-NEVER-SHOW" not in shown
        assert "testing" not in shown.replace("AWS_ACCESS_KEY_ID=testing", "").replace(
            "AWS_SECRET_ACCESS_KEY=testing", ""
        )
    assert "read-only" in repr(aws)


# --- bad arguments: one clear error each ---


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "nope"}, "backend='nope' is not one of sandbox, endpoint, aws"),
        ({"endpoint_url": "not a url"}, "'not a url' is not a URL.*http://HOST:PORT"),
        ({"endpoint_url": "ftp://host:21"}, "'ftp://host:21' is not a URL"),
        ({"endpoint_url": "http://"}, "'http://' is not a URL"),
        ({"endpoint_url": "http://host:notaport"}, "is not a URL"),
        ({"backend": "endpoint"}, "needs endpoint_url="),
        (
            {"backend": "aws", "endpoint_url": "http://x:1"},
            "endpoint_url is for backend='endpoint'",
        ),
        ({"backend": "sandbox", "profile": "p"}, "profile='p' is for a real account"),
    ],
)
def test_bad_arguments_raise_one_clear_error(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ConnectError, match=message):
        ecskit.connect(**kwargs)  # type: ignore[arg-type]


def test_missing_profile_names_the_known_ones(aws_profile: str) -> None:
    with pytest.raises(ConnectError, match="'missing' is not in your AWS config.*ecskit-test"):
        ecskit.connect(profile="missing")


def test_no_region_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config").write_text("[profile bare]\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with pytest.raises(ConnectError, match="No AWS region: pass region="):
        ecskit.connect(profile="bare")


# --- read_only is the guard: setting it arms or disarms every client, made or to be made ---


def test_read_only_set_on_a_writable_session_refuses_writes_before_sending(
    session: ecskit.Session,
) -> None:
    writable = ecskit.connect()
    made_before = writable.ecs  # a client made while the session was writable
    sent = _record_sends(made_before)
    writable.read_only = True
    assert "read-only" in writable.describe()
    with pytest.raises(ReadOnlyError, match="ecs:CreateCluster.*Nothing was sent"):
        made_before.create_cluster(clusterName="nope")
    assert sent == []
    # a client made after the switch is guarded too
    with pytest.raises(ReadOnlyError, match="logs:CreateLogGroup"):
        writable.logs.create_log_group(logGroupName="/nope")
    made_before.list_clusters()  # reads still go
    assert sent == ["AmazonEC2ContainerServiceV20141113.ListClusters"]


def test_read_only_set_back_to_false_lets_writes_go(session: ecskit.Session) -> None:
    flipping = ecskit.connect(read_only=True)
    guarded = flipping.ecs
    with pytest.raises(ReadOnlyError):
        guarded.create_cluster(clusterName="later")
    flipping.read_only = False
    assert "read-write" in flipping.describe()
    guarded.create_cluster(clusterName="later")
    flipping.logs.create_log_group(logGroupName="/later")
    assert session.ecs.describe_clusters(clusters=["later"])["clusters"][0]["status"] == "ACTIVE"
    assert [g["logGroupName"] for g in session.logs.describe_log_groups()["logGroups"]] == [
        "/later"
    ]
    flipping.read_only = True  # and back: one guard, however often it is switched
    with pytest.raises(ReadOnlyError):
        guarded.delete_cluster(cluster="later")


def test_aws_guard_goes_only_when_switched_off_with_a_real_false(aws_profile: str) -> None:
    aws = ecskit.connect(profile=aws_profile)
    sent = _record_sends(aws.ecs)
    for unclear in (None, 0, "", "no"):
        with pytest.raises(TypeError, match="read_only takes True or False"):
            aws.read_only = unclear  # type: ignore[assignment]
        assert aws.read_only is True and "read-only" in aws.describe()
    with pytest.raises(ReadOnlyError):
        aws.ecs.create_cluster(clusterName="nope")
    assert sent == []
    aws.read_only = False  # the user's explicit opt-in
    assert "read-write" in aws.describe()
    aws.ecs.create_cluster(clusterName="yes")
    assert sent == ["AmazonEC2ContainerServiceV20141113.CreateCluster"]
    with pytest.raises(ConnectError, match="read_only=0: pass True or False"):
        ecskit.connect(profile=aws_profile, read_only=0)  # type: ignore[arg-type]


# --- cli(): a line safe to paste ---


def test_cli_quotes_every_value_it_adds(session: ecskit.Session, aws_profile: str) -> None:
    import shlex

    hostile = ecskit.connect(endpoint_url="http://h/;id")
    line = hostile.cli("ecs list-clusters")
    assert "'http://h/;id'" in line
    words = shlex.split(line)
    assert words[words.index("--endpoint-url") + 1] == "http://h/;id"
    assert words[-2:] == ["ecs", "list-clusters"]  # the caller's command stays as given
    (Path(os.environ["AWS_CONFIG_FILE"])).write_text("[profile a;b]\nregion = eu-west-1\n")
    aws = ecskit.connect(profile="a;b")
    words = shlex.split(aws.cli())
    assert words[:5] == ["aws", "--profile", "a;b", "--region", "eu-west-1"]
    # ordinary values are printed as before (nothing to quote)
    assert session.cli() == (
        "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
        f"aws --endpoint-url {session.endpoint_url} --region us-east-1 ecs list-clusters"
    )
