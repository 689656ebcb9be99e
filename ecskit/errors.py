"""AWS's failures as one plain error: `OpError`, and `plain_errors`, which makes it.

Shared by the reads (`console`) and the writes (`ops`): both import it, it imports neither.

>>> with plain_errors("list clusters"):          # doctest: +SKIP
...     session.ecs.list_clusters()
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator

import botocore.exceptions


class OpError(Exception):
    """An AWS write failed; `message` says why in plain words. Nothing half-made is left."""

    def __init__(self, message: str, code: str = "", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


# botocore names the parameter in its validation messages: "Invalid type for parameter X, ..."
_PARAM = re.compile(r"parameter:? ([A-Za-z0-9_.\[\]]+)")
# ECS-like answers may start with the request path they concern: "executionRoleArn: ..."
_LEADING_PATH = re.compile(r"^(([A-Za-z]+)(?:\[\d+\])?(?:\.[A-Za-z0-9-]+(?:\[\d+\])?)*): ")


@contextlib.contextmanager
def plain_errors(action: str, members: Iterable[str] = ()) -> Iterator[None]:
    """Turn whatever boto3 raises while doing `action` into one OpError with a plain message.

    An error message that starts with a path under one of the request's `members`
    ("containerDefinitions[0].image: ...") names that path as the error's `field`.
    """
    try:
        yield
    except OpError:
        raise
    except botocore.exceptions.ClientError as error:
        info = error.response.get("Error", {})
        code = str(info.get("Code", "")) or type(error).__name__
        text = str(info.get("Message", "")) or str(error)
        if "<html" in text.lower() or "<!doctype" in text.lower():
            # an endpoint's crash page: the sandbox lacks this call or this case of it
            text = "the endpoint failed with an internal error (it may not support this request)"
        found = _LEADING_PATH.match(text)
        field = found.group(1) if found and found.group(2) in set(members) else ""
        raise OpError(f"Could not {action}: {text} ({code})", code, field) from None
    except botocore.exceptions.ParamValidationError as error:
        report = str(error.kwargs.get("report", error)).strip()
        found = _PARAM.search(report)
        raise OpError(
            f"Could not {action}: the request is not valid: {report}",
            "ParamValidationError",
            found.group(1) if found else "",
        ) from None
    except botocore.exceptions.EndpointConnectionError as error:
        raise OpError(
            f"Could not {action}: nothing answers at {error.kwargs.get('endpoint_url')}. "
            "Is the sandbox or endpoint still running?",
            "EndpointConnectionError",
        ) from None
    except botocore.exceptions.NoCredentialsError:
        raise OpError(
            f"Could not {action}: no AWS credentials. Run `aws configure` or use the sandbox "
            "(ecskit.connect()).",
            "NoCredentialsError",
        ) from None
    except PermissionError as error:  # ecskit.ReadOnlyError: nothing was sent
        raise OpError(str(error), "ReadOnly") from None
    except botocore.exceptions.BotoCoreError as error:  # timeouts, bad endpoints, waiters...
        raise OpError(f"Could not {action}: {error}", type(error).__name__) from None
