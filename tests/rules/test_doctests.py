"""The examples in the rules' docstrings run."""

from __future__ import annotations

import doctest

import pytest

from ecskit.rules import check, sizes


@pytest.mark.parametrize("module", [sizes, check], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted and not result.failed
