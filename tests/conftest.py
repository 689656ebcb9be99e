"""Fixtures shared by every test: one sandbox per test process, emptied before each test."""

from __future__ import annotations

import pytest

import ecskit


@pytest.fixture(scope="session")
def sandbox_session() -> ecskit.Session:
    """The process's sandbox session (started once; not reset: use `session` for that)."""
    return ecskit.connect()


@pytest.fixture
def session(sandbox_session: ecskit.Session) -> ecskit.Session:
    """A sandbox session on an empty sandbox: every resource of every service forgotten."""
    assert sandbox_session.sandbox is not None, "tests must not run against ECSKIT_ENDPOINT"
    sandbox_session.sandbox.reset()
    return sandbox_session
