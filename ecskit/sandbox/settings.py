"""Account settings and cluster settings: PutAccountSetting, PutAccountSettingDefault,
DeleteAccountSetting, ListAccountSettings and UpdateClusterSettings.

Facts from botocore's ECS model and the API reference
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutAccountSetting.html):

- Setting names are the model's `SettingName` enum. Values: "Accepted values are enabled,
  disabled, enhanced, on, and off"; fargateTaskRetirementWaitPeriod takes 0, 7 or 14;
  defaultLogDriverMode blocking or non-blocking; "guardDutyActivate is read-only".
- PutAccountSettingDefault sets the value "for all users on an account for whom no individual
  account setting has been specified"; ListAccountSettings with `effectiveSettings` answers
  the principal's own value or else that default; `value` filters only with `name`;
  `maxResults` is 1 to 10, 10 when omitted.
- UpdateClusterSettings sets `containerInsights` for one cluster (enabled, disabled, enhanced).

The principal's own settings stay in moto's store (it reads taskLongArnFormat & co. from there);
account defaults are kept on moto's backend object beside them, so a sandbox reset clears both.
"""

from __future__ import annotations

from typing import Any

from . import errors, paging
from .errors import EcsError

VALUES = {
    "fargateTaskRetirementWaitPeriod": ("0", "7", "14"),
    "defaultLogDriverMode": ("blocking", "non-blocking"),
    "containerInsights": ("enabled", "disabled", "enhanced"),
}
GENERAL_VALUES = ("enabled", "disabled", "enhanced", "on", "off")
READ_ONLY = ("guardDutyActivate",)
LIST_MAX = 10


def _check_value(name: str, value: str) -> None:
    if name in READ_ONLY:
        raise EcsError(
            "InvalidParameterException",
            f"{name} is read-only: Amazon GuardDuty sets it for the account.",
        )
    allowed = VALUES.get(name, GENERAL_VALUES)
    if value not in allowed:
        raise EcsError(
            "InvalidParameterException",
            f"{name} can be {', '.join(allowed)}; got {value!r}.",
        )


def _defaults(backend: Any) -> dict[str, str]:
    if not hasattr(backend, "ecskit_setting_defaults"):
        backend.ecskit_setting_defaults = {}
    return backend.ecskit_setting_defaults


def _root(backend: Any) -> str:
    return f"arn:aws:iam::{backend.account_id}:root"


def _setting(backend: Any, name: str, value: str | None, principal: str | None) -> dict:
    shown = {"name": name, "principalArn": principal or _root(backend), "type": "user"}
    if value is not None:
        shown["value"] = value
    return shown


class Settings:
    """The op_* handlers for account and cluster settings (uses EcsLayer's moto())."""

    def op_PutAccountSetting(self, backend: Any, body: dict, environ: dict) -> dict:
        _check_value(body["name"], body["value"])
        self.moto(environ, "PutAccountSetting", {"name": body["name"], "value": body["value"]})
        setting = _setting(backend, body["name"], body["value"], body.get("principalArn"))
        return {"setting": setting}

    def op_PutAccountSettingDefault(self, backend: Any, body: dict, environ: dict) -> dict:
        _check_value(body["name"], body["value"])
        _defaults(backend)[body["name"]] = body["value"]
        return {"setting": _setting(backend, body["name"], body["value"], None)}

    def op_DeleteAccountSetting(self, backend: Any, body: dict, environ: dict) -> dict:
        name = body["name"]
        own = backend.account_settings.get(name)
        self.moto(environ, "DeleteAccountSetting", {"name": name})
        value = own.value if own is not None else None
        return {"setting": _setting(backend, name, value, body.get("principalArn"))}

    def op_ListAccountSettings(self, backend: Any, body: dict, environ: dict) -> dict:
        name, value = body.get("name"), body.get("value")
        if value is not None and not name:
            raise EcsError(
                "InvalidParameterException",
                "value filters the settings only with name: give both.",
            )
        size = body.get("maxResults")
        if size is not None and not 1 <= size <= LIST_MAX:
            raise EcsError(
                "InvalidParameterException",
                f"maxResults must be between 1 and {LIST_MAX}; got {size}.",
            )
        values = {n: s.value for n, s in backend.account_settings.items()}
        if body.get("effectiveSettings"):
            values = {**_defaults(backend), **values}
        principal = body.get("principalArn")
        found = [
            _setting(backend, n, v, principal)
            for n, v in sorted(values.items())
            if (not name or n == name) and (value is None or v == value)
        ]
        return paging.paginate("ListAccountSettings", body, {"settings": found})

    def op_UpdateClusterSettings(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        merged = {s["name"]: s for s in (cluster.settings or []) if s.get("name")}
        for setting in body.get("settings") or []:
            if not setting.get("name"):  # ECS's "<Field> can not be blank." (sandbox-errors.md)
                raise EcsError("InvalidParameterException", "Setting name can not be blank.")
            if setting.get("value") is not None:
                _check_value(setting["name"], setting["value"])
            merged[setting["name"]] = {"name": setting["name"], "value": setting.get("value")}
        cluster.settings = list(merged.values())
        found = self.moto(
            environ, "DescribeClusters", {"clusters": [cluster.name], "include": ["SETTINGS"]}
        )
        return {"cluster": found["clusters"][0]}
