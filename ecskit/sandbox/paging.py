"""Pages for ECS's List calls, as ECS gives them: `maxResults` (1-100) and an opaque `nextToken`.

Which key each call pages comes from botocore's own paginator model; how many items a page
holds when `maxResults` is omitted comes from the ECS API reference (10 for ListServices,
ListServicesByNamespace and ListAccountSettings, 100 for the others).
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import cache
from typing import Any

from .errors import EcsError

# "If this parameter isn't used, then ListServices returns up to 10 results" (API reference);
# ListServiceDeployments "returns up to 20 results" (botocore ECS model)
DEFAULT_PAGE = {"ListServices": 10, "ListServicesByNamespace": 10, "ListAccountSettings": 10,
                "ListServiceDeployments": 20}  # fmt: skip
# Lists botocore has no paginator for: the key each pages
UNPAGINATED_KEYS = {"ListServiceDeployments": "serviceDeployments"}
MAX_PAGE = 100


@cache
def result_keys() -> dict[str, str]:
    """Operation -> the list it pages (botocore's ECS paginator model)."""
    import botocore.session

    model = botocore.session.get_session().get_paginator_model("ecs")
    keys = {op: conf["result_key"] for op, conf in model._paginator_config.items()}
    return {**UNPAGINATED_KEYS, **keys}


def page_size(operation: str, body: dict[str, Any]) -> int:
    size = body.get("maxResults")
    if size is None:
        return DEFAULT_PAGE.get(operation, MAX_PAGE)
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE:
        raise EcsError(
            "InvalidParameterException",
            f"maxResults must be between 1 and {MAX_PAGE}; got {size!r}.",
        )
    return size


def encode(offset: int, operation: str) -> str:
    raw = json.dumps({"o": offset, "op": operation}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode(token: str | None, operation: str) -> int:
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data.get("op") == operation and isinstance(data.get("o"), int) and data["o"] >= 0:
            return int(data["o"])
    except (ValueError, binascii.Error, AttributeError):
        pass
    raise EcsError(
        "InvalidParameterException", "Invalid nextToken: use the token a list call gave."
    )


def paginate(operation: str, body: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """Cut the full list in `response` to the page `body` asks for, adding `nextToken`."""
    key = result_keys()[operation]
    items = response.get(key) or []
    size = page_size(operation, body)
    start = decode(body.get("nextToken"), operation)
    page = dict(response)
    page[key] = items[start : start + size]
    page.pop("nextToken", None)
    if start + size < len(items):
        page["nextToken"] = encode(start + size, operation)
    return page
