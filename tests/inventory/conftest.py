"""The known account: built on an emptied sandbox, per test or once per module with its snapshot."""

from __future__ import annotations

import pytest
from known_account import Account, build

from ecskit.inventory import Inventory, snapshot


@pytest.fixture
def account(session) -> Account:
    """The known account on a sandbox emptied for this test (for tests that change it)."""
    return build(session)


@pytest.fixture(scope="module")
def known(sandbox_session) -> tuple[Account, Inventory]:
    """The known account and one snapshot of it, shared by a module's read-only tests."""
    sandbox_session.sandbox.reset()
    account = build(sandbox_session)
    return account, snapshot(sandbox_session)
