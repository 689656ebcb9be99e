"""TaskDefinitionForm, driven as a user would (set values, click) against the sandbox."""

from __future__ import annotations

import json

import pytest
from sent_and_answered import subset_matches

import ecskit
from ecskit import console, ops, rules
from ecskit.rules.command import OUTPUT_ONLY
from ecskit.widgets import TaskDefinitionForm
from ecskit.widgets.task_definition_form import request_body


def _revisions(session) -> list[str]:
    arns = session.ecs.list_task_definitions()["taskDefinitionArns"]
    return [console.resource_name(arn) for arn in arns]


def _filled(session, family: str = "web") -> TaskDefinitionForm:
    """A valid form: awslogs on Fargate needs the execution role, which the form then picks."""
    if not session.read_only:
        ops.create_task_execution_role(session)
    form = TaskDefinitionForm(session)
    form.family.value = family
    container = form.containers[0]
    container.name.value = "web"
    container.image.value = "public.ecr.aws/nginx/nginx:1.27"
    container.add_port().container_port.value = "80"
    container.environment.value = "MODE=prod\nGREETING=hello world"
    return form


def _errors_at(form, path: str) -> list:
    return [p for p in form.problems_at(path) if p.severity == "error"]


def test_valid_form_registers_and_the_result_matches_the_preview(session):
    form = _filled(session)
    seen = []
    form.on_register(seen.append)
    assert form.errors == [] and not form.submit.disabled
    sent = json.loads(
        form.json_preview.value.removeprefix("<pre>")
        .removesuffix("</pre>")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
    )
    assert sent == form.body
    form.submit.click()
    assert "web:1" in form.result.value and "ecskit-registered" in form.result.value
    described = session.ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
    assert seen == [described]
    # every value previewed was registered unchanged (ECS only adds its defaults)
    assert subset_matches(sent, described)
    assert described["containerDefinitions"][0]["environment"] == [
        {"name": "MODE", "value": "prod"},
        {"name": "GREETING", "value": "hello world"},
    ]


def test_register_creates_the_awslogs_group_only_when_asked(session):
    form = _filled(session, "api")
    options = form.body["containerDefinitions"][0]["logConfiguration"]["options"]
    assert options == {
        "awslogs-group": "/ecs/api",
        "awslogs-region": session.region,
        "awslogs-stream-prefix": "ecs",
    }
    form.containers[0].create_group.value = False
    form.submit.click()
    assert session.logs.describe_log_groups()["logGroups"] == []
    form.containers[0].create_group.value = True
    form.submit.click()
    groups = session.logs.describe_log_groups()["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/ecs/api"]


def test_a_log_group_that_cannot_be_made_registers_nothing(session, monkeypatch):
    form = _filled(session, "api")

    def refused(_session, name):
        raise ops.OpError(f"Could not create the log group {name}: not allowed", "AccessDenied")

    monkeypatch.setattr(ops, "create_log_group", refused)
    form.submit.click()
    assert "Could not create the log group /ecs/api" in form.result.value
    assert _revisions(session) == [] and form.registered == ""


def test_log_group_follows_the_family_until_typed(session):
    form = _filled(session, "one")
    editor = form.containers[0]
    assert editor.log_group.value == "/ecs/one"
    form.family.value = "two"
    assert editor.log_group.value == "/ecs/two"
    editor.log_group.value = "/custom"
    form.family.value = "three"
    assert editor.log_group.value == "/custom"


FARGATE_TABLE = {  # the seed's table: vCPU -> valid memory in GB
    256: [0.5, 1, 2],
    512: [1, 2, 3, 4],
    1024: list(range(2, 9)),
    2048: list(range(4, 17)),
    4096: list(range(8, 31)),
    8192: list(range(16, 61, 4)),
    16384: list(range(32, 121, 8)),
}


def test_fargate_cpu_offers_only_the_memory_the_table_allows(session):
    form = TaskDefinitionForm(session)
    assert [int(v) for _, v in form.fargate_cpu.options] == list(rules.FARGATE_CPU_UNITS)
    for cpu, gigabytes in FARGATE_TABLE.items():
        before = form.fargate_memory.value
        form.fargate_cpu.value = str(cpu)
        allowed = [str(int(g * 1024)) for g in gigabytes]
        assert [v for _, v in form.fargate_memory.options] == allowed
        # the memory chosen stays when still valid, else the smallest valid one is chosen
        expected = before if before in allowed else allowed[0]
        assert (form.body["cpu"], form.body["memory"]) == (str(cpu), expected)
    form.fargate_cpu.value = "1024"
    form.fargate_memory.value = "3072"
    form.fargate_cpu.value = "512"  # 3 GB is valid for .5 vCPU too: kept
    assert form.fargate_memory.value == "3072"


def test_network_modes_follow_the_launch_type_with_an_explanation(session):
    form = TaskDefinitionForm(session)
    assert [v for _, v in form.network_mode.options] == rules.network_modes_for("FARGATE")
    form.launch_type.value = "EC2"
    assert [v for _, v in form.network_mode.options] == rules.network_modes_for("EC2")
    for mode in rules.network_modes_for("EC2"):
        form.network_mode.value = mode
        assert form.network_help.value and mode in form.body.get("networkMode", "")
    form.network_mode.value = "bridge"
    assert "Docker" in form.network_help.value


def test_host_port_only_where_the_network_mode_allows_it(session):
    form = _filled(session)
    row = form.containers[0].ports[0]
    row.host_port.value = "8080"
    assert "hostPort" not in form.body["containerDefinitions"][0]["portMappings"][0]
    assert row.host_field.box not in row.box.children[0].children  # not shown for awsvpc
    form.launch_type.value = "EC2"
    form.network_mode.value = "bridge"
    assert row.host_field.box in row.box.children[0].children
    assert form.body["containerDefinitions"][0]["portMappings"][0]["hostPort"] == 8080


def test_ec2_size_takes_vcpu_and_gb_and_rejects_nonsense_beside_the_field(session):
    form = _filled(session)
    form.launch_type.value = "EC2"
    form.network_mode.value = "bridge"
    form.ec2_cpu.value = "0.5 vCPU"
    form.ec2_memory.value = "3GB"
    assert (form.body["cpu"], form.body["memory"]) == (
        str(rules.parse_cpu("0.5 vCPU")),
        str(rules.parse_memory("3GB")),
    )
    form.ec2_cpu.value = "lots"
    assert _errors_at(form, "cpu") and form.submit.disabled
    form.submit.click()
    assert _revisions(session) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda f: setattr(f.family, "value", ""), "family"),
        (lambda f: setattr(f.family, "value", "my app!"), "family"),
        (lambda f: setattr(f.containers[0].image, "value", ""), "containerDefinitions[0].image"),
        (lambda f: setattr(f.containers[0].name, "value", ""), "containerDefinitions[0].name"),
        (
            lambda f: setattr(f.containers[0].environment, "value", "JUST_A_NAME"),
            "containerDefinitions[0].environment",
        ),
        (
            lambda f: setattr(f.containers[0].ports[0].container_port, "value", "eighty"),
            "containerDefinitions[0].portMappings[0].containerPort",
        ),
        (
            lambda f: setattr(f.containers[0].command, "value", 'echo "unclosed'),
            "containerDefinitions[0].command",
        ),
    ],
)
def test_bad_input_shows_beside_its_field_and_sends_nothing(session, change, path):
    form = _filled(session)
    change(form)
    assert _errors_at(form, path), form.problems
    assert "ecskit-problem" in form.field(path).problems_html.value
    assert form.submit.disabled
    form._on_submit()  # even a direct call sends nothing
    assert _revisions(session) == []
    assert session.logs.describe_log_groups()["logGroups"] == []


def test_fixing_the_field_clears_its_problem(session):
    form = _filled(session)
    form.family.value = ""
    assert _errors_at(form, "family")
    form.family.value = "web"
    assert form.problems_at("family") == [] and not form.submit.disabled


def test_aws_error_is_shown_plainly_and_values_are_kept(session):
    ops.create_task_execution_role(session)
    readonly = ecskit.connect(read_only=True)  # the same sandbox, refusing writes
    form = _filled(readonly, "kept")
    assert form.errors == []
    form.submit.click()
    assert "ecskit-error" in form.result.value and "read-only" in form.result.value
    assert _revisions(session) == []
    assert form.family.value == "kept" and form.containers[0].name.value == "web"


def test_containers_add_remove_reorder_and_problems_follow_them(session):
    form = _filled(session)
    second = form.add_container()
    second.name.value = "sidecar"
    assert _errors_at(form, "containerDefinitions[1].image")
    form.move_container(second, -1)
    assert [c["name"] for c in form.body["containerDefinitions"]] == ["sidecar", "web"]
    assert _errors_at(form, "containerDefinitions[0].image")
    assert not _errors_at(form, "containerDefinitions[1].image")
    second.remove.click()
    assert [c["name"] for c in form.body["containerDefinitions"]] == ["web"]
    assert form.errors == []


def test_load_and_export_round_trip_keeps_fields_the_form_does_not_show(session):
    body = {
        "family": "batch",
        "requiresCompatibilities": ["EC2"],
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
        "networkMode": "bridge",
        "cpu": "512",
        "memory": "1024",
        "containerDefinitions": [
            {
                "name": "job",
                "image": "busybox",
                "essential": True,
                "command": ["sh", "-c", "echo hi; sleep 5"],
                "entryPoint": ["/bin/entry"],
                "portMappings": [{"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}],
                "healthCheck": {"command": ["CMD", "true"]},
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/batch",
                        "awslogs-region": "us-east-1",
                        "awslogs-stream-prefix": "ecs",
                    },
                },
            }
        ],
        "volumes": [{"name": "scratch"}],
    }
    form = TaskDefinitionForm(session)
    form.json_input.value = json.dumps(body)
    form.load_button.click()
    assert form.body == body
    form.export_button.click()
    assert json.loads(form.json_input.value) == body


def test_a_pasted_describe_answer_loads_as_its_request(session):
    first = _filled(session)
    first.submit.click()
    answer = session.ecs.describe_task_definition(taskDefinition="web:1")
    answer["taskDefinition"]["deleteRequestedAt"] = "2024-01-02T00:00:00Z"
    form = TaskDefinitionForm(session)
    form.json_input.value = json.dumps({"taskDefinition": answer["taskDefinition"]}, default=str)
    form.load_button.click()
    assert form.family.value == "web" and "taskDefinition" not in form.extra
    assert form.containers[0].image.value.endswith("nginx:1.27")
    assert not set(form.body) & set(OUTPUT_ONLY)


def test_unreadable_json_is_a_plain_message(session):
    form = _filled(session)
    form.json_input.value = "{not json"
    form.load_button.click()
    assert "cannot be read" in form.result.value and form.family.value == "web"


def test_new_revision_starts_from_an_existing_one(session):
    first = _filled(session)
    first.submit.click()
    form = TaskDefinitionForm.from_revision(session, "web:1")
    assert form.family.value == "web" and form.containers[0].image.value.endswith("nginx:1.27")
    form.containers[0].image.value = "public.ecr.aws/nginx/nginx:1.28"
    form.submit.click()
    assert "web:2" in form.result.value
    old = session.ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
    new = session.ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
    changed = {k for k in request_body(new) if request_body(new)[k] != request_body(old).get(k)}
    assert changed == {"containerDefinitions"}


def _without_execution_role(session) -> None:
    """The account without ecsTaskExecutionRole (a fixture may have made it)."""
    iam, name = session.iam, ops.EXECUTION_ROLE_NAME
    try:
        for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
        for inline in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=inline)
        iam.delete_role(RoleName=name)
    except iam.exceptions.NoSuchEntityException:
        pass


def test_roles_come_from_the_account_and_the_button_creates_the_standard_one(session):
    _without_execution_role(session)
    form = TaskDefinitionForm(session)
    assert [v for _, v in form.execution_role.options] == [""]
    assert [p.path for p in form.errors if p.path == "executionRoleArn"]  # awslogs needs it
    form.create_role.click()
    arn = session.iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]["Arn"]
    assert form.execution_role.value == arn
    assert arn in [v for _, v in form.task_role.options]
    assert form.body["executionRoleArn"] == arn
    assert form.problems_at("executionRoleArn") == []
    assert TaskDefinitionForm(session).execution_role.value == arn  # picked when it exists


def test_every_check_is_timed(session):
    form = _filled(session)
    form.family.value = "timed"
    assert form.last_check_seconds > 0


def test_platform_and_windows_default_network_mode(session):
    form = _filled(session)
    form.platform.value = ("LINUX", "ARM64")
    assert form.body["runtimePlatform"] == {
        "operatingSystemFamily": "LINUX",
        "cpuArchitecture": "ARM64",
    }
    form.launch_type.value = "EC2"
    form.platform.value = ("WINDOWS_SERVER_2022_CORE", "X86_64")
    assert "" in [v for _, v in form.network_mode.options]  # Windows' default mode
    form.network_mode.value = ""
    assert "networkMode" not in form.body and "Windows" in form.network_help.value
    form.launch_type.value = "EXTERNAL"
    assert [v for _, v in form.network_mode.options if v] == rules.network_modes_for("EXTERNAL")
    assert form.body["requiresCompatibilities"] == ["EXTERNAL"]


def test_a_refusal_naming_a_field_is_shown_beside_it_until_the_request_changes(
    session, monkeypatch
):
    form = _filled(session)

    def refuse(*_args, **_kwargs):
        raise ops.OpError("Could not register: family: taken (ClientException)", "X", "family")

    monkeypatch.setattr(ops, "register_task_definition", refuse)
    form.submit.click()
    assert "taken" in form.result.value
    assert [p.message for p in form.problems_at("family")] == [
        "Could not register: family: taken (ClientException)"
    ]
    form.family.value = "other"
    assert form.problems_at("family") == []


def test_ec2_container_without_memory_is_told_beside_its_memory_field(session):
    form = _filled(session, "worker")
    form.launch_type.value = "EC2"
    form.network_mode.value = "bridge"
    editor = form.containers[0]
    assert [p.path for p in form.errors] == ["containerDefinitions[0].memory"]
    assert "ecskit-problem" in editor.limit_fields["memory"].problems_html.value
    editor.limits["memory"].value = "512"
    assert form.errors == []
    form.submit.click()
    described = session.ecs.describe_task_definition(taskDefinition="worker:1")["taskDefinition"]
    assert described["containerDefinitions"][0]["memory"] == 512
    assert described["requiresCompatibilities"] == ["EC2"]
