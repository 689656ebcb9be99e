"""A fake AWS endpoint on 127.0.0.1 that answers with what AWS published, and nothing else.

ECS answers come from `PublishedAccount` (every published record, found by the ARN, name or id
the request names). Every other operation answers all its published outputs merged (lists
joined, paging markers dropped), or an empty answer where AWS published none. JSON services
are answered in JSON; EC2, IAM and ELB in their XML, by moto's serializers.

>>> with ReplayEndpoint() as url: session = ecskit.connect(endpoint_url=url)   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any
from urllib.parse import parse_qs

from moto.core.serialize import get_serializer_class
from moto.core.utils import get_service_model
from published_account import PublishedAccount
from published_answers import Published, published
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SERVICES = ("ecs", "ec2", "elbv2", "servicediscovery", "logs", "iam", "ecr", "cloudwatch")
# what a service signs with (the credential scope) when it differs from botocore's name
SIGNING = {"monitoring": "cloudwatch", "elasticloadbalancing": "elbv2"}
PAGING = {"nextToken", "NextToken", "Marker", "NextMarker", "IsTruncated"}
# EC2 filters the inventory uses -> the field of each item they match
EC2_FILTERS = {
    "subnet-id": "SubnetId",
    "group-id": "GroupId",
    "vpc-id": "VpcId",
    "network-interface-id": "NetworkInterfaceId",
}


def merged(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several published outputs of one operation as one answer: lists joined, once each."""
    out: dict[str, Any] = {}
    for output in outputs:
        for key, value in output.items():
            if key in PAGING:
                continue
            if isinstance(value, list) and isinstance(out.get(key, []), list):
                seen = [json.dumps(v, sort_keys=True) for v in out.get(key, [])]
                out[key] = out.get(key, []) + [
                    v for v in value if json.dumps(v, sort_keys=True) not in seen
                ]
            else:
                out.setdefault(key, value)
    return out


class EcsAnswers:
    """ECS operations over the published account, as ECS scopes them (by cluster, by name)."""

    def __init__(self, account: PublishedAccount) -> None:
        self.account = account

    def _cluster(self, body: dict[str, Any]) -> str:
        found = self.account.cluster_named(body.get("cluster"))
        if found is None:
            raise EcsClientError("ClusterNotFoundException", "Cluster not found.")
        return found.arn

    def _describe(self, kind: str, key: str, refs: list[str], cluster: str | None) -> dict:
        items, failures = [], []
        for ref in refs:
            record = self.account.find(kind, ref, cluster)
            if record is None:
                failures.append({"arn": ref, "reason": "MISSING"})
            else:
                items.append(record.item)
        return {key: items, "failures": failures}

    def ListClusters(self, body: dict) -> dict:
        return {"clusterArns": [r.arn for r in self.account.of("clusters")]}

    def DescribeClusters(self, body: dict) -> dict:
        refs = body.get("clusters") or ["default"]
        return self._describe("clusters", "clusters", refs, None)

    def ListServices(self, body: dict) -> dict:
        return {"serviceArns": [r.arn for r in self.account.of("services", self._cluster(body))]}

    def DescribeServices(self, body: dict) -> dict:
        answer = self._describe("services", "services", body["services"], self._cluster(body))
        sets = self.account.of("taskSets")
        services = []
        for item in answer["services"]:
            # ECS answers a service's task sets inside it (botocore's Service.taskSets)
            mine = [s.item for s in sets if self.account.service_of(s) == item["serviceArn"]]
            known = item.get("taskSets") or []
            services.append(
                {**item, "taskSets": known + [s for s in mine if s not in known]} if mine else item
            )
        return {**answer, "services": services}

    def DescribeTaskSets(self, body: dict) -> dict:
        cluster = self._cluster(body)
        service = self.account.find("services", body["service"], cluster)
        sets = [
            s.item
            for s in self.account.of("taskSets", cluster)
            if service is not None and self.account.service_of(s) == service.arn
        ]
        wanted = body.get("taskSets")
        if wanted:
            sets = [s for s in sets if s["taskSetArn"] in wanted or s.get("id") in wanted]
        return {"taskSets": sets, "failures": []}

    def ListTasks(self, body: dict) -> dict:
        status = body.get("desiredStatus", "RUNNING")
        instance = body.get("containerInstance")
        tasks = [
            r
            for r in self.account.of("tasks", self._cluster(body))
            if r.item.get("desiredStatus", "RUNNING") == status
            and (not instance or instance in str(r.item.get("containerInstanceArn", "")))
        ]
        return {"taskArns": [r.arn for r in tasks]}

    def DescribeTasks(self, body: dict) -> dict:
        return self._describe("tasks", "tasks", body["tasks"], self._cluster(body))

    def ListContainerInstances(self, body: dict) -> dict:
        found = self.account.of("containerInstances", self._cluster(body))
        return {"containerInstanceArns": [r.arn for r in found]}

    def DescribeContainerInstances(self, body: dict) -> dict:
        refs, cluster = body["containerInstances"], self._cluster(body)
        return self._describe("containerInstances", "containerInstances", refs, cluster)

    def DescribeCapacityProviders(self, body: dict) -> dict:
        refs = body.get("capacityProviders")
        if not refs:
            return {"capacityProviders": [r.item for r in self.account.of("capacityProviders")]}
        return self._describe("capacityProviders", "capacityProviders", refs, None)

    def ListTaskDefinitions(self, body: dict) -> dict:
        status, prefix = body.get("status", "ACTIVE"), body.get("familyPrefix")
        found = [
            r.arn
            for r in self.account.of("taskDefinitions")
            if r.item.get("status", "ACTIVE") == status
            and (not prefix or r.arn.rsplit("/", 1)[-1].split(":")[0] == prefix)
        ]
        return {"taskDefinitionArns": found}

    def DescribeTaskDefinition(self, body: dict) -> dict:
        record = self.account.find("taskDefinitions", body["taskDefinition"])
        if record is None:
            # ECS's words, quoted in https://github.com/getmoto/moto/pull/5910
            raise EcsClientError("ClientException", "Unable to describe task definition.")
        return {"taskDefinition": record.item}


class EcsClientError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class ReplayApp:
    """The WSGI app: which service and operation a request is, then its published answer."""

    def __init__(self, answers: Published | None = None) -> None:
        self.published = answers or published(*SERVICES)
        self.account = PublishedAccount(self.published)
        self.ecs = EcsAnswers(self.account)
        self.models = {name: get_service_model(name) for name in SERVICES}
        self.calls: list[tuple[str, str]] = []

    def __call__(self, environ: dict, start_response: Any) -> Any:
        return self.answer(Request(environ))(environ, start_response)

    def answer(self, request: Request) -> Response:
        scope = re.search(
            r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", request.headers.get("Authorization", "")
        )
        service = SIGNING.get(scope[1], scope[1]) if scope else ""
        target = request.headers.get("X-Amz-Target")
        if target:
            operation = target.rsplit(".", 1)[-1]
            self.calls.append((service, operation))
            return self.json_answer(
                service, operation, json.loads(request.get_data() or b"{}"), request
            )
        form = {k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()}
        operation = form.get("Action", "")
        self.calls.append((service, operation))
        return self.xml_answer(service, operation, form)

    def json_answer(self, service: str, operation: str, body: dict, request: Request) -> Response:
        kind = request.headers.get("Content-Type", "application/x-amz-json-1.1")
        handler = getattr(self.ecs, operation, None) if service == "ecs" else None
        try:
            output = handler(body) if handler else self.generic(service, operation)
            if operation == "GetMetricStatistics":
                output = _statistics(output, body.get("Statistics") or [])
        except EcsClientError as error:
            data = {"__type": error.code, "message": error.message}
            return Response(json.dumps(data), 400, content_type=kind)
        return Response(json.dumps(output, default=str), 200, content_type=kind)

    def generic(self, service: str, operation: str) -> dict[str, Any]:
        return merged([a.output for a in self.published.of(service, operation)])

    def xml_answer(self, service: str, operation: str, form: dict[str, str]) -> Response:
        output = self.generic(service, operation)
        if service == "ec2":
            output = _ec2_filtered(output, form)
        model = self.models[service]
        serializer = get_serializer_class(service, model.protocol)(model.operation_model(operation))
        answer = serializer.serialize(output)
        return Response(answer["body"], answer["status_code"], headers=answer["headers"])


def _statistics(output: dict[str, Any], asked: list[str]) -> dict[str, Any]:
    """CloudWatch answers the statistics asked for: a published point of others is not one."""
    points = [p for p in output.get("Datapoints", []) if all(s in p for s in asked)]
    return {**output, "Datapoints": points}


def _ec2_filtered(output: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """EC2's id filters (`Filter.1.Name=subnet-id`, `Filter.1.Value.1=...`) applied."""
    for key, name in form.items():
        found = re.fullmatch(r"Filter\.(\d+)\.Name", key)
        field = EC2_FILTERS.get(name) if found else None
        if not field:
            continue
        values = {v for k, v in form.items() if k.startswith(f"Filter.{found[1]}.Value.")}
        output = {
            k: [i for i in v if i.get(field) in values] if isinstance(v, list) else v
            for k, v in output.items()
        }
    return output


class ReplayEndpoint:
    """The app served on a free port of 127.0.0.1 while the `with` block runs."""

    def __init__(self, answers: Published | None = None) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self.app = ReplayApp(answers)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
