"""How a service deploys: the strategy (ROLLING, BLUE_GREEN, LINEAR, CANARY) and its settings,
the deployment controller, the circuit breaker, early success, and the load balancer settings
ECS needs to shift traffic. Facts and their sources: docs/deployments.md (sections 3, 4, 7, 8).
"""

from __future__ import annotations

from typing import Any

from . import docs
from .fields import as_dict, as_str, dicts
from .problem import ERROR, WARNING, Problem, rule

SV = ("service", "update-service")
TRAFFIC = ("BLUE_GREEN", "LINEAR", "CANARY")  # the strategies that shift load balancer traffic
DC = "deploymentConfiguration"

BAKE_TIME = rule(
    "deployment.bake-time",
    ERROR,
    SV,
    "A BLUE_GREEN deployment gives bakeTimeInMinutes (how long blue and green both run after "
    "production traffic has moved).",
    # model DeploymentConfiguration.bakeTimeInMinutes: "You must provide this parameter when you
    # use the BLUE_GREEN deployment strategy."
    docs.DEPLOYMENT_CONFIGURATION,
)
LINEAR_ONLY = rule(
    "deployment.linear-only",
    ERROR,
    SV,
    "linearConfiguration is only for the LINEAR strategy.",
    # model: "Only valid when the deployment strategy is LINEAR."
    docs.DEPLOYMENT_CONFIGURATION,
)
CANARY_ONLY = rule(
    "deployment.canary-only",
    ERROR,
    SV,
    "canaryConfiguration is only for the CANARY strategy.",
    # model: "Only valid when the deployment strategy is CANARY."
    docs.DEPLOYMENT_CONFIGURATION,
)
LINEAR_STEP = rule(
    "deployment.linear-step",
    ERROR,
    SV,
    "A linear step (stepPercent) is a multiple of 0.1 from 3.0 to 100.0 percent.",
    # model LinearConfiguration.stepPercent: "Valid values are multiples of 0.1 from 3.0 to 100.0."
    docs.LINEAR_CONFIGURATION,
)
CANARY_PERCENT = rule(
    "deployment.canary-percent",
    ERROR,
    SV,
    "canaryPercent is a multiple of 0.1 from 0.1 to 100.0 percent.",
    # model CanaryConfiguration.canaryPercent: "Valid values are multiples of 0.1 from 0.1 to
    # 100.0."
    docs.CANARY_CONFIGURATION,
)
STEP_BAKE = rule(
    "deployment.step-bake-time",
    ERROR,
    SV,
    "stepBakeTimeInMinutes and canaryBakeTimeInMinutes are 0 to 1440 minutes (24 hours).",
    # model Linear/CanaryConfiguration: "Valid values are 0 to 1440 minutes (24 hours)."
    docs.LINEAR_CONFIGURATION,
)
CONTROLLER = rule(
    "deployment.controller",
    ERROR,
    SV,
    "BLUE_GREEN, LINEAR and CANARY strategies need the ECS deployment controller.",
    # model Linear/CanaryConfiguration: "only valid when you run CreateService or UpdateService
    # with deploymentController set to ECS"; blue-green-deployment-implementation.html: "Set the
    # service deployment controller to ECS."
    docs.DEPLOYMENT_CONTROLLER,
)
BREAKER_CONTROLLER = rule(
    "deployment.circuit-breaker-controller",
    ERROR,
    SV,
    "The deployment circuit breaker works only with the ECS deployment controller (not "
    "CODE_DEPLOY or EXTERNAL).",
    # model DeploymentCircuitBreaker: "can only be used for services using the rolling update
    # (ECS) deployment type."
    docs.CIRCUIT_BREAKER,
)
BREAKER_STRATEGY = rule(
    "deployment.circuit-breaker-strategy",
    WARNING,
    SV,
    "The circuit breaker watches rolling and blue/green deployments; LINEAR and CANARY ones "
    "detect failures with CloudWatch alarms.",
    # deployment-failure-detection.html: "Both methods only support rolling update deployment and
    # blue/green deployment types."
    docs.FAILURE_DETECTION,
)
BREAKER_THRESHOLD = rule(
    "deployment.circuit-breaker-threshold",
    ERROR,
    SV,
    "A percentage circuit-breaker threshold (BOUNDED_PERCENT, UNBOUNDED_PERCENT) is 1 to 100.",
    # deployment-circuit-breaker.html: "For the percentage types ... the valid range for value is
    # 1-100."
    docs.CIRCUIT_BREAKER_GUIDE,
)
EARLY_SUCCESS = rule(
    "deployment.early-success",
    ERROR,
    SV,
    "earlySuccessCriteria is for ROLLING deployments only; when enabled it gives healthyPercent "
    "(at least minimumHealthyPercent) and sourceServiceRevisionCleanup.",
    # model DeploymentEarlySuccessCriteria: "You can use early success criteria only with rolling
    # deployment strategy."; enable: "You must also specify healthyPercent and
    # sourceServiceRevisionCleanup."; healthyPercent: "must be greater than or equal to the
    # minimumHealthyPercent value."
    docs.EARLY_SUCCESS,
)
ALTERNATE_GROUP = rule(
    "deployment.alternate-target-group",
    ERROR,
    SV,
    "A load balancer's advancedConfiguration names an alternate target group (green) other "
    "than its targetGroupArn (blue).",
    # CloudFormation AdvancedConfiguration: AlternateTargetGroupArn "Required: Yes";
    # alb-resources-for-blue-green.html: a primary target group and an alternate target group.
    docs.ADVANCED_CONFIGURATION_CFN,
)
TRAFFIC_SHIFTING = rule(
    "deployment.traffic-shifting",
    WARNING,
    SV,
    "For BLUE_GREEN, LINEAR and CANARY, a load balancer's advancedConfiguration gives the "
    "production listener rule and the role ECS uses to move traffic.",
    # model AdvancedConfiguration: "Specify the alternate target group, listener rules, and IAM
    # role required for traffic shifting" (the API reference marks none Required: a warning).
    docs.ADVANCED_CONFIGURATION,
)


def strategy_of(kind: str, body: dict[str, Any]) -> str:
    """The strategy the body asks for; ROLLING (the default) for a new service, "" for an update
    that leaves it as it is."""
    given = as_str(as_dict(body.get(DC)).get("strategy"))
    return given or ("ROLLING" if kind == "service" else "")


def number(value: Any) -> float | None:
    """A number field's value (whole or decimal); None when absent or not a number."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def tenths(value: float) -> bool:
    """True when `value` is a multiple of 0.1 (3.0, 12.5, 33.3; not 12.55)."""
    return abs(value * 10 - round(value * 10)) < 1e-6


def run(kind: str, body: dict[str, Any], out: list[Problem]) -> None:
    """Deployment strategy rules of a CreateService or UpdateService body."""
    configuration = as_dict(body.get(DC))
    strategy = strategy_of(kind, body)
    controller = as_str(as_dict(body.get("deploymentController")).get("type"))
    if strategy == "BLUE_GREEN" and "bakeTimeInMinutes" not in configuration:
        out.append(
            BAKE_TIME.at(
                f"{DC}.bakeTimeInMinutes",
                "A BLUE_GREEN deployment needs bakeTimeInMinutes: how many minutes the old "
                "(blue) tasks keep running after production traffic moves to green (e.g. 5).",
            )
        )
    if strategy in TRAFFIC and controller and controller != "ECS":
        out.append(
            CONTROLLER.at(
                "deploymentController.type",
                f"The {strategy} strategy needs the ECS deployment controller, not {controller}: "
                "set deploymentController.type to ECS.",
            )
        )
    _steps(strategy, configuration, out)
    _circuit_breaker(strategy, controller, configuration, out)
    _early_success(strategy, configuration, out)
    if strategy in TRAFFIC:
        _load_balancers(strategy, body, out)


def _steps(strategy: str, configuration: dict[str, Any], out: list[Problem]) -> None:
    for member, wanted, only in (
        ("linearConfiguration", "LINEAR", LINEAR_ONLY),
        ("canaryConfiguration", "CANARY", CANARY_ONLY),
    ):
        if member in configuration and strategy and strategy != wanted:
            out.append(
                only.at(
                    f"{DC}.{member}",
                    f"{member} is only used by the {wanted} strategy, not {strategy}: remove it "
                    f"or choose {wanted}.",
                )
            )
    linear = as_dict(configuration.get("linearConfiguration"))
    canary = as_dict(configuration.get("canaryConfiguration"))
    for member, values, name, low, rule_, what in (
        ("linearConfiguration", linear, "stepPercent", 3.0, LINEAR_STEP, "each step moves"),
        ("canaryConfiguration", canary, "canaryPercent", 0.1, CANARY_PERCENT, "the canary gets"),
    ):
        percent = number(values.get(name))
        if percent is not None and not (low <= percent <= 100.0 and tenths(percent)):
            out.append(
                rule_.at(
                    f"{DC}.{member}.{name}",
                    f"{name} is the share of production traffic {what}: a multiple of 0.1 "
                    f"from {low:.1f} to 100.0, not {percent:g}.",
                )
            )
    for member, values, name in (
        ("linearConfiguration", linear, "stepBakeTimeInMinutes"),
        ("canaryConfiguration", canary, "canaryBakeTimeInMinutes"),
    ):
        minutes = number(values.get(name))
        if minutes is not None and not 0 <= minutes <= 1440:
            out.append(
                STEP_BAKE.at(
                    f"{DC}.{member}.{name}",
                    f"{name} is 0 to 1440 minutes (24 hours), not {minutes:g}.",
                    source=docs.LINEAR_CONFIGURATION
                    if member == "linearConfiguration"
                    else docs.CANARY_CONFIGURATION,
                )
            )


def _circuit_breaker(
    strategy: str, controller: str, configuration: dict[str, Any], out: list[Problem]
) -> None:
    breaker = as_dict(configuration.get("deploymentCircuitBreaker"))
    at = f"{DC}.deploymentCircuitBreaker"
    if breaker.get("enable") is True and controller in ("CODE_DEPLOY", "EXTERNAL"):
        out.append(
            BREAKER_CONTROLLER.at(
                f"{at}.enable",
                f"The circuit breaker only watches deployments of the ECS controller, not "
                f"{controller}: turn it off or use deploymentController ECS.",
            )
        )
    if breaker.get("enable") is True and strategy in ("LINEAR", "CANARY"):
        out.append(
            BREAKER_STRATEGY.at(
                f"{at}.enable",
                f"The circuit breaker does not watch {strategy} deployments: use CloudWatch "
                "alarms (deploymentConfiguration.alarms) to roll them back.",
            )
        )
    threshold = as_dict(breaker.get("thresholdConfiguration"))
    value = number(threshold.get("value"))
    kind = as_str(threshold.get("type"))
    if kind.endswith("_PERCENT") and value is not None and not 1 <= value <= 100:
        out.append(
            BREAKER_THRESHOLD.at(
                f"{at}.thresholdConfiguration.value",
                f"With {kind} the value is a percentage of the desired count from 1 to 100, "
                f"not {value:g}.",
            )
        )


def _early_success(strategy: str, configuration: dict[str, Any], out: list[Problem]) -> None:
    criteria = configuration.get("earlySuccessCriteria")
    if not isinstance(criteria, dict):
        return
    at = f"{DC}.earlySuccessCriteria"
    if strategy and strategy != "ROLLING":
        out.append(
            EARLY_SUCCESS.at(
                at,
                f"Early success criteria are for ROLLING deployments only, not {strategy}: "
                "remove earlySuccessCriteria.",
            )
        )
    if criteria.get("enable") is not True:
        return
    for name in ("healthyPercent", "sourceServiceRevisionCleanup"):
        if name not in criteria:
            out.append(
                EARLY_SUCCESS.at(
                    f"{at}.{name}",
                    f"Enabled early success criteria also need {name}.",
                )
            )
    healthy = number(criteria.get("healthyPercent"))
    low = number(configuration.get("minimumHealthyPercent"))
    if healthy is not None and low is not None and healthy < low:
        out.append(
            EARLY_SUCCESS.at(
                f"{at}.healthyPercent",
                f"healthyPercent ({healthy:g}) is at least minimumHealthyPercent ({low:g}): "
                "raise it.",
            )
        )


def _load_balancers(strategy: str, body: dict[str, Any], out: list[Problem]) -> None:
    for index, item in dicts(body.get("loadBalancers")):
        target = as_str(item.get("targetGroupArn"))
        if not target:
            continue  # a Classic load balancer, or a problem service.load-balancer reports
        at = f"loadBalancers[{index}].advancedConfiguration"
        advanced = item.get("advancedConfiguration")
        if not isinstance(advanced, dict):
            out.append(
                TRAFFIC_SHIFTING.at(
                    at,
                    f"Without advancedConfiguration ECS cannot move traffic during a {strategy} "
                    "deployment: add the alternate target group, the production listener rule "
                    "and the infrastructure role.",
                )
            )
            continue
        alternate = as_str(advanced.get("alternateTargetGroupArn"))
        if not alternate:
            out.append(
                ALTERNATE_GROUP.at(
                    f"{at}.alternateTargetGroupArn",
                    "Give the alternate target group: the green tasks register there while the "
                    "blue ones keep serving from targetGroupArn.",
                )
            )
        elif alternate == target:
            out.append(
                ALTERNATE_GROUP.at(
                    f"{at}.alternateTargetGroupArn",
                    "The alternate target group is the service's own targetGroupArn: choose a "
                    "second target group for the green tasks.",
                    source=docs.ALB_BLUE_GREEN,
                )
            )
        for name, what in (
            ("productionListenerRule", "the listener rule (ALB) or listener (NLB) that routes "
             "production traffic"),
            ("roleArn", "the infrastructure role that lets ECS change the load balancer"),
        ):  # fmt: skip
            if not as_str(advanced.get(name)):
                out.append(TRAFFIC_SHIFTING.at(f"{at}.{name}", f"Give {name}: {what}."))
