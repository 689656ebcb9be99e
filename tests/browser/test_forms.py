"""The task definition form and the families view in JupyterLab, used as a learner would."""

from __future__ import annotations

import os

import pytest

# dev only: a cell run before the others (empty in the suite)
PRELUDE = os.environ.get("ECSKIT_FORMS_PRELUDE", "")

CELLS = [
    "import ecskit\n"
    "from ecskit.widgets import TaskDefinitionForm, TaskDefinitionsView\n"
    "session = ecskit.connect()\n"
    "form = TaskDefinitionForm(session)\n"
    "form",
    "view = TaskDefinitionsView(session)\nview",
]


@pytest.mark.browser
def test_fill_fix_register_then_deregister_through_the_confirmation(run_notebook, screenshot):
    page = run_notebook(([PRELUDE] if PRELUDE else []) + CELLS, "forms")
    form = page.locator(".ecskit-form-task-definition")
    form.wait_for(state="visible")
    register = form.locator("button.ecskit-register")
    # an empty form: Register is off, and nothing is complained about before the user acts
    family = form.locator(".ecskit-field-family")
    assert register.is_disabled()
    assert form.locator(".ecskit-problem").count() == 0
    screenshot(page, "forms-0-first-view")

    # once the user acts, the form asks for what is missing
    form.locator(".ecskit-field-containers-0-name input").fill("web")
    asked = family.locator(".ecskit-problem").first
    asked.wait_for(state="visible")
    assert "family is required" in asked.inner_text()
    family.locator("input").fill("web")
    form.locator(".ecskit-field-containers-0-image input").fill("nginx:1.27")
    family.locator(".ecskit-problem").wait_for(state="detached")
    # awslogs on Fargate needs an execution role: the button makes the standard one
    role = form.locator(".ecskit-field-execution-role")
    role.locator(".ecskit-problem").first.wait_for(state="visible")
    role.locator("button.ecskit-create-execution-role").click()
    role.locator(".ecskit-problem").first.wait_for(state="detached")

    # a bad environment line: the problem appears beside that field, Register turns off
    environment = form.locator(".ecskit-field-containers-0-environment")
    environment.locator("textarea").fill("MODE")
    problem = environment.locator(".ecskit-problem")
    problem.wait_for(state="visible")
    assert "NAME=value" in problem.inner_text()
    page.wait_for_function(
        "document.querySelector('.ecskit-form-task-definition button.ecskit-register').disabled"
    )
    screenshot(page, "forms-1-problem-beside-field")

    environment.locator("textarea").fill("MODE=prod")
    problem.wait_for(state="detached")
    page.wait_for_function(
        "!document.querySelector('.ecskit-form-task-definition button.ecskit-register').disabled"
    )
    register.click()
    registered = form.locator(".ecskit-result .ecskit-registered")
    registered.wait_for(state="visible")
    assert registered.inner_text() == "web:1"
    screenshot(page, "forms-2-registered")

    families = page.locator(".ecskit-task-definitions")
    families.locator("button.ecskit-refresh").click()
    row = families.locator(".ecskit-family-web")
    row.wait_for(state="visible")
    assert "web:1" in row.inner_text()
    row.locator("button.ecskit-deregister").click()
    confirmation = families.locator(".ecskit-confirm-text")
    confirmation.wait_for(state="visible")
    text = confirmation.inner_text()
    assert "Are you sure you want to deregister the following task definition: web:1?" in text
    assert "continue to run" in text
    screenshot(page, "forms-3-deregister-confirmation")
    families.locator("button.ecskit-confirm").click()
    done = families.locator(".ecskit-deregistered")
    done.wait_for(state="visible")
    assert done.inner_text() == "web:1"
    families.locator(".ecskit-empty").wait_for(state="visible")
    screenshot(page, "forms-4-deregistered")
