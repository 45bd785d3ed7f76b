"""Deny by default: every route in app.url_map is either explicitly public or guarded by role_required,
anonymous requests to guarded routes go to sign-in, and each role reaches only its own pages.

The walk covers whatever blueprints are registered when it runs (a new blueprint is covered at once).
"""

from __future__ import annotations

import pytest

from app.models import Role
from tests.staff_fixtures import login_as, reset_rate_limits  # noqa: F401  (pytest fixtures)

# Blueprints a member of the public uses without signing in: the victim journey and health checks.
PUBLIC_BLUEPRINTS = {"public", "ops"}
# Endpoints outside those blueprints that must work before sign-in.
PUBLIC_ENDPOINTS = {"static", "auth.sign_in", "auth.set_up_authenticator"}
# Signing out ends the session the walk is using, so it goes last.
LAST = {"auth.sign_out"}
MISSING_ID = 999_999


def _is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


def _guarded(app) -> list[tuple[str, str, str, frozenset[Role]]]:
    """(endpoint, method, url, allowed roles) for every guarded route and method, sign-out last."""
    adapter = app.url_map.bind("localhost")
    cases = []
    for rule in app.url_map.iter_rules():
        if _is_public(rule.endpoint):
            continue
        view = app.view_functions[rule.endpoint]
        values = {arg: MISSING_ID if type(conv).__name__ == "IntegerConverter" else "x"
                  for arg, conv in rule._converters.items()}
        url = adapter.build(rule.endpoint, values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            cases.append((rule.endpoint, method, url, getattr(view, "allowed_roles", frozenset())))
    return sorted(cases, key=lambda case: (case[0] in LAST, case[0], case[1]))


def _request(client, method: str, url: str):
    return client.open(url, method=method, data={} if method != "GET" else None)


@pytest.fixture
def no_csrf(app_ctx, monkeypatch):
    # The walk proves the role check, which must hold before any form is read: CSRF would refuse every
    # POST first and hide a missing guard.
    monkeypatch.setitem(app_ctx.config, "WTF_CSRF_ENABLED", False)


def test_every_route_is_public_or_carries_role_required(app):
    unguarded = [rule.endpoint for rule in app.url_map.iter_rules()
                 if not _is_public(rule.endpoint) and not getattr(app.view_functions[rule.endpoint],
                                                                  "allowed_roles", None)]
    assert unguarded == [], f"staff routes without role_required: {unguarded}"
    # Public blueprints must not serve staff URLs.
    staff_urls = [rule.rule for rule in app.url_map.iter_rules()
                  if rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS and rule.rule.startswith("/staff")]
    assert staff_urls == []
    assert {"auth", "admin", "triage"} <= set(app.blueprints)


def test_anonymous_requests_are_sent_to_sign_in(client, no_csrf):
    cases = _guarded(client.application)
    assert len(cases) > 10
    for endpoint, method, url, _ in cases:
        response = _request(client, method, url)
        assert response.status_code == 302, f"{method} {url} ({endpoint}) answered {response.status_code}"
        assert response.headers["Location"].startswith("/staff/sign-in"), f"{method} {url} ({endpoint})"


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_reaches_only_its_own_pages(login_as, client, monkeypatch, role):  # noqa: F811
    login_as(role)
    monkeypatch.setitem(client.application.config, "WTF_CSRF_ENABLED", False)  # as no_csrf, after signing in
    reached, refused = set(), set()
    for endpoint, method, url, allowed in _guarded(client.application):
        response = _request(client, method, url)
        signed_out = response.status_code == 302 and response.headers["Location"].startswith("/staff/sign-in")
        if role in allowed and (endpoint, method) == ("auth.sign_out", "POST"):
            # Reaching sign-out signs you out: the sign-in page then says so.
            assert signed_out and "You have signed out" in client.get("/staff/sign-in").get_data(as_text=True)
            reached.add(endpoint)
        elif role in allowed:
            assert response.status_code != 403 and not signed_out, \
                f"{role} should reach {method} {url} ({endpoint}) but got {response.status_code}"
            reached.add(endpoint)
        else:
            assert response.status_code == 403, \
                f"{role} must not reach {method} {url} ({endpoint}) but got {response.status_code}"
            refused.add(endpoint)
    assert {"auth.staff_home", "auth.change_password", "auth.sign_out"} <= reached
    expected = {
        Role.CALL_HANDLER: ({"triage.queue", "triage.phone_report"}, {"admin.staff_list"}),
        Role.SUPERVISOR: ({"triage.queue"}, {"admin.create_staff"}),
        Role.OFFICER: (set(), {"triage.queue", "admin.staff_list"}),
        Role.ADMIN: ({"admin.staff_list", "admin.create_staff"}, {"triage.queue", "triage.report"}),
    }[role]
    assert expected[0] <= reached and expected[1] <= refused
