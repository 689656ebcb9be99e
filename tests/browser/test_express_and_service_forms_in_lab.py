"""The forms #13 changed, in JupyterLab at 1400x1000: Express Mode's create ending in a URL,
Managed Instances in the cluster form, the service form's first view and its scaling; labels on
one line, inputs in one column (per section), nothing cut (#16). Each form is kept as a PNG
in test-artifacts."""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS

CELLS = [
    "import ecskit\n"
    "from ecskit import ops\n"
    "from ecskit.widgets import ClusterForm, ExpressServiceForm, ServiceForm, UpdateServiceForm\n"
    "session = ecskit.connect()\n"
    "web = {'family': 'web', 'requiresCompatibilities': ['FARGATE'], 'networkMode': 'awsvpc',\n"
    "       'cpu': '256', 'memory': '512',\n"
    "       'containerDefinitions': [{'name': 'web', 'image': 'nginx:1.27', 'memory': 512}]}\n"
    "ops.register_task_definition(session, web)\n"
    "ops.create_cluster(session, {'clusterName': 'shop'})\n"
    "express_form = ExpressServiceForm(session)\n"
    "express_form",
    "cluster_form = ClusterForm(session)\ncluster_form",
    "service_form = ServiceForm(session, task_definition='web:1')\nservice_form",
    "update_form = UpdateServiceForm(session)\n"
    "service_form.on_create(lambda s: update_form.choose(s['clusterArn'], s['serviceName']))\n"
    "update_form",
]

# labels one line high, each field's input starting in the same column, no select cut
LAYOUT = r"""(form) => {
  const rows = [...form.querySelectorAll('.ecskit-field > .widget-hbox:first-child')]
    .filter(row => row.offsetParent !== null && row.children.length > 1);
  const labels = rows.map(row => row.children[0].querySelector('b'))
    .filter(b => b && b.getClientRects().length > 1).map(b => b.innerText);
  // one column per group: the form's own rows, and each indented section's
  const sections = [...form.querySelectorAll('.ecskit-section')];
  const groups = {};
  rows.forEach(row => { const key = sections.indexOf(row.closest('.ecskit-section'));
    (groups[key] = groups[key] || new Set()).add(
      Math.round(row.children[1].getBoundingClientRect().left)); });
  const inputs = Object.values(groups).filter(g => g.size > 1).map(g => [...g]);
  const where = rows.map(row => row.innerText.split('\n')[0] + '@'
    + Math.round(row.children[1].getBoundingClientRect().left));
  const cut = [...form.querySelectorAll('select')].filter(s => s.offsetParent !== null)
    .filter(s => { const o = s.options[s.selectedIndex];
                   return o && s.multiple === false && measure(o.text, s) > s.clientWidth; })
    .map(s => s.options[s.selectedIndex].text);
  function measure(text, el) {
    const c = document.createElement('canvas').getContext('2d');
    c.font = getComputedStyle(el).font; return c.measureText(text).width + 24; }
  const hidden = [...form.querySelectorAll('select[multiple]')].filter(s => s.offsetParent)
    .filter(s => s.selectedOptions.length > s.size).length;
  return {tall: labels, columns: inputs, where,
          cut, hidden};
}"""


def shoot(locator, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def assert_tidy(form) -> None:
    found = form.evaluate(LAYOUT)
    assert found["tall"] == [], f"labels wrap onto two lines: {found}"
    assert found["columns"] == [], f"inputs start in different columns: {found}"
    assert found["cut"] == [], f"choices cut in their dropdown: {found}"
    assert found["hidden"] == 0, f"a list hides chosen items: {found}"


@pytest.mark.browser
def test_forms_of_13_at_1400_by_1000(run_notebook) -> None:
    page = run_notebook(CELLS, "forms-13")

    # Express Mode: make both roles, give an image, create; the URL appears
    express = page.locator(".ecskit-form-express-service")
    express.wait_for(state="visible")
    image = express.locator(".ecskit-field-image")
    image.locator(".ecskit-problem").first.wait_for(state="visible")  # asks for the image
    shoot(express, "forms-13-1-express-empty")
    assert_tidy(express)
    express.locator("button.ecskit-create-execution-role").click()
    express.locator("button.ecskit-create-infrastructure-role").click()
    express.locator(".ecskit-field-infrastructure-role .ecskit-problem").wait_for(state="detached")
    image.locator("input").fill("public.ecr.aws/nginx/nginx:latest")
    image.locator(".ecskit-problem").wait_for(state="detached")
    page.wait_for_function(
        "!document.querySelector('.ecskit-form-express-service button.ecskit-create-express')"
        ".disabled"
    )
    express.locator("button.ecskit-create-express").click()
    express.locator(".ecskit-result .ecskit-done, .ecskit-result .ecskit-error").wait_for()
    result = express.locator(".ecskit-result").inner_text()
    if "does not emulate" in result:
        pytest.skip("the sandbox does not emulate Express Mode yet")
    url = express.locator(".ecskit-express-url a")
    url.wait_for(state="visible")
    assert ".on.aws" in url.inner_text()
    shoot(express, "forms-13-2-express-created")

    # the cluster form: Managed Instances beside Fargate and EC2, Container Insights a choice
    cluster = page.locator(".ecskit-form-cluster")
    cluster.locator(".ecskit-field-infrastructure select").select_option(
        label="Amazon ECS Managed Instances"
    )
    cluster.locator(".ecskit-field-mi-subnets").wait_for(state="visible")
    cluster.locator(".ecskit-field-container-insights select").select_option(
        label="With enhanced observability (enhanced)"
    )
    shoot(cluster, "forms-13-3-cluster-managed-instances")
    assert_tidy(cluster)

    # the service form's first view: no message before the user acts, Create off
    service = page.locator(".ecskit-form-service")
    service.wait_for(state="visible")
    assert service.locator(".ecskit-field-service-name .ecskit-problem").count() == 0
    assert service.locator("button.ecskit-create").is_disabled()
    shoot(service, "forms-13-4-service-first-view")
    assert_tidy(service)
    assert (
        "ecskit-invalid"
        not in (service.locator(".ecskit-field-service-name input").get_attribute("class") or "")
        and service.locator(".ecskit-field-service-name .ecskit-invalid").count() == 0
    )
    service.locator(".ecskit-field-desired-count input").fill("2")
    service.locator(".ecskit-field-desired-count input").press("Enter")
    service.locator(".ecskit-field-service-name .ecskit-problem").wait_for(state="visible")
    assert (
        "Service name is required"
        in service.locator(".ecskit-field-service-name .ecskit-problem").inner_text()
    )
    service.locator(".ecskit-field-service-name input").fill("web")
    service.locator(".ecskit-field-auto-scaling input[type=checkbox]").check()
    service.locator(".ecskit-field-auto-scaling-tasks").wait_for(state="visible")
    shoot(service, "forms-13-5-service-with-scaling")
    assert_tidy(service)
    page.wait_for_function(
        "!document.querySelector('.ecskit-form-service button.ecskit-create').disabled"
    )
    service.locator("button.ecskit-create").click()
    service.locator(".ecskit-result .ecskit-created").wait_for(state="visible")

    update = page.locator(".ecskit-form-update-service")
    update.locator(".ecskit-field-auto-scaling-tasks").wait_for(state="visible")  # read back
    shoot(update, "forms-13-6-update-service")
    assert_tidy(update)
