"""ExpressServiceForm: the console's Express Mode create — an image and two roles to a URL.

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-create-full.html:
"an Express Mode service requires only a container image, task execution role and
infrastructure role to get started"; port, health check path, size and scaling are optional.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, express, ops
from ..rules import express as rules
from ..rules.sizes import FARGATE_SIZES, cpu_label, memory_label
from ._fields import Field, InputProblem
from ._form import _FILL_FAILURES as FILL_FAILURES
from ._form import Form
from ._loading import Inputs, refusal, without_nulls

# The developer guide's Express defaults (express-service-work.html): 1 vCPU, 2 GB, port 80,
# health check /ping; scaling on CPU with target 60 (botocore ExpressGatewayScalingTarget).
DEFAULT_CPU, DEFAULT_MEMORY = 1024, 2048
METRIC_CHOICES = [
    ("Average CPU utilization (%)", "AVERAGE_CPU"),
    ("Average memory utilization (%)", "AVERAGE_MEMORY"),
    ("Requests per target (ALB)", "REQUEST_COUNT_PER_TARGET"),
]
SC = "scalingTarget"


class ExpressServiceForm(Form):
    """Express Mode's create: `form.body` is the CreateExpressGatewayService request.

    After creating, `form.answer` is the service ECS describes (its URL in `form.url`).
    """

    kind = "express-service"
    operation = "create_express_gateway_service"
    submit_label = "Create"
    submit_class = "ecskit-create-express"
    title = "Express Mode service"

    def __init__(self, session: Any = None) -> None:
        super().__init__(session)
        self.extra: dict[str, Any] = {}
        wide = {"width": "360px"}
        self.image = widgets.Text(placeholder="public.ecr.aws/nginx/nginx:latest", layout=wide)
        self.service_name = widgets.Text(placeholder="(ECS makes one)", layout={"width": "300px"})
        self.cluster = widgets.Text(placeholder="default", layout={"width": "300px"})
        self.execution_role = widgets.Dropdown(options=[("None", "")], layout=wide)
        self.infrastructure_role = widgets.Dropdown(options=[("None", "")], layout=wide)
        self.create_execution = widgets.Button(
            description="Create ecsTaskExecutionRole", layout={"width": "240px"}
        )
        self.create_execution.add_class("ecskit-create-execution-role")
        self.create_infrastructure = widgets.Button(
            description="Create the infrastructure role", layout={"width": "240px"}
        )
        self.create_infrastructure.add_class("ecskit-create-infrastructure-role")
        self.role_message = widgets.HTML()
        self.role_message.add_class("ecskit-role-message")
        self.port = widgets.BoundedIntText(value=80, min=0, max=65535, layout={"width": "90px"})
        self.health_path = widgets.Text(value="/ping", layout={"width": "200px"})
        self.cpu = widgets.Dropdown(
            options=[(cpu_label(c), c) for c in FARGATE_SIZES],
            value=DEFAULT_CPU,
            layout={"width": "120px"},
        )
        self.memory = widgets.Dropdown(options=[], layout={"width": "120px"})
        self.minimum = widgets.BoundedIntText(value=1, min=0, max=5000, layout={"width": "80px"})
        self.maximum = widgets.BoundedIntText(value=20, min=0, max=5000, layout={"width": "80px"})
        self.metric = widgets.Dropdown(
            options=METRIC_CHOICES, value="AVERAGE_CPU", layout={"width": "260px"}
        )
        self.target = widgets.BoundedIntText(value=60, min=0, max=100000, layout={"width": "90px"})
        self.url = ""
        self.url_html = widgets.HTML()
        self.url_html.add_class("ecskit-express-url")
        self.create_execution.on_click(lambda _: self._create_role("execution"))
        self.create_infrastructure.on_click(lambda _: self._create_role("infrastructure"))
        self.fields = [
            Field(
                "primaryContainer.image",
                self.image,
                label="Image",
                help="Any registry your execution role can read: Amazon ECR, Docker Hub...",
                name="image",
            ),
            Field(
                "executionRoleArn",
                self.execution_role,
                label="Task execution role",
                # botocore CreateExpressGatewayServiceRequest.executionRoleArn
                help="Pulls the image and sends logs: trusted by ecs-tasks.amazonaws.com, with "
                "AmazonECSTaskExecutionRolePolicy.",
                name="execution-role",
                extra=[self.create_execution],
            ),
            Field(
                "infrastructureRoleArn",
                self.infrastructure_role,
                label="Infrastructure role",
                # infrastructure_IAM_role.html and express-service-getting-started.html
                help="Makes the load balancer, security groups, scaling and alarm: trusted by "
                "ecs.amazonaws.com, with AmazonECSInfrastructureRoleforExpressGatewayServices.",
                name="infrastructure-role",
                extra=[self.create_infrastructure],
            ),
            Field("serviceName", self.service_name, label="Service name", name="service-name"),
            Field("cluster", self.cluster, label="Cluster", name="cluster"),
            Field(
                "primaryContainer.containerPort",
                self.port,
                label="Container port",
                name="container-port",
            ),
            Field(
                "healthCheckPath",
                self.health_path,
                label="Health check path",
                help="The load balancer expects HTTP 200 here (default /ping).",
                name="health-check-path",
            ),
            Field(
                "cpu",
                self.cpu,
                label="Task size",
                name="size",
                extra=[widgets.HTML("memory", layout={"margin": "0 6px"}), self.memory],
            ),
            Field("memory", None, name="memory"),
            Field(
                SC,
                self.minimum,
                label="Tasks (min / max)",
                name="scaling-tasks",
                extra=[widgets.HTML("to", layout={"margin": "0 6px"}), self.maximum],
            ),
            Field(
                f"{SC}.autoScalingTargetValue",
                self.metric,
                label="Scale to keep",
                help="Application Auto Scaling adds or removes tasks to hold the metric near "
                "the target (default: CPU at 60%).",
                name="scaling-target",
                extra=[widgets.HTML("at", layout={"margin": "0 6px"}), self.target],
            ),
        ]
        self.layout_children(
            [
                *(field.box for field in self.fields[:3]),
                self.role_message,
                *(field.box for field in self.fields[3:]),
                self.url_html,
            ]
        )
        self.watch(
            self.image,
            self.service_name,
            self.cluster,
            self.execution_role,
            self.infrastructure_role,
            self.port,
            self.health_path,
            self.memory,
            self.minimum,
            self.maximum,
            self.metric,
            self.target,
        )
        self.cpu.observe(self._cpu_changed, names="value")
        with self.holding():
            self._cpu_changed()
            self.memory.value = DEFAULT_MEMORY
            self.refresh_roles()

    def on_create(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(service)` after the Express service is created."""
        self._on(callback, remove)

    # --- roles ---------------------------------------------------------------------------

    def refresh_roles(self) -> None:
        """List the account's roles trusted by ecs-tasks (execution) and ecs (infrastructure)."""

        tasks = self.read(lambda: console.task_roles(self.session), [], "list IAM roles")
        found_infrastructure = self.read(
            lambda: express.infrastructure_roles(self.session), [], "list IAM roles"
        )
        for dropdown, found, standard in (
            (self.execution_role, [(r["name"], r["arn"]) for r in tasks], ops.EXECUTION_ROLE_NAME),
            (self.infrastructure_role, found_infrastructure, express.INFRASTRUCTURE_ROLE_NAME),
        ):
            current = dropdown.value
            dropdown.options = [("None", ""), *found]
            arns = [arn for _, arn in found]
            named = [arn for name, arn in found if name == standard]
            dropdown.value = current if current in arns else (named[0] if named else "")

    def _create_role(self, which: str) -> None:
        make = express.create_execution_role if which == "execution" else None
        make = make or express.create_infrastructure_role
        try:
            arn = make(self.session)
        except ops.OpError as error:
            self.role_message.value = (
                f'<span class="ecskit-error" style="color:#b00020">✖ {escape(error.message)}</span>'
            )
            return
        self.role_message.value = (
            f'<span style="font-size:12px">Created or found <code>{escape(arn)}</code>.</span>'
        )
        with self.holding():
            self.refresh_roles()
            dropdown = self.execution_role if which == "execution" else self.infrastructure_role
            _choose(dropdown, arn)

    # --- the request ---------------------------------------------------------------------

    def _cpu_changed(self, _: Any = None) -> None:
        memories = FARGATE_SIZES[int(self.cpu.value)]
        current = self.memory.value
        with self.holding():
            self.memory.options = [(memory_label(m), m) for m in memories]
            self.memory.value = current if current in memories else memories[0]

    def run_rules(self, body: dict[str, Any]) -> list[Any]:
        return rules.check(body)

    def load(self, body: dict[str, Any]) -> list[Any]:
        """Fill the form from a CreateExpressGatewayService body; [] when it loaded.

        Form.load reads the shape from validate()'s kinds, which do not include Express
        Mode: the same steps here, with the shape read from rules.express.
        """
        if not isinstance(body, dict):
            problems: list[Any] = [InputProblem("", "The body must be a JSON object {...}.")]
        else:
            problems = [p for p in rules.check(body) if p.rule == "model.type"]
        if not problems:
            saved = Inputs(self, [self], self.loaded_attributes)
            try:
                self.fill(without_nulls(body))
            except FILL_FAILURES:
                with self.holding():
                    saved.put_back()
                problems = [InputProblem("", "The form cannot show this body.")]
        if problems:
            self._refuse_load(refusal(problems))
        else:
            self.load_message.value = ""
        return problems

    def build(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "executionRoleArn": self.execution_role.value or "",
            "infrastructureRoleArn": self.infrastructure_role.value or "",
        }
        if not body["executionRoleArn"]:
            del body["executionRoleArn"]
        for key, widget in (("serviceName", self.service_name), ("cluster", self.cluster)):
            if widget.value.strip():
                body[key] = widget.value.strip()
        body["primaryContainer"] = {
            "image": self.image.value.strip(),
            "containerPort": int(self.port.value),
        }
        if self.health_path.value.strip():
            body["healthCheckPath"] = self.health_path.value.strip()
        body["cpu"] = str(self.cpu.value)
        body["memory"] = str(self.memory.value)
        body[SC] = {
            "minTaskCount": int(self.minimum.value),
            "maxTaskCount": int(self.maximum.value),
            "autoScalingMetric": self.metric.value,
            "autoScalingTargetValue": int(self.target.value),
        }
        body.update(self.extra)
        return body

    def fill(self, body: dict[str, Any]) -> None:
        known = (
            "executionRoleArn",
            "infrastructureRoleArn",
            "serviceName",
            "cluster",
            "primaryContainer",
            "healthCheckPath",
            "cpu",
            "memory",
            SC,
        )
        container = body.get("primaryContainer") or {}
        with self.holding():
            self.extra = {k: v for k, v in body.items() if k not in known}
            rest = {k: v for k, v in container.items() if k not in ("image", "containerPort")}
            if rest:  # logs, environment, secrets...: kept as they are, sent as loaded
                self.extra["primaryContainer"] = {**container}
            _choose(self.execution_role, str(body.get("executionRoleArn", "")))
            _choose(self.infrastructure_role, str(body.get("infrastructureRoleArn", "")))
            self.service_name.value = str(body.get("serviceName", ""))
            self.cluster.value = str(body.get("cluster", ""))
            self.image.value = str(container.get("image", ""))
            self.port.value = int(container.get("containerPort", 80))
            self.health_path.value = str(body.get("healthCheckPath", "/ping"))
            cpu, memory = str(body.get("cpu", DEFAULT_CPU)), str(body.get("memory", DEFAULT_MEMORY))
            if cpu.isdigit() and int(cpu) in FARGATE_SIZES:
                self.cpu.value = int(cpu)
            else:  # a size the list lacks is kept, and the rules flag it
                self.extra["cpu"] = cpu
            if memory.isdigit() and int(memory) in [v for _, v in self.memory.options]:
                self.memory.value = int(memory)
            else:
                self.extra["memory"] = memory
            scaling = body.get(SC) or {}
            self.minimum.value = int(scaling.get("minTaskCount", 1))
            self.maximum.value = int(scaling.get("maxTaskCount", 20))
            self.metric.value = str(scaling.get("autoScalingMetric", "AVERAGE_CPU"))
            self.target.value = int(scaling.get("autoScalingTargetValue", 60))

    def send_request(self, body: dict[str, Any]) -> Any:
        return express.create_service(self.session, body)

    def done(self, answer: Any) -> str:
        self.url = express.url_of(answer)
        link = (
            f'<a href="{escape(self.url)}" target="_blank" rel="noopener">{escape(self.url)}</a>'
            if self.url
            else "its URL appears once the load balancer is ready"
        )
        self.url_html.value = f'<div style="font-size:13px">URL: {link}</div>'
        name = answer.get("serviceName") or console.resource_name(answer.get("serviceArn", ""))
        return f'Created Express service <b class="ecskit-created">{escape(str(name))}</b>.'


def _choose(dropdown: widgets.Dropdown, arn: str) -> None:
    """Select `arn`, offering it first if the list lacks it (the rules then judge it)."""
    if arn and arn not in [v for _, v in dropdown.options]:
        dropdown.options = [*dropdown.options, (console.resource_name(arn), arn)]
    dropdown.value = arn
