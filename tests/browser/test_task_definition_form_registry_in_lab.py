"""The task-definition form with two containers, one pulling from a private registry with
credentials and depending on the other, looked at in JupyterLab at 1400 x 1000."""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS
from test_forms_layout import MEASURE

SETUP = (
    "import ecskit\n"
    "from ecskit.widgets import TaskDefinitionForm\n"
    "session = ecskit.connect()\n"
    "session.sandbox.reset()\n"
    "'ready'"
)
FORM = (
    "form = TaskDefinitionForm(session)\n"
    "form.family.value = 'shop'\n"
    "app = form.containers[0]\n"
    "app.name.value, app.image.value = 'app', 'ghcr.io/example/private-app:1'\n"
    "app.lifecycle.private_registry.value = True\n"
    "app.lifecycle.depends_on.value = 'log-router:START'\n"
    "side = form.add_container()\n"
    "side.name.value = 'log-router'\n"
    "side.image.value = 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'\n"
    "side.essential.value = False\n"
    "form"
)


@pytest.mark.browser
def test_the_registry_credentials_field_lines_up_and_says_what_is_missing(run_notebook):
    page = run_notebook([SETUP, FORM], "td-registry")
    ARTIFACTS.mkdir(exist_ok=True)
    widget = page.locator(".jp-Cell-outputArea").nth(1).locator(".ecskit-form").first
    widget.wait_for(state="visible")
    secret = widget.locator(".ecskit-registry-secret input").first
    secret.wait_for(state="visible")
    seen = widget.evaluate(MEASURE)
    height = int(widget.evaluate("(e) => e.getBoundingClientRect().height"))
    page.set_viewport_size({"width": 1400, "height": max(1000, height + 300)})
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(ARTIFACTS / "layout-task-definition-form-registry.png"))
    assert "Registry credentials" in seen["offsets"] and "Depends on" in seen["offsets"]
    assert len(set(seen["offsets"].values())) <= 1, seen["offsets"]
    assert not seen["wrapped"] and seen["scroll"] <= 0, seen
    # the empty secret is asked for beside its field, in words
    assert "give the Secrets Manager secret" in widget.inner_text()
