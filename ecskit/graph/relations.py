"""The words on the picture's arrows, read from either end.

An edge's relation is written from its tail ("cluster shop runs → service web"); read from its
head it is `backward(relation)` ("service web run by → cluster shop"). A relation never
repeats the kind of the node it points at: the node says what it is ("uses → revision web:2",
not "uses revision → revision web:2").
"""

from __future__ import annotations

BACKWARD = {
    "runs": "run by",
    "still runs": "still run by",
    "uses": "used by",
    "has": "of",
    "contains": "part of",
    "pulls": "pulled by",
    "stored in": "stores",
    "logs to": "receives logs from",
    "tasks act as": "acted as by tasks of",  # the task role
    "ECS starts tasks as": "used by ECS to start tasks of",  # the execution role
    "ECS manages with": "lets ECS manage",  # an infrastructure role
    "attaches": "attached to",
    "embeds": "embedded in",
    "assumes": "assumed by",
    "in": "holds",
    "secured by": "secures",
    "behind": "in front of",
    "forwards to": "receives from",
    "production traffic from": "sends production traffic to",
    "test traffic from": "sends test traffic to",
    "registered in": "registers",
    "defaults to": "default of",
    "capacity from": "gives capacity to",
    "has registered": "registered in",
    "placed on": "hosts",
    "on": "registered as",
    "launches with": "given to instances of",
    "launches into": "receives instances of",
    "changed by": "changes",
    "deploys": "deployed by",
    "replaces": "replaced by",
    "scaled by": "scales",
    "adjusted by": "adjusts",
    "triggered by": "triggers",
    "rolls back on": "rolls back",
    "reachable at": "leads to",
    "joins": "joined by",  # a Service Connect client and its namespace
}
# A Service Connect client's edge names the endpoint: "connects to api.shop.local:80".
CONNECTS = "connects to "


def backward(relation: str) -> str:
    """The relation read from its head: "runs" -> "run by", "90% production" -> "…from"."""
    if relation in BACKWARD:
        return BACKWARD[relation]
    if relation.startswith(CONNECTS):  # read from the server: it answers there for the client
        return f"answers {relation[len(CONNECTS) :]} for"
    if relation.endswith("% production"):  # a revision's share of a target group's traffic
        return f"{relation} from"
    return f"{relation} (from)"
