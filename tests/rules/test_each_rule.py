"""Each rule: the valid body passes it; the smallest breaking change fails with its id and path."""

from __future__ import annotations

import pytest
from rule_bodies import (
    DELETE,
    FUNCTION,
    TARGET_GROUP,
    blue_green_service,
    change,
    cluster,
    described,
    ec2_task_definition,
    fargate_task_definition,
    run_task,
    service,
    update_service,
)

from ecskit.rules import RULES, validate

FARGATE_TD = fargate_task_definition
EC2_TD = ec2_task_definition


def MI_TD():
    return change(fargate_task_definition(), {"requiresCompatibilities": ["MANAGED_INSTANCES"]})


C0 = "containerDefinitions[0]"
C1 = "containerDefinitions[1]"
AWSVPC = "networkConfiguration.awsvpcConfiguration"
REVISION = "fargate"  # the service bodies run the Fargate task definition
DC = "deploymentConfiguration"
ADVANCED = "loadBalancers[0].advancedConfiguration"
HOOK0 = f"{DC}.lifecycleHooks[0]"
HOOK1 = f"{DC}.lifecycleHooks[1]"
BG = blue_green_service
LOG = f"{C0}.logConfiguration"
CRED = "repositoryCredentials"
CREDS = f"{CRED}.credentialsParameter"


def _creds(value):
    return {"credentialsParameter": value}


# (rule id, kind, valid body, edits that break it, expected path, revision for the check)
CASES = [
    # --- model (botocore) -------------------------------------------------------------
    ("model.required", "task-definition", FARGATE_TD, {"family": DELETE}, "family", None),
    ("model.type", "task-definition", EC2_TD, {f"{C0}.memory": "256"}, f"{C0}.memory", None),
    ("model.enum", "task-definition", FARGATE_TD, {"networkMode": "vpc"}, "networkMode", None),
    ("model.length", "cluster", cluster, {"tags": [{"key": "k"}] * 51}, "tags", None),
    ("model.pattern", "cluster", cluster, {"tags": [{"key": "a<b"}]}, "tags[0].key", None),
    (
        "model.range",
        "cluster",
        cluster,
        {"defaultCapacityProviderStrategy[1].weight": 1001},
        "defaultCapacityProviderStrategy[1].weight",
        None,
    ),
    (
        "model.unknown-field",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.portMappings[0].protocl": "tcp"},
        f"{C0}.portMappings[0].protocl",
        None,
    ),
    # --- task definition ----------------------------------------------------------------
    ("names.family", "task-definition", FARGATE_TD, {"family": "my web"}, "family", None),
    ("names.family", "task-definition", FARGATE_TD, {"family": ""}, "family", None),
    (
        "containers.count",
        "task-definition",
        FARGATE_TD,
        {"containerDefinitions": []},
        "containerDefinitions",
        None,
    ),
    ("task.cpu-format", "task-definition", EC2_TD, {"cpu": "lots"}, "cpu", None),
    ("task.memory-format", "task-definition", EC2_TD, {"memory": "big"}, "memory", None),
    ("fargate.size-required", "task-definition", FARGATE_TD, {"memory": DELETE}, "memory", None),
    ("fargate.cpu-memory", "task-definition", FARGATE_TD, {"memory": "4096"}, "memory", None),
    ("fargate.cpu-memory", "task-definition", FARGATE_TD, {"cpu": "768"}, "cpu", None),
    (
        "fargate.windows-cpu",
        "task-definition",
        FARGATE_TD,
        {"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}},
        "cpu",
        None,
    ),
    ("ec2.task-size", "task-definition", EC2_TD, {"cpu": "64"}, "cpu", None),
    ("ec2.task-size", "task-definition", EC2_TD, {"cpu": "196609"}, "cpu", None),
    (
        "fargate.network-mode",
        "task-definition",
        FARGATE_TD,
        {"networkMode": "bridge"},
        "networkMode",
        None,
    ),
    (
        "external.network-mode",
        "task-definition",
        EC2_TD,
        {"requiresCompatibilities": ["EXTERNAL"], "networkMode": "awsvpc", f"{C1}.links": DELETE},
        "networkMode",
        None,
    ),
    (
        "platform.windows-network-mode",
        "task-definition",
        EC2_TD,
        {"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"}},
        "networkMode",
        None,
    ),
    (
        "platform.arm64-linux",
        "task-definition",
        FARGATE_TD,
        {
            "cpu": "1024",
            "memory": "2048",
            "runtimePlatform": {
                "operatingSystemFamily": "WINDOWS_SERVER_2022_CORE",
                "cpuArchitecture": "ARM64",
            },
        },
        "runtimePlatform.cpuArchitecture",
        None,
    ),
    (
        "fargate.unsupported",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.privileged": True},
        f"{C0}.privileged",
        None,
    ),
    (
        "fargate.unsupported",
        "task-definition",
        FARGATE_TD,
        {"volumes": [{"name": "d", "host": {"sourcePath": "/srv"}}]},
        "volumes[0].host.sourcePath",
        None,
    ),
    (
        "fargate.unsupported",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.linuxParameters": {"capabilities": {"add": ["NET_ADMIN"]}}},
        f"{C0}.linuxParameters.capabilities.add[0]",
        None,
    ),
    (
        "fargate.log-driver",
        "task-definition",
        FARGATE_TD,
        {LOG: {"logDriver": "json-file"}},
        f"{LOG}.logDriver",
        None,
    ),
    (
        "fargate.ephemeral-storage",
        "task-definition",
        FARGATE_TD,
        {"ephemeralStorage": {"sizeInGiB": 20}},
        "ephemeralStorage.sizeInGiB",
        None,
    ),
    (
        "execution-role.required",
        "task-definition",
        FARGATE_TD,
        {"executionRoleArn": DELETE},
        "executionRoleArn",
        None,
    ),
    (
        "execution-role.required",
        "task-definition",
        EC2_TD,
        {f"{C0}.secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/db"}]},
        "executionRoleArn",
        None,
    ),
    (
        "platform.windows-unsupported",
        "task-definition",
        FARGATE_TD,
        {
            "cpu": "1024",
            "memory": "2048",
            "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
            f"{C0}.readonlyRootFilesystem": True,
        },
        f"{C0}.readonlyRootFilesystem",
        None,
    ),
    # --- ECS Managed Instances (ecskit/rules/managed_instances.py) -------------------------
    (
        "managed-instances.network-mode-required",
        "task-definition",
        MI_TD,
        {"networkMode": DELETE},
        "networkMode",
        None,
    ),
    (
        "managed-instances.network-mode",
        "task-definition",
        MI_TD,
        {"networkMode": "bridge"},
        "networkMode",
        None,
    ),
    (
        "managed-instances.linux-only",
        "task-definition",
        MI_TD,
        {"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}},
        "runtimePlatform.operatingSystemFamily",
        None,
    ),
    (
        "managed-instances.launch-type",
        "run-task",
        run_task,
        {"launchType": "MANAGED_INSTANCES"},
        "launchType",
        REVISION,
    ),
    (
        "managed-instances.launch-type",
        "service",
        service,
        {"launchType": "MANAGED_INSTANCES"},
        "launchType",
        REVISION,
    ),
    # --- containers ---------------------------------------------------------------------
    ("names.container", "task-definition", FARGATE_TD, {f"{C0}.name": ""}, f"{C0}.name", None),
    ("names.container", "task-definition", FARGATE_TD, {f"{C0}.name": "web.1"}, f"{C0}.name", None),
    (
        "names.container-unique",
        "task-definition",
        EC2_TD,
        {f"{C1}.name": "app"},
        f"{C1}.name",
        None,
    ),
    ("container.image", "task-definition", FARGATE_TD, {f"{C0}.image": ""}, f"{C0}.image", None),
    (
        "container.essential",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.essential": False},
        "containerDefinitions",
        None,
    ),
    (
        "memory.container-required",
        "task-definition",
        EC2_TD,
        {f"{C1}.memory": DELETE},
        f"{C1}.memory",
        None,
    ),
    (
        "memory.container-minimum",
        "task-definition",
        EC2_TD,
        {f"{C1}.memory": 4},
        f"{C1}.memory",
        None,
    ),
    (
        "memory.reservation-above-limit",
        "task-definition",
        EC2_TD,
        {f"{C0}.memoryReservation": 512},
        f"{C0}.memoryReservation",
        None,
    ),
    ("memory.task-total", "task-definition", EC2_TD, {"memory": "150"}, "memory", None),
    ("memory.task-total", "task-definition", EC2_TD, {"memory": "200"}, f"{C0}.memory", None),
    ("cpu.task-total", "task-definition", EC2_TD, {"cpu": "128", f"{C1}.cpu": 64}, "cpu", None),
    (
        "ports.container-port",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.portMappings[0].containerPort": 0},
        f"{C0}.portMappings[0].containerPort",
        None,
    ),
    (
        "ports.range",
        "task-definition",
        EC2_TD,
        {f"{C0}.portMappings[0].hostPort": 70000},
        f"{C0}.portMappings[0].hostPort",
        None,
    ),
    (
        "ports.host-equals-container",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.portMappings[0].hostPort": 8080},
        f"{C0}.portMappings[0].hostPort",
        None,
    ),
    (
        "ports.none-network-mode",
        "task-definition",
        EC2_TD,
        {"networkMode": "none", f"{C1}.links": DELETE},
        f"{C0}.portMappings",
        None,
    ),
    (
        "ports.reserved",
        "task-definition",
        EC2_TD,
        {f"{C0}.portMappings[0].hostPort": 22},
        f"{C0}.portMappings[0].hostPort",
        None,
    ),
    (
        "ports.duplicate",
        "task-definition",
        EC2_TD,
        {
            f"{C0}.portMappings[0].hostPort": 8080,
            f"{C1}.portMappings": [{"containerPort": 80, "hostPort": 8080}],
        },
        f"{C1}.portMappings[0].hostPort",
        None,
    ),
    (
        "logs.awslogs-options",
        "task-definition",
        FARGATE_TD,
        {f"{LOG}.options.awslogs-region": DELETE},
        f"{LOG}.options",
        None,
    ),
    (
        "logs.awslogs-option-name",
        "task-definition",
        FARGATE_TD,
        {f"{LOG}.options.awslogs-groups": "/ecs/web"},
        f"{LOG}.options.awslogs-groups",
        None,
    ),
    (
        "logs.awslogs-stream-prefix",
        "task-definition",
        FARGATE_TD,
        {f"{LOG}.options.awslogs-stream-prefix": DELETE},
        f"{LOG}.options",
        None,
    ),
    (
        "logs.firelens-router",
        "task-definition",
        FARGATE_TD,
        {LOG: {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}},
        f"{LOG}.logDriver",
        None,
    ),
    (
        "health-check.range",
        "task-definition",
        EC2_TD,
        {f"{C0}.healthCheck.interval": 2},
        f"{C0}.healthCheck.interval",
        None,
    ),
    (
        "health-check.range",
        "task-definition",
        EC2_TD,
        {f"{C0}.healthCheck.retries": 11},
        f"{C0}.healthCheck.retries",
        None,
    ),
    (
        "health-check.range",
        "task-definition",
        EC2_TD,
        {f"{C0}.healthCheck.timeout": 61},
        f"{C0}.healthCheck.timeout",
        None,
    ),
    (
        "health-check.command",
        "task-definition",
        EC2_TD,
        {f"{C0}.healthCheck.command": ["curl -f http://localhost/"]},
        f"{C0}.healthCheck.command",
        None,
    ),
    (
        "depends-on.container",
        "task-definition",
        EC2_TD,
        {f"{C1}.dependsOn[0].containerName": "db"},
        f"{C1}.dependsOn[0].containerName",
        None,
    ),
    (
        "depends-on.container",
        "task-definition",
        EC2_TD,
        {f"{C1}.dependsOn[0].containerName": "sidecar"},
        f"{C1}.dependsOn[0].containerName",
        None,
    ),
    (
        "depends-on.healthy-needs-health-check",
        "task-definition",
        EC2_TD,
        {f"{C0}.healthCheck": DELETE},
        f"{C1}.dependsOn[0].condition",
        None,
    ),
    (
        "depends-on.exit-of-essential",
        "task-definition",
        EC2_TD,
        {f"{C1}.dependsOn[0].condition": "SUCCESS"},
        f"{C1}.dependsOn[0].condition",
        None,
    ),
    (
        "depends-on.cycle",
        "task-definition",
        EC2_TD,
        {f"{C0}.dependsOn": [{"containerName": "sidecar", "condition": "START"}]},
        "containerDefinitions",
        None,
    ),
    (
        "links.bridge-only",
        "task-definition",
        EC2_TD,
        {"networkMode": "awsvpc"},
        f"{C1}.links",
        None,
    ),
    (
        "links.container",
        "task-definition",
        EC2_TD,
        {f"{C1}.links[0]": "db:backend"},
        f"{C1}.links[0]",
        None,
    ),
    (
        "volumes.name",
        "task-definition",
        EC2_TD,
        {"volumes[1]": {"name": "data"}},
        "volumes[1].name",
        None,
    ),
    (
        "volumes.source-volume",
        "task-definition",
        EC2_TD,
        {f"{C0}.mountPoints[0].sourceVolume": "date"},
        f"{C0}.mountPoints[0].sourceVolume",
        None,
    ),
    (
        "volumes.volumes-from",
        "task-definition",
        EC2_TD,
        {f"{C1}.volumesFrom[0].sourceContainer": "sidecar"},
        f"{C1}.volumesFrom[0].sourceContainer",
        None,
    ),
    (
        "environment.secret-value",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.environment[1]": {"name": "DB_PASSWORD", "value": "hunter2"}},
        f"{C0}.environment[1].value",
        None,
    ),
    # --- private registry credentials (rules/registry_credentials.py) ----------------------
    *(
        (rule_id, "task-definition", FARGATE_TD, edits, f"{C0}.{CREDS}", None)
        for rule_id, edits in (
            ("registry-credentials.secret", {f"{C0}.{CRED}": _creds("arn:aws:ssm:us-east-1:1:x")}),
            ("registry-credentials.full-arn", {f"{C0}.{CRED}": _creds("registry-login")}),
            (
                "registry-credentials.same-account",
                {f"{C0}.{CRED}": _creds("arn:aws:secretsmanager:us-east-1:999999999999:secret:r")},
            ),
            (
                "registry-credentials.not-for-ecr",
                {
                    f"{C0}.{CRED}": _creds("registry-login"),
                    f"{C0}.image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
                },
            ),
        )
    ),
    # --- clusters -------------------------------------------------------------------------
    ("names.cluster", "cluster", cluster, {"clusterName": "my cluster"}, "clusterName", None),
    (
        "cluster.default-strategy-providers",
        "cluster",
        cluster,
        {"capacityProviders": ["FARGATE"]},
        "defaultCapacityProviderStrategy[1].capacityProvider",
        None,
    ),
    (
        "cluster.container-insights",
        "cluster",
        cluster,
        {"settings[0].value": "on"},
        "settings[0].value",
        None,
    ),
    (
        "cluster.service-connect-namespace",
        "cluster",
        cluster,
        {"serviceConnectDefaults.namespace": ""},
        "serviceConnectDefaults.namespace",
        None,
    ),
    (
        "strategy.base-once",
        "cluster",
        cluster,
        {"defaultCapacityProviderStrategy[1].base": 2},
        "defaultCapacityProviderStrategy[1].base",
        None,
    ),
    (
        "strategy.fargate-or-asg",
        "cluster",
        cluster,
        {
            "capacityProviders[2]": "my-asg",
            "defaultCapacityProviderStrategy[1].capacityProvider": "my-asg",
        },
        "defaultCapacityProviderStrategy",
        None,
    ),
    (
        "strategy.duplicate",
        "cluster",
        cluster,
        {"defaultCapacityProviderStrategy[1].capacityProvider": "FARGATE"},
        "defaultCapacityProviderStrategy[1].capacityProvider",
        None,
    ),
    (
        "strategy.weights",
        "cluster",
        cluster,
        {
            "defaultCapacityProviderStrategy[0].weight": 0,
            "defaultCapacityProviderStrategy[1].weight": 0,
        },
        "defaultCapacityProviderStrategy",
        None,
    ),
    (
        "strategy.size",
        "cluster",
        cluster,
        {
            "capacityProviders": [f"asg{i}" for i in range(21)],
            "defaultCapacityProviderStrategy": [
                {"capacityProvider": f"asg{i}", "weight": 1} for i in range(21)
            ],
        },
        "defaultCapacityProviderStrategy",
        None,
    ),
    # --- services and run-task -------------------------------------------------------------
    ("names.service", "service", service, {"serviceName": "web/1"}, "serviceName", REVISION),
    (
        "placement.launch-type-or-strategy",
        "service",
        service,
        {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]},
        "launchType",
        REVISION,
    ),
    (
        "network.configuration",
        "service",
        service,
        {"networkConfiguration": DELETE},
        "networkConfiguration",
        REVISION,
    ),
    (
        "network.configuration",
        "run-task",
        run_task,
        {"networkConfiguration": DELETE},
        "networkConfiguration",
        None,
    ),
    (
        "network.awsvpc-limits",
        "service",
        service,
        {f"{AWSVPC}.securityGroups": [f"sg-{i}" for i in range(6)]},
        f"{AWSVPC}.securityGroups",
        REVISION,
    ),
    (
        "network.awsvpc-limits",
        "run-task",
        run_task,
        {f"{AWSVPC}.subnets": []},
        f"{AWSVPC}.subnets",
        None,
    ),
    (
        "network.public-ip-fargate-only",
        "run-task",
        run_task,
        {"launchType": "EC2", f"{AWSVPC}.assignPublicIp": "ENABLED"},
        f"{AWSVPC}.assignPublicIp",
        None,
    ),
    (
        "placement.platform-version-fargate-only",
        "run-task",
        run_task,
        {"launchType": "EC2", "platformVersion": "1.4.0"},
        "platformVersion",
        None,
    ),
    (
        "fargate.platform-version-size",
        "run-task",
        run_task,
        {"platformVersion": "1.3.0"},
        "platformVersion",
        "fargate-8vcpu",
    ),
    ("revision.launch-type", "service", service, {}, "launchType", ("fargate", "ec2")),
    (
        "revision.fargate-log-driver",
        "service",
        service,
        {},
        "taskDefinition",
        ("fargate", "fargate-json-file"),
    ),
    ("service.desired-count", "service", service, {"desiredCount": -1}, "desiredCount", REVISION),
    (
        "service.desired-count",
        "service",
        service,
        {"desiredCount": DELETE},
        "desiredCount",
        REVISION,
    ),
    (
        "service.desired-count",
        "update-service",
        update_service,
        {"desiredCount": -1},
        "desiredCount",
        None,
    ),
    (
        "service.daemon",
        "service",
        service,
        {"schedulingStrategy": "DAEMON", "desiredCount": DELETE},
        "schedulingStrategy",
        REVISION,
    ),
    (
        "service.deployment-percent",
        "service",
        service,
        {"deploymentConfiguration.maximumPercent": 100},
        "deploymentConfiguration.maximumPercent",
        REVISION,
    ),
    (
        "service.load-balancer",
        "service",
        service,
        {"loadBalancers[0].containerPort": 8080},
        "loadBalancers[0].containerPort",
        REVISION,
    ),
    (
        "service.load-balancer",
        "service",
        service,
        {"loadBalancers[0].containerName": "api"},
        "loadBalancers[0].containerName",
        REVISION,
    ),
    ("run-task.count", "run-task", run_task, {"count": 11}, "count", None),
    (
        "fargate.placement",
        "run-task",
        run_task,
        {"placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]},
        "placementStrategy",
        None,
    ),
    (
        "placement.constraint-expression",
        "run-task",
        run_task,
        {
            "launchType": "EC2",
            "placementConstraints": [{"type": "memberOf"}],
            AWSVPC: {"subnets": ["s"]},
        },
        "placementConstraints[0].expression",
        None,
    ),
    (
        "placement.strategy-field",
        "run-task",
        run_task,
        {"launchType": "EC2", "placementStrategy": [{"type": "binpack", "field": "disk"}]},
        "placementStrategy[0].field",
        None,
    ),
    (
        "placement.limits",
        "run-task",
        run_task,
        {"launchType": "EC2", "placementStrategy": [{"type": "random"}] * 6},
        "placementStrategy",
        None,
    ),
    (
        "external.unsupported",
        "update-service",
        update_service,
        {
            "launchType": "EXTERNAL",
            "serviceRegistries": [{"registryArn": "arn:aws:servicediscovery:x"}],
        },
        "serviceRegistries",
        None,
    ),
    (
        "service-connect.port-name",
        "service",
        service,
        {
            "serviceConnectConfiguration": {
                "enabled": True,
                "services": [{"portName": "http"}],
            }
        },
        "serviceConnectConfiguration.services[0].portName",
        REVISION,
    ),
    *(
        (
            "service-connect.client-alias",
            "service",
            service,
            {"serviceConnectConfiguration": {"enabled": True, "services": [sc]}},
            path,
            None,
        )
        for sc, path in (
            ({"portName": "web"}, "serviceConnectConfiguration.services[0].clientAliases"),
            (
                {"portName": "web", "clientAliases": [{"port": 80}, {"port": 81}]},
                "serviceConnectConfiguration.services[0].clientAliases",
            ),
            (
                {"portName": "web", "clientAliases": [{"port": 0}]},
                "serviceConnectConfiguration.services[0].clientAliases[0].port",
            ),
            (
                {"portName": "web", "clientAliases": [{"port": 80, "dnsName": "Web Shop"}]},
                "serviceConnectConfiguration.services[0].clientAliases[0].dnsName",
            ),
            (
                {"portName": "web", "clientAliases": [{"port": 80, "dnsName": "-web"}]},
                "serviceConnectConfiguration.services[0].clientAliases[0].dnsName",
            ),
        )
    ),
    (
        "service-connect.discovery-name",
        "update-service",
        update_service,
        {
            "serviceConnectConfiguration": {
                "enabled": True,
                "services": [
                    {
                        "portName": "web",
                        "discoveryName": "web.shop",
                        "clientAliases": [{"port": 80}],
                    }
                ],
            }
        },
        "serviceConnectConfiguration.services[0].discoveryName",
        None,
    ),
    # --- deployment strategies and lifecycle hooks ------------------------------------------
    (
        "deployment.bake-time",
        "service",
        BG,
        {f"{DC}.bakeTimeInMinutes": DELETE},
        f"{DC}.bakeTimeInMinutes",
        REVISION,
    ),
    (
        "deployment.linear-only",
        "service",
        BG,
        {f"{DC}.linearConfiguration": {"stepPercent": 10}},
        f"{DC}.linearConfiguration",
        REVISION,
    ),
    (
        "deployment.canary-only",
        "update-service",
        update_service,
        {DC: {"strategy": "LINEAR", "canaryConfiguration": {"canaryPercent": 5.0}}},
        f"{DC}.canaryConfiguration",
        None,
    ),
    (
        "deployment.linear-step",
        "service",
        BG,
        {f"{DC}.strategy": "LINEAR", f"{DC}.linearConfiguration": {"stepPercent": 2.5}},
        f"{DC}.linearConfiguration.stepPercent",
        REVISION,
    ),
    (
        "deployment.linear-step",
        "service",
        BG,
        {f"{DC}.strategy": "LINEAR", f"{DC}.linearConfiguration": {"stepPercent": 12.55}},
        f"{DC}.linearConfiguration.stepPercent",
        REVISION,
    ),
    (
        "deployment.canary-percent",
        "service",
        BG,
        {f"{DC}.strategy": "CANARY", f"{DC}.canaryConfiguration": {"canaryPercent": 0.05}},
        f"{DC}.canaryConfiguration.canaryPercent",
        REVISION,
    ),
    (
        "deployment.step-bake-time",
        "service",
        BG,
        {
            f"{DC}.strategy": "CANARY",
            f"{DC}.canaryConfiguration": {"canaryBakeTimeInMinutes": 1441},
        },
        f"{DC}.canaryConfiguration.canaryBakeTimeInMinutes",
        REVISION,
    ),
    (
        "deployment.controller",
        "service",
        BG,
        {"deploymentController.type": "CODE_DEPLOY"},
        "deploymentController.type",
        REVISION,
    ),
    (
        "deployment.circuit-breaker-controller",
        "service",
        service,
        {
            "deploymentController": {"type": "EXTERNAL"},
            f"{DC}.deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
        f"{DC}.deploymentCircuitBreaker.enable",
        REVISION,
    ),
    (
        "deployment.circuit-breaker-strategy",
        "service",
        BG,
        {
            f"{DC}.strategy": "LINEAR",
            f"{DC}.deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
        f"{DC}.deploymentCircuitBreaker.enable",
        REVISION,
    ),
    (
        "deployment.circuit-breaker-threshold",
        "service",
        service,
        {
            f"{DC}.deploymentCircuitBreaker": {
                "enable": True,
                "rollback": True,
                "thresholdConfiguration": {"type": "BOUNDED_PERCENT", "value": 150},
            }
        },
        f"{DC}.deploymentCircuitBreaker.thresholdConfiguration.value",
        REVISION,
    ),
    (
        "deployment.early-success",
        "service",
        BG,
        {f"{DC}.earlySuccessCriteria": {"enable": False}},
        f"{DC}.earlySuccessCriteria",
        REVISION,
    ),
    (
        "deployment.early-success",
        "service",
        service,
        {
            f"{DC}.earlySuccessCriteria": {
                "enable": True,
                "healthyPercent": 50,
                "sourceServiceRevisionCleanup": "DEFERRED",
            }
        },
        f"{DC}.earlySuccessCriteria.healthyPercent",
        REVISION,
    ),
    (
        "deployment.alternate-target-group",
        "service",
        BG,
        {f"{ADVANCED}.alternateTargetGroupArn": DELETE},
        f"{ADVANCED}.alternateTargetGroupArn",
        REVISION,
    ),
    (
        "deployment.alternate-target-group",
        "service",
        BG,
        {f"{ADVANCED}.alternateTargetGroupArn": TARGET_GROUP},
        f"{ADVANCED}.alternateTargetGroupArn",
        REVISION,
    ),
    (
        "deployment.traffic-shifting",
        "service",
        BG,
        {f"{ADVANCED}.roleArn": DELETE},
        f"{ADVANCED}.roleArn",
        REVISION,
    ),
    ("deployment.traffic-shifting", "service", BG, {ADVANCED: DELETE}, ADVANCED, REVISION),
    (
        "hooks.lambda-target",
        "service",
        BG,
        {f"{HOOK1}.hookTargetArn": DELETE},
        f"{HOOK1}.hookTargetArn",
        REVISION,
    ),
    (
        "hooks.lambda-target",
        "service",
        BG,
        {f"{HOOK0}.targetType": DELETE},
        f"{HOOK0}.hookTargetArn",
        REVISION,
    ),
    (
        "hooks.lambda-role",
        "service",
        BG,
        {f"{HOOK1}.roleArn": DELETE},
        f"{HOOK1}.roleArn",
        REVISION,
    ),
    (
        "hooks.pause-fields",
        "service",
        BG,
        {f"{HOOK0}.hookTargetArn": FUNCTION},
        f"{HOOK0}.hookTargetArn",
        REVISION,
    ),
    (
        "hooks.stages",
        "service",
        BG,
        {f"{HOOK1}.lifecycleStages": []},
        f"{HOOK1}.lifecycleStages",
        REVISION,
    ),
    (
        "hooks.stages",
        "service",
        BG,
        {f"{HOOK0}.lifecycleStages": ["PRODUCTION_TRAFFIC_SHIFT"]},
        f"{HOOK0}.lifecycleStages",
        REVISION,
    ),
    (
        "hooks.count",
        "service",
        BG,
        {
            f"{DC}.lifecycleHooks": [{"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"]}]
            * 11
        },
        f"{DC}.lifecycleHooks",
        REVISION,
    ),
    (
        "hooks.lambda-timeout",
        "service",
        BG,
        {f"{HOOK1}.timeoutConfiguration.timeoutInMinutes": 1441},
        f"{HOOK1}.timeoutConfiguration.timeoutInMinutes",
        REVISION,
    ),
    # --- the sweep's rules (docs/rules.md, "The sweep") ------------------------------------
    ("container.user", "task-definition", EC2_TD, {f"{C0}.user": "1000:-5"}, f"{C0}.user", None),
    (
        "container.awsvpc-unsupported",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.hostname": "web"},
        f"{C0}.hostname",
        None,
    ),
    (
        "container.restart-policy",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.restartPolicy": {"enabled": True, "restartAttemptPeriod": 30}},
        f"{C0}.restartPolicy.restartAttemptPeriod",
        None,
    ),
    (
        "container.security-options",
        "task-definition",
        EC2_TD,
        {f"{C0}.dockerSecurityOptions": ["seccomp:unconfined"]},
        f"{C0}.dockerSecurityOptions[0]",
        None,
    ),
    (
        "container.credential-specs",
        "task-definition",
        EC2_TD,
        {f"{C0}.credentialSpecs": ["arn:aws:s3:::bucket/spec.json"]},
        f"{C0}.credentialSpecs[0]",
        None,
    ),
    (
        "fargate.timeouts",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.stopTimeout": 300},
        f"{C0}.stopTimeout",
        None,
    ),
    (
        "environment.files",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.environmentFiles": [{"value": "arn:aws:s3:::b/app.txt", "type": "s3"}]},
        f"{C0}.environmentFiles[0].value",
        None,
    ),
    (
        "linux.capabilities",
        "task-definition",
        EC2_TD,
        {f"{C0}.linuxParameters": {"capabilities": {"add": ["CAP_NET_ADMIN"]}}},
        f"{C0}.linuxParameters.capabilities.add[0]",
        None,
    ),
    (
        "linux.swap",
        "task-definition",
        EC2_TD,
        {f"{C0}.linuxParameters": {"swappiness": 60}},
        f"{C0}.linuxParameters.swappiness",
        None,
    ),
    (
        "linux.tmpfs-options",
        "task-definition",
        EC2_TD,
        {
            f"{C0}.linuxParameters": {
                "tmpfs": [{"containerPath": "/tmp", "size": 64, "mountOptions": ["fast"]}]
            }
        },
        f"{C0}.linuxParameters.tmpfs[0].mountOptions[0]",
        None,
    ),
    (
        "container.system-controls",
        "task-definition",
        EC2_TD,
        {"ipcMode": "host", f"{C0}.systemControls": [{"namespace": "kernel.shmmax", "value": "1"}]},
        f"{C0}.systemControls[0].namespace",
        None,
    ),
    (
        "ports.name",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.portMappings[0].name": "-web"},
        f"{C0}.portMappings[0].name",
        None,
    ),
    (
        "ports.container-port-range",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.portMappings[1]": {"containerPortRange": "9000-8000"}},
        f"{C0}.portMappings[1].containerPortRange",
        None,
    ),
    (
        "ports.one-protocol",
        "task-definition",
        FARGATE_TD,
        {f"{C0}.portMappings[1]": {"containerPort": 80, "protocol": "udp"}},
        f"{C0}.portMappings[1].protocol",
        None,
    ),
    (
        "logs.awslogs-multiline",
        "task-definition",
        FARGATE_TD,
        {
            f"{LOG}.options.awslogs-datetime-format": "%Y-%m-%d",
            f"{LOG}.options.awslogs-multiline-pattern": "^INFO",
        },
        f"{LOG}.options.awslogs-multiline-pattern",
        None,
    ),
    (
        "volumes.efs",
        "task-definition",
        FARGATE_TD,
        {
            "volumes": [
                {
                    "name": "data",
                    "efsVolumeConfiguration": {
                        "fileSystemId": "fs-1",
                        "authorizationConfig": {"iam": "ENABLED"},
                    },
                }
            ]
        },
        "volumes[0].efsVolumeConfiguration.transitEncryption",
        None,
    ),
    (
        "volumes.s3-files",
        "task-definition",
        FARGATE_TD,
        {
            "volumes": [
                {
                    "name": "data",
                    "s3filesVolumeConfiguration": {
                        "fileSystemArn": "arn:aws:s3files:us-east-1:123456789012:file-system/fs-1",
                        "accessPointArn": "arn:aws:s3files:us-east-1:123456789012:access-point/a",
                        "rootDirectory": "/data",
                    },
                }
            ]
        },
        "volumes[0].s3filesVolumeConfiguration.rootDirectory",
        None,
    ),
    (
        "tags.limits",
        "cluster",
        cluster,
        {"tags": [{"key": "aws:team", "value": "a"}]},
        "tags[0].key",
        None,
    ),
    (
        "cluster.execute-command-logging",
        "cluster",
        cluster,
        {"configuration": {"executeCommandConfiguration": {"logging": "OVERRIDE"}}},
        "configuration.executeCommandConfiguration.logConfiguration",
        None,
    ),
    (
        "service.task-definition",
        "service",
        service,
        {"taskDefinition": DELETE},
        "taskDefinition",
        REVISION,
    ),
    (
        "service.registries",
        "service",
        service,
        {
            "serviceRegistries": [
                {
                    "registryArn": "arn:aws:servicediscovery:us-east-1:1:service/s",
                    "containerName": "web",
                }
            ]
        },
        "serviceRegistries[0]",
        REVISION,
    ),
    (
        "service.role",
        "service",
        service,
        {"role": "ecsServiceRole", "loadBalancers": DELETE},
        "role",
        REVISION,
    ),
    (
        "service.managed-tags",
        "service",
        service,
        {"enableECSManagedTags": True},
        "propagateTags",
        REVISION,
    ),
    (
        "deployment.percent-controller",
        "service",
        service,
        {
            "deploymentController": {"type": "EXTERNAL"},
            "launchType": "EC2",
            "networkConfiguration": DELETE,
            "platformVersion": DELETE,
            "loadBalancers": DELETE,
        },
        f"{DC}.minimumHealthyPercent",
        None,
    ),
    (
        "service-connect.access-logs",
        "service",
        service,
        {
            "serviceConnectConfiguration": {
                "enabled": True,
                "accessLogConfiguration": {"format": "TEXT"},
            }
        },
        "serviceConnectConfiguration.logConfiguration",
        REVISION,
    ),
    (
        "fargate.platform-version-features",
        "run-task",
        run_task,
        {"platformVersion": "1.3.0", "overrides": {"ephemeralStorage": {"sizeInGiB": 30}}},
        "platformVersion",
        REVISION,
    ),
    ("run-task.started-by", "run-task", run_task, {"startedBy": "job #1"}, "startedBy", None),
    (
        "run-task.execute-command-role",
        "run-task",
        run_task,
        {"enableExecuteCommand": True},
        "enableExecuteCommand",
        REVISION,
    ),
    (
        "run-task.overrides",
        "run-task",
        run_task,
        {"overrides": {"containerOverrides": [{"command": ["sh"]}]}},
        "overrides.containerOverrides[0].name",
        None,
    ),
]


def _revision(name: str | None):
    if name is None:
        return None
    body = fargate_task_definition() if name.startswith("fargate") else ec2_task_definition()
    if name == "fargate-8vcpu":
        body = change(body, {"cpu": "8192", "memory": "16384"})
    if name == "fargate-json-file":
        body = change(body, {f"{LOG}": {"logDriver": "json-file"}})
    return described(body)


def _id(case) -> str:
    return f"{case[0]}@{case[4]}"


@pytest.mark.parametrize(
    ("rule_id", "kind", "base", "edits", "path", "revision"), CASES, ids=map(_id, CASES)
)
def test_rule(rule_id, kind, base, edits, path, revision):
    # a revision given as (good, bad): the breaking change is in the task definition
    good, bad = revision if isinstance(revision, tuple) else (revision, revision)
    valid = base()
    assert validate(kind, valid, task_definition=_revision(good)) == []
    broken = change(valid, edits)
    found = validate(kind, broken, task_definition=_revision(bad))
    assert (rule_id, path) in [(p.rule, p.path) for p in found], found
    problem = next(p for p in found if p.rule == rule_id and p.path == path)
    assert problem.severity == RULES[rule_id].severity or rule_id == "service.deployment-percent"
    assert problem.message[-1] in ".?" and problem.source.startswith("https://")


@pytest.mark.parametrize("cpu", ["128", "16 vCPU", "10241", "196608", "192 vCPU"])
def test_ec2_task_cpu_up_to_192_vcpu_passes(cpu):
    # RegisterTaskDefinitionRequest.cpu: "between 128 CPU units (0.125 vCPUs) and 196608 CPU units"
    body = change(ec2_task_definition(), {"cpu": cpu})
    assert [p for p in validate("task-definition", body) if p.rule == "ec2.task-size"] == []


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [("interval", 5, 300), ("timeout", 2, 60), ("retries", 1, 10), ("startPeriod", 0, 300)],
)
def test_health_check_ranges_are_botocores(name, low, high):
    def found(value: int) -> list[str]:
        body = change(ec2_task_definition(), {f"{C0}.healthCheck.{name}": value})
        return [p.path for p in validate("task-definition", body) if p.rule == "health-check.range"]

    assert found(low) == found(high) == []
    assert found(low - 1) == found(high + 1) == [f"{C0}.healthCheck.{name}"]


def test_every_rule_has_a_case():
    tested = {case[0] for case in CASES}
    # Express Mode, auto scaling and EBS-at-launch rules are run by their forms, not validate():
    # tests/widgets/test_express_service_form.py and test_service_form_scaling_and_volumes.py
    by_forms = {
        r for r in RULES if r.split(".")[0] in ("express", "auto-scaling", "volume-configuration")
    }
    assert set(RULES) - tested - by_forms == {"ecskit.internal"}


def test_revision_rules_are_skipped_without_the_revision():
    edits = {"launchType": "EC2", "platformVersion": DELETE, f"{AWSVPC}.assignPublicIp": "DISABLED"}
    broken = change(service(), edits)
    assert validate("service", broken) == []
    found = validate("service", broken, task_definition=_revision("ec2"))
    # bridge takes no networkConfiguration, and the EC2 revision has no container "web"
    assert [p.rule for p in found] == ["network.configuration", "service.load-balancer"]
    found = validate("service", broken, task_definition=_revision("fargate"))
    assert [p.rule for p in found] == []


def test_a_revision_without_compatibilities_runs_on_ec2_and_what_it_requires():
    # what registration gives: EC2, plus FARGATE when requiresCompatibilities asks for it
    body = change(service(), {"launchType": "EC2", f"{AWSVPC}.assignPublicIp": "DISABLED"})
    body = change(body, {"platformVersion": DELETE})
    fargate_only = fargate_task_definition()
    assert validate("service", body, task_definition=fargate_only) == []
    plain = change(fargate_only, {"requiresCompatibilities": DELETE})
    found = validate("service", service(), task_definition=plain)
    assert [(p.rule, p.path) for p in found] == [("revision.launch-type", "launchType")]
