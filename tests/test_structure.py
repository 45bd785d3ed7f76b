"""The shape the code promises: routes never commit, services commit only through the transaction boundary,
the staff menu follows the routes' own role declarations."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.models import Role

APP = Path(__file__).resolve().parents[1] / "app"
BLUEPRINTS = ("public", "auth", "triage", "cases", "admin", "ops")
# The bulk demo loader commits per batch of 10,000 rows on purpose: a million-row load is not one transaction.
BATCH_LOADERS = {"seed_demo.py"}


def _calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text())
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name]


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_route_commits(blueprint):
    for path in (APP / blueprint).rglob("*.py"):
        assert not _calls(path, "commit"), f"{path.relative_to(APP)} commits: a service use case must"


def test_services_commit_only_through_the_transaction_boundary():
    for path in (APP / "services").rglob("*.py"):
        if path.name in {"transaction.py", *BATCH_LOADERS}:
            continue
        assert not _calls(path, "commit"), f"{path.relative_to(APP)} commits outside app/services/transaction.py"


@pytest.mark.parametrize("role", list(Role))
def test_the_staff_menu_shows_exactly_the_pages_a_role_may_open(app, role):
    from flask_login import login_user

    from app.models import StaffUser
    from app.web.navigation import STAFF_MENU, staff_menu

    user = StaffUser(id=1, name="Test", email="t@example.police.uk", role=role, password_hash="x", active=True)
    with app.test_request_context("/staff"):
        login_user(user)
        shown = {item["text"] for item in staff_menu()["staff_navigation"]}
    expected = {text for text, endpoint in STAFF_MENU
                if role in app.view_functions[endpoint].allowed_roles}
    assert shown == expected
    assert "Home" in shown and "Sign out" in shown
