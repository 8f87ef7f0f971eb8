"""Which controls a run selects, decided from the function before any AWS call.

``--severity-min`` and ``--aws-framework`` depend on the markers only; ``-k`` and ``-m`` are
evaluated against the function's names, markers and control id. A ``-k`` word that could
match a test id's target part (an account id, a region, ``<none>``) cannot be decided before
the targets are known: such a function is parametrized (and discovered) as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import product
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_awscompliance.model.markers import ControlMeta, MarkerError, controls_of
from pytest_awscompliance.model.severity import at_least
from pytest_awscompliance.settings.options import Settings

MAX_UNDECIDED = 8
NO_RESOURCES_MARK = "aws_no_resources"
"""The one mark a test gets from its parameter (so ``-m`` cannot decide it early)."""


def control_wanted(control: ControlMeta, settings: Settings) -> bool:
    """Whether ``--severity-min`` and ``--aws-framework`` keep this control."""
    if settings.severity_min and not at_least(control.severity, settings.severity_min):
        return False
    wanted = {f.lower() for f in settings.frameworks}
    return not wanted or any(name.lower() in wanted for name in control.frameworks)


def may_match(text: str, known: Callable[..., bool], undecided: Callable[[str], bool]) -> bool:
    """Whether the ``-k``/``-m`` expression ``text`` can be true for some test of a function.

    ``known(name, **kwargs)`` answers from the function; a name it does not match and
    ``undecided(name)`` calls open is tried both true and false. Fail open: an expression
    this cannot read selects (pytest reports its own errors later).
    """
    if not text:
        return True
    try:
        from _pytest.mark.expression import Expression

        expression = Expression.compile(text)
    except Exception:
        return True
    opened: list[tuple[str, tuple[tuple[str, Any], ...]]] = []
    while True:
        before = len(opened)
        if before > MAX_UNDECIDED:
            return True
        for values in product((False, True), repeat=before):
            assumed = dict(zip(opened, values, strict=True))

            def matcher(name: str, /, assumed: dict[Any, bool] = assumed, **kwargs: Any) -> bool:
                if known(name, **kwargs):
                    return True
                key = (name, tuple(sorted(kwargs.items())))
                if key in assumed:
                    return assumed[key]
                if undecided(name) and key not in opened:
                    opened.append(key)
                return False

            try:
                if expression.evaluate(matcher):
                    return True
            except Exception:
                return True
        if len(opened) == before:
            return False


def function_selected(definition: Any, control: ControlMeta, settings: Settings,
                      target_words: Iterable[str]) -> bool:
    """Whether any test of this control function can be selected (no AWS call made).

    A parameter with marks of its own (``pytest.param(..., marks=pytest.mark.control(...))``)
    is judged with them: its tests carry that control's id, severity and frameworks.
    """
    variants = marked_parameters(definition)
    if variants is None:  # several parametrize markers with marked parameters: undecided
        return True
    words = [w.lower() for w in target_words]
    # The function's own @pytest.mark.parametrize ids are part of its test ids too.
    words += [str(value).lower() for mark in definition.iter_markers("parametrize")
              for value in _param_values(mark)]
    controls = controls_of(definition.config)
    for marks in variants:
        try:
            judged = controls.of(Variant(definition, marks)) if marks else control
        except MarkerError:  # reported when the test is described; decide nothing here
            return True
        if variant_selected(definition, judged, marks, settings, words):
            return True
    return False


def variant_selected(definition: Any, control: ControlMeta, marks: list[Any],
                     settings: Settings, words: list[str]) -> bool:
    """Whether the tests of one parameter's marks (``[]``: the function's own) can be
    selected by ``--severity-min``, ``--aws-framework``, ``-k`` and ``-m``."""
    if not control_wanted(control, settings):
        return False
    from _pytest.mark import KeywordMatcher, MarkMatcher

    def in_target(name: str) -> bool:
        return "/" in name or any(name.lower() in w for w in words)

    keywords = KeywordMatcher.from_item(definition)
    names = {m.name for m in marks}

    def keyword(name: str, /, **kwargs: Any) -> bool:
        return (keywords(name, **kwargs) or name.lower() in control.id.lower()
                or (not kwargs and name in names))

    matcher = MarkMatcher.from_markers(
        [*definition.iter_markers(), *marks, pytest.mark.severity(level=control.severity).mark])
    config = definition.config
    return (may_match(config.getoption("keyword", ""), keyword, in_target)
            and may_match(config.getoption("markexpr", ""), matcher,
                          lambda name: name == NO_RESOURCES_MARK))


def marked_parameters(definition: Any) -> list[list[Any]] | None:
    """The marks of each parameter of the function's ``parametrize`` marker (``[]`` for a
    bare one); ``[[]]`` when no parameter has marks; ``None`` when parameters of several
    ``parametrize`` markers have marks (their combinations are not worked out)."""
    marked = [[[getattr(m, "mark", m) for m in getattr(value, "marks", ())]
               for value in _argvalues(mark)]
              for mark in definition.iter_markers("parametrize")]
    marked = [sets for sets in marked if any(sets)]
    if not marked:
        return [[]]
    return marked[0] if len(marked) == 1 else None


class Variant:
    """A function's tests of one marked parameter, as far as their markers go: the
    function's own marks, then the parameter's, then those of its module and class (the
    order pytest's ``get_closest_marker`` reads them in)."""

    def __init__(self, definition: Any, marks: list[Any]) -> None:
        self.parent = definition.parent
        self.name = self.originalname = definition.originalname
        self.callspec = SimpleNamespace(marks=marks)
        self.own_markers = [*definition.own_markers, *marks]

    def get_closest_marker(self, name: str) -> Any:
        found = [m for m in self.own_markers if m.name == name]
        return found[0] if found else self.parent.get_closest_marker(name)


def _argvalues(mark: Any) -> list[Any]:
    return list(mark.args[1] if len(mark.args) > 1 else mark.kwargs.get("argvalues", []))


def _param_values(mark: Any) -> list[Any]:
    """The values and ids of one ``parametrize`` marker (what its test ids are made of)."""
    values: list[Any] = []
    for value in _argvalues(mark):
        values.extend(getattr(value, "values", None) or [value])
        if getattr(value, "id", None):
            values.append(value.id)
    ids = mark.kwargs.get("ids")
    if isinstance(ids, list | tuple):
        values.extend(i for i in ids if i is not None)
    return values
