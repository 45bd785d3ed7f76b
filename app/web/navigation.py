"""The staff service navigation, derived from each route's own role declaration (role_required)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user

# The menu in the order staff read it; who sees an item is what its route's role_required allows.
STAFF_MENU: tuple[tuple[str, str], ...] = (
    ("Home", "auth.staff_home"),
    ("Triage queue", "triage.queue"),
    ("Phone report", "triage.phone_report"),
    ("Cases to pick up", "cases.pool"),
    ("My cases", "cases.mine"),
    ("Casework overview", "cases.supervisor"),
    ("Staff accounts", "admin.staff_list"),
    ("Change password", "auth.change_password"),
    ("Sign out", "auth.sign_out"),
)


def allowed(endpoint: str, role: object) -> bool:
    """Whether a route exists and its role_required lets this role in."""
    view = current_app.view_functions.get(endpoint)
    return view is not None and role in getattr(view, "allowed_roles", ())


def staff_menu() -> dict[str, Any]:
    """The staff service navigation for the signed-in person's role."""
    if not current_user.is_authenticated:
        return {}
    navigation = []
    for text, endpoint in STAFF_MENU:
        if allowed(endpoint, current_user.role):
            href = url_for(endpoint)
            navigation.append({"href": href, "text": text, "active": request.path == href})
    return {"staff_navigation": navigation}


def init_app(app: Flask) -> None:
    app.context_processor(staff_menu)
