"""Cluster rules (CreateCluster): name, capacity providers, Container Insights, namespace."""

from __future__ import annotations

import re
from typing import Any

from . import docs, strategy
from .fields import NAME, as_dict, as_str, dicts, strings
from .problem import ERROR, Problem, rule

CL = ("cluster",)
NAMESPACE = re.compile(r"^[!-~]{1,1024}$")
INSIGHTS_VALUES = ("enabled", "disabled", "enhanced")

CLUSTER_NAME = rule(
    "names.cluster",
    ERROR,
    CL,
    "A cluster name has up to 255 letters, numbers, hyphens and underscores.",
    docs.CREATE_CLUSTER,
)
DEFAULT_STRATEGY = rule(
    "cluster.default-strategy-providers",
    ERROR,
    CL,
    "The default capacity provider strategy uses only capacity providers the cluster lists.",
    docs.CREATE_CLUSTER,
)
INSIGHTS = rule(
    "cluster.container-insights",
    ERROR,
    CL,
    "Container Insights is enabled, enhanced or disabled.",
    docs.CLUSTER_SETTING,
)
NAMESPACE_RULE = rule(
    "cluster.service-connect-namespace",
    ERROR,
    CL,
    "serviceConnectDefaults names a Cloud Map namespace (a name or ARN, no spaces).",
    docs.SERVICE_CONNECT,
)
EXECUTE_COMMAND_LOGGING = rule(
    "cluster.execute-command-logging",
    ERROR,
    CL,
    "ECS Exec logging OVERRIDE needs a logConfiguration.",
    docs.API + "API_ExecuteCommandConfiguration.html",
)


def run(body: dict[str, Any], out: list[Problem]) -> None:
    name = body.get("clusterName")
    if isinstance(name, str) and not NAME.match(name):
        out.append(
            CLUSTER_NAME.at(
                "clusterName",
                f"Cluster name {name!r} may only use letters, numbers, hyphens and underscores, "
                "1 to 255 characters.",
            )
        )
    listed = set(strings(body.get("capacityProviders")))
    default = body.get("defaultCapacityProviderStrategy")
    strategy.check(default, "defaultCapacityProviderStrategy", out)
    for index, item in dicts(default):
        provider = as_str(item.get("capacityProvider"))
        if provider and provider not in listed:
            out.append(
                DEFAULT_STRATEGY.at(
                    f"defaultCapacityProviderStrategy[{index}].capacityProvider",
                    f"{provider} is not in capacityProviders: add it there or remove it here.",
                )
            )
    for index, setting in dicts(body.get("settings")):
        value = setting.get("value")
        if setting.get("name") == "containerInsights" and value not in INSIGHTS_VALUES:
            out.append(
                INSIGHTS.at(
                    f"settings[{index}].value",
                    f"containerInsights is enabled, enhanced or disabled, not {value!r}.",
                )
            )
    _execute_command(
        as_dict(as_dict(body.get("configuration")).get("executeCommandConfiguration")), out
    )
    defaults = body.get("serviceConnectDefaults")
    if isinstance(defaults, dict):
        namespace = as_str(as_dict(defaults).get("namespace"))
        if not NAMESPACE.match(namespace):
            out.append(
                NAMESPACE_RULE.at(
                    "serviceConnectDefaults.namespace",
                    "Name the default namespace (e.g. the cluster name), without spaces, or "
                    "remove serviceConnectDefaults.",
                )
            )


def _execute_command(settings: dict[str, Any], out: list[Problem]) -> None:
    """ "If the OVERRIDE logging option is specified, the logConfiguration is required."
    (botocore's ExecuteCommandConfiguration.logging documentation)"""
    at = "configuration.executeCommandConfiguration"
    logging = as_str(settings.get("logging")) or "DEFAULT"
    has_configuration = bool(as_dict(settings.get("logConfiguration")))
    if logging == "OVERRIDE" and not has_configuration:
        out.append(
            EXECUTE_COMMAND_LOGGING.at(
                f"{at}.logConfiguration",
                "logging OVERRIDE needs a logConfiguration: a CloudWatch log group or an S3 "
                "bucket for the ECS Exec session logs.",
            )
        )
