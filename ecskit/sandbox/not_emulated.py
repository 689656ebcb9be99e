"""ECS operations the sandbox does not emulate yet: each answers ECS's own
`UnsupportedFeatureException` (an error in botocore's ECS model, HTTP 400) saying so, never a
crash. A later issue that implements one removes its line from `NOT_EMULATED`.

`UnsupportedFeatureException` is the error ECS answers for a feature it does not offer where it
is asked ("The specified task isn't supported in this Region." — its docstring in botocore's
model; https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

from typing import Any

from .errors import EcsError

_DAEMONS = "ECS daemons"
_GATEWAYS = "ECS gateways"
_AGENT = "a call only the ECS container agent makes"

# operation -> what it is, in the words of the message
NOT_EMULATED: dict[str, str] = {
    "CreateDaemon": _DAEMONS,
    "DeleteDaemon": _DAEMONS,
    "DescribeDaemon": _DAEMONS,
    "UpdateDaemon": _DAEMONS,
    "ListDaemons": _DAEMONS,
    "DescribeDaemonDeployments": _DAEMONS,
    "ListDaemonDeployments": _DAEMONS,
    "DescribeDaemonRevisions": _DAEMONS,
    "RegisterDaemonTaskDefinition": _DAEMONS,
    "DescribeDaemonTaskDefinition": _DAEMONS,
    "DeleteDaemonTaskDefinition": _DAEMONS,
    "ListDaemonTaskDefinitions": _DAEMONS,
    "CreateGateway": _GATEWAYS,
    "DeleteGateway": _GATEWAYS,
    "DescribeGateway": _GATEWAYS,
    "UpdateGateway": _GATEWAYS,
    "ListGateways": _GATEWAYS,
    "DescribeGatewayResources": _GATEWAYS,
    "DescribeGatewayRoute": _GATEWAYS,
    "ListGatewayRoutes": _GATEWAYS,
    "AssociateGatewayWithCluster": _GATEWAYS,
    "DisassociateGatewayFromCluster": _GATEWAYS,
    "ListGatewayClusterAssociations": _GATEWAYS,
    "SubmitTaskStateChange": _AGENT,
    "SubmitContainerStateChange": _AGENT,
    "SubmitAttachmentStateChanges": _AGENT,
}


def refusal(operation: str) -> EcsError:
    return EcsError(
        "UnsupportedFeatureException",
        f"The ecskit sandbox does not emulate {operation} yet ({NOT_EMULATED[operation]}); "
        "it works on a real AWS account.",
    )


class NotEmulated:
    """An `op_<Operation>` for each entry of NOT_EMULATED (made below), answering `refusal`."""


def _handler(operation: str) -> Any:
    def handler(self: Any, backend: Any, body: dict, environ: dict) -> dict:
        raise refusal(operation)

    handler.__name__ = f"op_{operation}"
    handler.__doc__ = f"{operation}: not emulated yet (UnsupportedFeatureException)."
    return handler


for _operation in NOT_EMULATED:
    setattr(NotEmulated, f"op_{_operation}", _handler(_operation))
