"""Cluster, service, update and run-task forms in JupyterLab, one after the other, as a learner
uses them: each form's result feeds the next (the on_create hooks a course notebook would use)."""

from __future__ import annotations

import re

import pytest

CELLS = [
    "import ecskit\n"
    "from ecskit import ops\n"
    "from ecskit.widgets import ClusterForm, RunTaskForm, ServiceForm, UpdateServiceForm\n"
    "session = ecskit.connect()\n"
    "session.sandbox.clock = 'instant'\n"
    "web = {'family': 'web', 'requiresCompatibilities': ['FARGATE'], 'networkMode': 'awsvpc',\n"
    "       'cpu': '256', 'memory': '512',\n"
    "       'containerDefinitions': [{'name': 'web', 'image': 'nginx:1.26', 'memory': 512}]}\n"
    "ops.register_task_definition(session, web)\n"
    "web['containerDefinitions'][0]['image'] = 'nginx:1.27'\n"
    "ops.register_task_definition(session, web)\n"
    "cluster_form = ClusterForm(session)\n"
    "cluster_form",
    "service_form = ServiceForm(session, task_definition='web:1')\n"
    "cluster_form.on_create(lambda cluster: service_form.refresh_lists())\n"
    "service_form",
    "update_form = UpdateServiceForm(session)\n"
    "service_form.on_create(lambda s: update_form.choose(s['clusterArn'], s['serviceName']))\n"
    "update_form",
    "run_form = RunTaskForm(session, task_definition='web:2')\n"
    "cluster_form.on_create(lambda cluster: run_form.refresh_lists())\n"
    "run_form",
]


def enabled(page, css: str) -> None:
    page.wait_for_function(f"!document.querySelector('{css}').disabled")


@pytest.mark.browser
def test_cluster_then_service_then_update_then_a_task(run_notebook, screenshot) -> None:
    page = run_notebook(CELLS, "deployment-forms")

    # 1. a Fargate cluster: the bad name is shown beside the field, then fixed
    cluster = page.locator(".ecskit-form-cluster")
    cluster.wait_for(state="visible")
    name = cluster.locator(".ecskit-field-cluster-name")
    name.locator("input").fill("my shop!")
    name.locator(".ecskit-problem").first.wait_for(state="visible")
    assert cluster.locator("button.ecskit-create").is_disabled()
    name.locator("input").fill("shop")
    name.locator(".ecskit-problem").first.wait_for(state="detached")
    enabled(page, ".ecskit-form-cluster button.ecskit-create")
    cluster.locator("button.ecskit-create").click()
    created = cluster.locator(".ecskit-result .ecskit-created")
    created.wait_for(state="visible")
    assert created.inner_text() == "shop"

    # 2. a service of two tasks in it (the cluster list was refreshed by the hook)
    service = page.locator(".ecskit-form-service")
    page.wait_for_function(
        "document.querySelector('.ecskit-form-service .ecskit-field-cluster select').value"
        " === 'shop'"
    )
    service.locator(".ecskit-field-service-name input").fill("web")
    service.locator(".ecskit-field-desired-count input").fill("2")
    service.locator(".ecskit-field-desired-count input").press("Tab")
    enabled(page, ".ecskit-form-service button.ecskit-create")
    service.locator("button.ecskit-create").click()
    service.locator(".ecskit-result .ecskit-created").wait_for(state="visible")
    screenshot(page, "deployment-forms-1-service-created")

    # 3. the update form loaded the new service: move it to web:2
    update = page.locator(".ecskit-form-update-service")
    page.wait_for_function(
        "document.querySelector('.ecskit-form-update-service .ecskit-field-revision select')"
        ".value === 'web:1'"
    )
    update.locator(".ecskit-field-revision select").select_option("web:2")
    enabled(page, ".ecskit-form-update-service button.ecskit-update-service")
    update.locator("button.ecskit-update-service").click()
    updated = update.locator(".ecskit-result .ecskit-done")
    updated.wait_for(state="visible")
    assert "web:2, 2 task(s) wanted" in updated.inner_text()
    screenshot(page, "deployment-forms-2-service-updated")

    # 4. a standalone task of web:2, then stopped
    run = page.locator(".ecskit-form-run-task")
    page.wait_for_function(
        "document.querySelector('.ecskit-form-run-task .ecskit-field-cluster select').value"
        " === 'shop'"
    )
    enabled(page, ".ecskit-form-run-task button.ecskit-run-task")
    run.locator("button.ecskit-run-task").click()
    started = run.locator(".ecskit-result .ecskit-tasks")
    started.wait_for(state="visible")
    assert re.fullmatch(r"[0-9a-f]{32}", started.inner_text())  # a task id, as ECS makes them
    run.locator("button.ecskit-stop-task").click()
    # the result line said "Started …" until now: wait for its new words
    stopped = run.locator(".ecskit-result .ecskit-done", has_text="Stopped")
    stopped.wait_for(state="visible")
    assert "Stopped 1 task(s)." in stopped.inner_text()
    screenshot(page, "deployment-forms-3-task-stopped")
