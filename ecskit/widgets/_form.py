"""What every ecskit form shares: checking on each change, previews, load/export, submit."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from html import escape
from typing import Any

import ipywidgets as widgets
from traitlets import TraitError

from .. import ops, preview
from ._fields import Field, InputProblem, assign, problem_html
from ._loading import Inputs, refusal, shape_problems, unfillable, without_nulls

# What filling a form from a body may raise when the body holds what no input can show.
_FILL_FAILURES = (TraitError, TypeError, ValueError, KeyError, AttributeError, IndexError)

STYLE = """<style>
.ecskit-invalid input, .ecskit-invalid select {border-color:#b00020 !important}
.ecskit-form pre {white-space:pre-wrap;font-size:12px;margin:0}
.ecskit-section {border-left:3px solid #ddd;padding-left:8px;margin:6px 0}
</style>"""


def default_session(session: Any) -> Any:
    """The session given, or the sandbox's (what a learner means when they pass none)."""
    if session is not None:
        return session
    from ..backend import connect

    return connect()


class Form(widgets.VBox):
    """A request being written: fields, the problems beside them, three previews and a submit.

    Subclasses set `kind` (the rules' name), `operation` (boto3's), the submit button's
    label/class, and write `build()` (fields -> request body) and `fill(body)`; `load(body)`
    checks the body's shape first and changes nothing when it cannot be shown.
    """

    kind = ""
    service = "ecs"
    operation = ""
    submit_label = "Create"
    submit_class = "ecskit-create"
    title = ""
    # plain attributes `fill` replaces, put back with the inputs when a load fails
    loaded_attributes: tuple[str, ...] = ("extra",)
    # a fresh form shows its problems once the user acts (Submit stays off until none is left)
    wait_for_user = False

    def __init__(self, session: Any = None) -> None:
        self.session = default_session(session)
        self.fields: list[Field] = []
        self.problems: list[Any] = []
        self.last_check_seconds = 0.0
        self.answer: Any = None
        self._hold = 0
        self.acted = False
        self._input_problems: list[InputProblem] = []
        self._refused: tuple[dict[str, Any], InputProblem] | None = None
        self._submitted = widgets.CallbackDispatcher()
        self.top_problems = widgets.HTML()
        self.top_problems.add_class("ecskit-problems-top")
        self.submit = widgets.Button(description=self.submit_label, button_style="primary")
        self.submit.add_class(self.submit_class)
        self.submit.add_class("ecskit-submit")
        self.submit.on_click(self._on_submit)
        self.result = widgets.HTML()
        self.result.add_class("ecskit-result")
        self.json_preview = widgets.HTML()
        self.json_preview.add_class("ecskit-preview-json")
        self.boto3_preview = widgets.HTML()
        self.boto3_preview.add_class("ecskit-preview-boto3")
        self.cli_preview = widgets.HTML()
        self.cli_preview.add_class("ecskit-preview-cli")
        self.json_input = widgets.Textarea(
            placeholder="Paste a request body (JSON) here, then Load.",
            layout={"width": "100%", "height": "160px"},
        )
        self.json_input.add_class("ecskit-json-input")
        self.load_button = widgets.Button(description="Load from JSON")
        self.load_button.add_class("ecskit-load")
        self.load_button.on_click(self._on_load_json)
        self.export_button = widgets.Button(description="Export to JSON")
        self.export_button.add_class("ecskit-export")
        self.export_button.on_click(lambda _: setattr(self.json_input, "value", self.json))
        self.load_message = widgets.HTML()
        self.load_message.add_class("ecskit-load-message")
        self.tabs = widgets.Tab(
            children=[
                self.json_preview,
                self.boto3_preview,
                self.cli_preview,
                widgets.VBox(
                    [
                        self.json_input,
                        widgets.HBox([self.load_button, self.export_button, self.load_message]),
                    ]
                ),
            ]
        )
        self.tabs.titles = ("JSON", "boto3", "AWS CLI", "Load / export")
        self._previewed_body: dict[str, Any] | None = None
        self._fresh: set[int] = set()
        self.tabs.observe(lambda _: self._previews(), names="selected_index")
        self.tabs.add_class("ecskit-previews")
        super().__init__()
        self.add_class("ecskit-form")
        self.add_class(f"ecskit-form-{self.kind}")

    # --- to write in subclasses --------------------------------------------------------

    def build(self) -> dict[str, Any]:
        """The request body the fields describe (call `self.bad(path, message)` for bad input)."""
        raise NotImplementedError

    def fill(self, body: dict[str, Any]) -> None:
        """Set the fields from a request body of the right shape (no JSON nulls in it)."""
        raise NotImplementedError

    def request_of(self, body: dict[str, Any]) -> Any:
        """The request a loaded body stands for (a describe answer becomes its request)."""
        return body

    def load_parts(self) -> list[Any]:
        """The objects holding the form's inputs (the form; editors in forms that have them)."""
        return [self]

    def put_back(self) -> None:
        """Redraw after the inputs were put back as they were before a failed load."""

    def send_request(self, body: dict[str, Any]) -> Any:
        """Submit through `ops`; the answer (raises ops.OpError)."""
        raise NotImplementedError

    def done(self, answer: Any) -> str:
        """The plain-words result shown after a successful submit."""
        return "Done."

    def validate_options(self) -> dict[str, Any]:
        return {}

    # --- shared machinery --------------------------------------------------------------

    def layout_children(self, parts: list[widgets.Widget]) -> None:
        header = [widgets.HTML(STYLE + (f"<h3>{escape(self.title)}</h3>" if self.title else ""))]
        self.children = [
            *header,
            self.top_problems,
            *parts,
            widgets.HBox([self.submit]),
            self.result,
            self.tabs,
        ]

    def bad(self, path: str, message: str) -> None:
        """Report input that cannot become a request value (shown at `path`'s field)."""
        self._input_problems.append(InputProblem(path, message))

    def acting(self, *inputs: widgets.Widget) -> None:
        """Count a change of these inputs as the user acting (for inputs not `watch`ed)."""
        for item in inputs:
            item.observe(lambda _: self._hold or setattr(self, "acted", True), names="value")

    def watch(self, *inputs: widgets.Widget) -> None:
        """Re-check the form whenever one of these inputs changes."""
        for item in inputs:
            item.observe(self._changed, names="value")

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Change many inputs with one check at the end."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1
        if not self._hold:
            self.check()

    def _changed(self, _change: Any = None) -> None:
        if not self._hold:
            self.acted = True
            self.check()

    @property
    def body(self) -> dict[str, Any]:
        """The request body as it stands (the API's own JSON)."""
        self._input_problems = []
        return self.build()

    @property
    def json(self) -> str:
        return preview.as_json(self.body)

    @property
    def boto3_code(self) -> str:
        return preview.as_boto3(self.service, self.operation, self.body)

    @property
    def cli_command(self) -> str:
        return preview.as_cli(self.service, self.operation, self.body, self.session)

    @property
    def errors(self) -> list[Any]:
        return [p for p in self.problems if p.severity == "error"]

    def run_rules(self, body: dict[str, Any]) -> list[Any]:
        from ..rules import validate

        return list(validate(self.kind, body, **self.validate_options()))

    def check(self) -> list[Any]:
        """Re-check the request: problems beside fields, submit enabled only with no error."""
        started = time.perf_counter()
        self._input_problems = []
        body = self.build()
        typed = {problem.path for problem in self._input_problems}
        # what was typed wrong explains the field best: the rules' view of it would repeat it
        checked = [p for p in self.run_rules(body) if p.path not in typed]
        problems: list[Any] = [*self._input_problems, *checked]
        if self._refused is not None and self._refused[0] == body:
            problems.append(self._refused[1])
        self.problems = problems
        placed, rest = assign(problems, self.fields)
        if self.wait_for_user and not self.acted:
            placed, rest = {key: [] for key in placed}, []
        for field in self.fields:
            field.show(placed[id(field)])
        self.top_problems.value = problem_html(rest)
        self.submit.disabled = bool(self.errors)
        # the check proper: request built, rules run, problems placed (previews are drawing)
        self.last_check_seconds = time.perf_counter() - started
        self._previews(body)
        return problems

    def _previews(self, body: dict[str, Any] | None = None) -> None:
        """Refresh the open preview tab only (the others refresh when opened)."""
        if body is not None:
            if body == self._previewed_body:
                return
            self._previewed_body = body
            self._fresh = set()
        body = self._previewed_body
        tab = self.tabs.selected_index
        if body is None or tab in self._fresh or tab not in (0, 1, 2):
            return
        self._fresh.add(tab)
        if tab == 0:
            self.json_preview.value = f"<pre>{escape(preview.as_json(body))}</pre>"
        elif tab == 1:
            code = preview.as_boto3(self.service, self.operation, body)
            self.boto3_preview.value = f"<pre>{escape(code)}</pre>"
        else:
            command = preview.as_cli(self.service, self.operation, body, self.session)
            self.cli_preview.value = f"<pre>{escape(command)}</pre>"

    def field(self, path: str) -> Field:
        """The field bound to `path`."""
        for item in self.fields:
            if item.path == path:
                return item
        raise KeyError(f"no field for {path!r}; fields: {[f.path for f in self.fields]}")

    def problems_at(self, path: str) -> list[Any]:
        """The problems shown beside the field bound to `path`."""
        return list(self.field(path).problems)

    def load(self, body: dict[str, Any]) -> list[Any]:
        """Fill the form from a request body; [] when it loaded.

        A body with a field of the wrong JSON type changes nothing: the problems (each naming
        its field and the type it needs) are returned and shown beside "Load from JSON".
        """
        body = self.request_of(body) if isinstance(body, dict) else body
        problems = shape_problems(self.kind, body)
        self.acted = True  # what a loaded body gets wrong is shown at once
        if not problems:
            saved = Inputs(self, self.load_parts(), self.loaded_attributes)
            try:
                self.fill(without_nulls(body))
            except _FILL_FAILURES:
                with self.holding():
                    saved.put_back()
                    self.put_back()
                problems = unfillable(self.kind, body)
        if problems:
            self._refuse_load(refusal(problems))
        else:
            self.load_message.value = ""
        return problems

    def _refuse_load(self, message: str) -> None:
        self.load_message.value = (
            f'<span class="ecskit-error" style="color:#b00020">✖ {escape(message)}</span>'
        )
        self.show_error(message)
        self.tabs.selected_index = 3  # the message sits beside "Load from JSON"

    def _on_load_json(self, _: Any) -> None:
        try:
            body = json.loads(self.json_input.value)
        except ValueError as error:
            self._refuse_load(f"That JSON cannot be read: {error}. Nothing was loaded.")
            return
        except RecursionError:
            self._refuse_load("That JSON is nested too deep to read. Nothing was loaded.")
            return
        if not self.load(body):
            self.result.value = ""

    def load_given(self, body: dict[str, Any]) -> list[Any]:
        """Load a body given to the constructor; a refused one waits in the JSON box, fixable."""
        problems = self.load(body)
        if problems:
            self.json_input.value = json.dumps(body, indent=2, default=str)
        return problems

    def read(self, call: Callable[[], Any], default: Any, action: str = "read the account") -> Any:
        """What `call()` reads for a picker; on an AWS failure `default`, the reason shown.

        Only AWS's failures (OpError, botocore's errors) are caught: a bug still raises.
        """
        try:
            with ops.plain_errors(action):
                return call()
        except ops.OpError as error:
            self.show_error(error.message)
            return default

    def show_error(self, message: str) -> None:
        self.result.value = (
            f'<div class="ecskit-error" style="color:#b00020">✖ {escape(message)}</div>'
        )

    def show_done(self, message: str) -> None:
        self.result.value = f'<div class="ecskit-done" style="color:#1b5e20">✔ {message}</div>'

    def _on_submit(self, _: Any = None) -> None:
        self.acted = True
        problems = self.check()
        if any(p.severity == "error" for p in problems):
            return  # the button is disabled; a direct call sends nothing either
        self.submit.disabled = True
        try:
            answer = self.send_request(self.body)
        except ops.OpError as error:
            self.show_error(error.message)
            # shown beside its field too, until the request changes
            self._refused = (
                (self.body, InputProblem(error.field, error.message)) if error.field else None
            )
            self.check()
            return
        self.answer = answer
        self.show_done(self.done(answer))
        self.check()
        self._submitted(answer)

    def _on(self, callback: Callable[[Any], Any], remove: bool = False) -> None:
        self._submitted.register_callback(callback, remove=remove)
