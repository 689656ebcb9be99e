"""Console views on the sandbox: lists, actions, the deregister confirmation, diff, monitoring."""

from __future__ import annotations

import datetime as dt

from ecskit import console, ops
from ecskit.widgets import (
    ClustersView,
    MonitoringView,
    NamespacesView,
    RevisionDiff,
    RunTaskForm,
    ServiceForm,
    TaskDefinitionForm,
    TaskDefinitionsView,
)
from ecskit.widgets.monitoring_view import line_chart


def _register(session, family: str = "web", image: str = "nginx:1") -> dict:
    body = {
        "family": family,
        "containerDefinitions": [{"name": "app", "image": image, "memory": 128}],
    }
    return ops.register_task_definition(session, body)


def _row_buttons(view: TaskDefinitionsView, family: str) -> dict:
    for line in view.list_box.children:
        if f"ecskit-family-{family}" in line._dom_classes:
            return {
                next(c for c in button._dom_classes if c.startswith("ecskit-")): button
                for button in line.children[1:]
            }
    raise AssertionError(f"no row for {family}")


def test_families_view_deregisters_only_after_the_confirmation(session):
    _register(session)
    _register(session)
    view = TaskDefinitionsView(session)
    assert [(r["family"], r["latest"]) for r in view.rows] == [("web", "web:2")]
    _row_buttons(view, "web")["ecskit-deregister"].click()
    text = view.confirm_box.children[0].value
    assert "Are you sure you want to deregister the following task definition: web:2?" in text
    assert "continue to run" in text
    assert (
        session.ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]["status"]
        == "ACTIVE"
    )  # asking changed nothing
    cancel = view.confirm_box.children[1].children[1]
    assert "ecskit-cancel" in cancel._dom_classes
    cancel.click()
    assert view.confirm_box.children == ()
    _row_buttons(view, "web")["ecskit-deregister"].click()
    confirm = view.confirm_box.children[1].children[0]
    assert "ecskit-confirm" in confirm._dom_classes
    confirm.click()
    status = session.ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
    assert status["status"] == "INACTIVE"
    assert [r["latest"] for r in view.rows] == ["web:1"]
    assert "ecskit-deregistered" in view.message.value


def test_family_actions_open_prefilled_forms(session):
    _register(session)
    ops.create_cluster(session, {"clusterName": "prod"})
    view = TaskDefinitionsView(session)
    buttons = _row_buttons(view, "web")
    buttons["ecskit-deploy"].click()
    assert isinstance(view.opened, ServiceForm) and view.opened.revision.value == "web:1"
    buttons["ecskit-run"].click()
    assert isinstance(view.opened, RunTaskForm) and view.opened.revision.value == "web:1"
    buttons["ecskit-new-revision"].click()
    form = view.opened
    assert isinstance(form, TaskDefinitionForm) and form.family.value == "web"
    form.containers[0].image.value = "nginx:2"
    form.submit.click()
    assert "web:2" in form.result.value
    assert [r["latest"] for r in view.rows] == ["web:2"]  # the list refreshed itself
    buttons = _row_buttons(view, "web")
    buttons["ecskit-compare"].click()
    assert isinstance(view.opened, RevisionDiff)
    assert [c["path"] for c in view.opened.changes] == ["containerDefinitions[0].image"]


def test_revision_diff_table_shows_both_values(session):
    _register(session, image="nginx:1")
    _register(session, image="nginx:2")
    diff = RevisionDiff(session, "web", a=1, b=2)
    assert "ecskit-diff-table" in diff.table.value
    assert "nginx:1" in diff.table.value and "nginx:2" in diff.table.value
    diff.right.value = 1
    assert "ecskit-no-changes" in diff.table.value


def test_revision_diff_hides_environment_values_but_says_they_changed(session):
    for secret in ("hunter2", "swordfish"):
        body = {
            "family": "web",
            "containerDefinitions": [
                {
                    "name": "app",
                    "image": "nginx:1",
                    "memory": 128,
                    "environment": [{"name": "TOKEN", "value": secret}],
                }
            ],
        }
        ops.register_task_definition(session, body)
    diff = RevisionDiff(session, "web", a=1, b=2)
    assert [c["path"] for c in diff.changes] == ["containerDefinitions[0].environment[0].value"]
    assert "hunter2" not in diff.table.value and "swordfish" not in diff.table.value
    assert diff.table.value.count("…hidden…") == 2


def test_a_refresh_that_works_clears_the_earlier_error(session, monkeypatch):
    view = ClustersView(session)
    real = console.clusters

    def refused(_session):
        raise ops.OpError("Could not list clusters: not allowed (AccessDenied)", "AccessDenied")

    monkeypatch.setattr(console, "clusters", refused)
    view.refresh()
    assert "not allowed" in view.message.value
    monkeypatch.setattr(console, "clusters", real)
    view.refresh()
    assert view.message.value == "" and view.error == ""


def test_clusters_and_namespaces_views_refresh(session):
    clusters = ClustersView(session)
    spaces = NamespacesView(session)
    assert clusters.rows == [] and "ecskit-empty" in clusters.table.value
    ops.create_cluster(
        session,
        {"clusterName": "prod", "settings": [{"name": "containerInsights", "value": "enabled"}]},
    )
    made = ops.create_namespace(session, "shop")
    clusters.refresh_button.click()
    spaces.refresh_button.click()
    assert 'data-key="prod"' in clusters.table.value and "enabled" in clusters.table.value
    assert made["id"] in spaces.table.value and "shop" in spaces.table.value


def test_monitoring_view_plots_cloudwatch_and_shows_logs(session):
    now = dt.datetime.now(dt.timezone.utc)
    dims = [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "web"}]
    session.cloudwatch.put_metric_data(
        Namespace="AWS/ECS",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": dims,
                "Value": value + minute,
                "Timestamp": now - dt.timedelta(minutes=minute),
            }
            for metric, value in (("CPUUtilization", 10.0), ("MemoryUtilization", 50.0))
            for minute in (1, 2, 3)
        ],
    )
    ops.create_log_group(session, "/ecs/web")
    session.logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/1")
    session.logs.put_log_events(
        logGroupName="/ecs/web",
        logStreamName="ecs/app/1",
        logEvents=[{"timestamp": int(now.timestamp() * 1000), "message": "GET / 200"}],
    )
    view = MonitoringView(session, "prod", "web", log_group="/ecs/web")
    assert view.chart.value.count('class="ecskit-series"') == 2
    assert "GET / 200" in view.log_view.value


def test_line_chart_without_data_says_so():
    assert "No CloudWatch data" in line_chart({"CPUUtilization": []})
