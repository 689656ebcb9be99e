"""Which CloudWatch log groups the account has, read once per name while a form is open (so
"Create the log group on register" is ticked only for a group that does not exist)."""

from __future__ import annotations

from typing import Any


class AccountLogGroups:
    """`exists(name)`, remembered until `forget()` (after a register made some)."""

    def __init__(self, form: Any) -> None:
        self.form = form
        self.known: dict[str, bool] = {}

    def exists(self, name: str) -> bool:
        """Whether the account has the log group `name` (unreadable or no name: False)."""
        if not name:
            return False
        if name not in self.known:
            logs = self.form.session.logs

            def found() -> bool:
                pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name)
                return any(g["logGroupName"] == name for page in pages for g in page["logGroups"])

            self.known[name] = bool(self.form.read(found, False, f"read the log group {name}"))
        return self.known[name]

    def forget(self) -> None:
        self.known = {}
