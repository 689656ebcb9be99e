"""Each task-definition widget looked at in JupyterLab at 1400 x 1000, and its layout measured.

The PNGs land in test-artifacts/ (git-ignored) for a person to look at; the assertions fail
when the layout breaks: labels of different widths, a field out of line, a dropdown's text cut,
a list showing fewer rows than it has selected, a horizontal scroll bar, a refresh button
floating above its heading.
"""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS

SETUP = (
    "import ecskit\n"
    "from ecskit import ops\n"
    "from ecskit.widgets import (NamespacesView, RevisionDiff, RunTaskForm,\n"
    "    TaskDefinitionForm, TaskDefinitionsView)\n"
    "session = ecskit.connect()\n"
    "session.sandbox.reset()\n"
    "web = {'family': 'web', 'requiresCompatibilities': ['FARGATE'], 'networkMode': 'awsvpc',\n"
    "       'cpu': '256', 'memory': '512', 'containerDefinitions': [{'name': 'web',\n"
    "       'image': 'nginx', 'memory': 512, 'portMappings': [{'containerPort': 80}]}]}\n"
    "ops.register_task_definition(session, web)\n"
    "ops.register_task_definition(session, {**web, 'cpu': '512', 'memory': '1024'})\n"
    "ops.create_cluster(session, {'clusterName': 'course'})\n"
    "ops.create_namespace(session, 'shop')\n"
    "vpc = session.ec2.describe_vpcs()['Vpcs'][0]['VpcId']\n"
    "for n in range(4):  # a VPC with more subnets than a list shows by default\n"
    "    session.ec2.create_subnet(VpcId=vpc, CidrBlock=f'172.31.{96 + 16 * n}.0/20')\n"
    "'ready'"
)
SELECTOR = ".ecskit-form, .ecskit-task-definitions, .ecskit-namespaces, .ecskit-revision-diff"
WIDGETS = {
    "task-definition-form": "TaskDefinitionForm(session)",
    "task-definition-form-loaded": "TaskDefinitionForm(session, body={**web, 'memory': '4096'})",
    "run-task-form": "RunTaskForm(session, task_definition='web:2')",
    "task-definitions-view": "TaskDefinitionsView(session)",
    "namespaces-view": "NamespacesView(session)",
    "revision-diff": "RevisionDiff(session, 'web', 1, 2)",
}

# Measured in the page: labels, each input's offset from its label, cut text, lists, header.
MEASURE = """(root) => {
  const box = (e) => e.getBoundingClientRect();
  const labels = [...root.querySelectorAll('.ecskit-field-label')]
    .filter((e) => e.offsetParent !== null);
  const offsets = labels.map((label) => {
    let input = label.parentElement.children[1];
    // a box of inputs lines up by its first input (boxes have no margin, inputs 2px)
    while (input && input.classList.contains('widget-box')) {
      input = input.firstElementChild || input.nextElementSibling;  // an empty box: what follows
    }
    return input ? [label.innerText, Math.round(box(input).left - box(label).left)] : null;
  }).filter((x) => x !== null);
  // a label's words on more than one line: its text has more than one line box
  const lines = (e) => new Set([...e.querySelector('b').getClientRects()].map((r) => r.top)).size;
  const wrapped = labels.filter((e) => lines(e) > 1).map((e) => e.innerText);
  const selects = [...root.querySelectorAll('select')].filter((e) => e.offsetParent !== null);
  const context = document.createElement('canvas').getContext('2d');
  const cut = selects.filter((s) => !s.multiple && s.selectedIndex >= 0).map((s) => {
    context.font = getComputedStyle(s).font;
    const text = s.options[s.selectedIndex].text;
    // the arrow and padding take about 24px of the box
    return {text, need: Math.ceil(context.measureText(text).width) + 24, has: s.clientWidth};
  }).filter((x) => x.need > x.has);
  const lists = selects.filter((s) => s.multiple).map((s) => {
    const row = s.options.length ? box(s.options[0]).height : 1;
    return {selected: [...s.options].filter((o) => o.selected).length,
            shown: Math.floor(s.clientHeight / row)};
  });
  const header = root.querySelector('.ecskit-view-header');
  let drift = 0;
  if (header) {
    const h = box(header.querySelector('h3'));
    const b = box(header.querySelector('button'));
    drift = Math.abs((h.top + h.bottom) / 2 - (b.top + b.bottom) / 2);
  }
  const area = root.closest('.jp-OutputArea-output') || root;
  return {labels: [...new Set(labels.map((e) => Math.round(box(e).width)))],
          offsets: Object.fromEntries(offsets), wrapped, cut, lists, drift,
          scroll: Math.max(root.scrollWidth - root.clientWidth,
                           area.scrollWidth - area.clientWidth)};
}"""


@pytest.mark.browser
def test_each_widget_lines_up_and_nothing_is_cut(run_notebook):
    page = run_notebook([SETUP, *WIDGETS.values()], "forms-layout")
    ARTIFACTS.mkdir(exist_ok=True)
    outputs = page.locator(".jp-Cell-outputArea")
    found = {}
    for index, name in enumerate(WIDGETS, start=1):
        widget = outputs.nth(index).locator(SELECTOR).first
        widget.wait_for(state="visible")
        widget.scroll_into_view_if_needed()
        found[name] = widget.evaluate(MEASURE)  # at 1400 x 1000
        # the picture: the same width, tall enough for the whole widget
        height = int(widget.evaluate("(e) => e.getBoundingClientRect().height"))
        page.set_viewport_size({"width": 1400, "height": max(1000, height + 300)})
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(ARTIFACTS / f"layout-{name}.png"))
        page.set_viewport_size({"width": 1400, "height": 1000})
    for name, seen in found.items():
        assert len(seen["labels"]) <= 1, f"{name}: labels of different widths {seen['labels']}"
        lined = set(seen["offsets"].values())
        assert len(lined) <= 1, f"{name}: inputs out of line {seen['offsets']}"
        assert not seen["wrapped"], f"{name}: labels wrap {seen['wrapped']}"
        assert not seen["cut"], f"{name}: dropdown text cut {seen['cut']}"
        for listed in seen["lists"]:
            assert listed["shown"] >= listed["selected"], f"{name}: list hides {listed}"
        assert seen["drift"] < 4, f"{name}: Refresh {seen['drift']}px off its heading's line"
        assert seen["scroll"] <= 0, f"{name}: scrolls sideways by {seen['scroll']}px"
    forms = [name for name in WIDGETS if "form" in name]
    assert all(found[name]["labels"] for name in forms), "the forms' labels were not measured"
