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


def unguarded_endpoints(app) -> list[str]:
    """Staff endpoints (not public) whose view does not carry role_required."""
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if not _is_public(rule.endpoint) and not getattr(app.view_functions[rule.endpoint],
                                                                   "allowed_roles", None))


def staff_urls_in_public_blueprints(app) -> list[str]:
    """URLs under /staff served by a public blueprint, where no role check would be expected."""
    return [rule.rule for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS and rule.rule.startswith("/staff")]


def anonymous_problems(client) -> list[str]:
    """Every guarded route and method that an anonymous request is not sent to sign-in from."""
    problems = []
    for endpoint, method, url, _ in _guarded(client.application):
        response = _request(client, method, url)
        if response.status_code != 302 or not response.headers["Location"].startswith("/staff/sign-in"):
            problems.append(f"{method} {url} ({endpoint}) answered {response.status_code}")
    return problems


def role_walk(client, role: Role) -> tuple[set[str], set[str], list[str]]:
    """Walk every guarded route as `role`: (endpoints reached, endpoints refused, problems)."""
    reached, refused, problems = set(), set(), []
    for endpoint, method, url, allowed in _guarded(client.application):
        response = _request(client, method, url)
        signed_out = response.status_code == 302 and response.headers["Location"].startswith("/staff/sign-in")
        if role in allowed and (endpoint, method) == ("auth.sign_out", "POST"):
            # Reaching sign-out signs you out: the sign-in page then says so.
            if not (signed_out and "You have signed out" in client.get("/staff/sign-in").get_data(as_text=True)):
                problems.append(f"{role} could not sign out")
            reached.add(endpoint)
        elif role in allowed:
            if response.status_code == 403 or signed_out:
                problems.append(f"{role} should reach {method} {url} ({endpoint}) but got {response.status_code}")
            reached.add(endpoint)
        else:
            if response.status_code != 403:
                problems.append(f"{role} must not reach {method} {url} ({endpoint}) but got {response.status_code}")
            refused.add(endpoint)
    return reached, refused, problems


def test_every_route_is_public_or_carries_role_required(app):
    unguarded = unguarded_endpoints(app)
    assert unguarded == [], f"staff routes without role_required: {unguarded}"
    # Public blueprints must not serve staff URLs.
    assert staff_urls_in_public_blueprints(app) == []
    assert {"auth", "admin", "triage"} <= set(app.blueprints)


def test_anonymous_requests_are_sent_to_sign_in(client, no_csrf):
    assert len(_guarded(client.application)) > 10
    problems = anonymous_problems(client)
    assert problems == [], problems


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_reaches_only_its_own_pages(login_as, client, monkeypatch, role):  # noqa: F811
    login_as(role)
    monkeypatch.setitem(client.application.config, "WTF_CSRF_ENABLED", False)  # as no_csrf, after signing in
    reached, refused, problems = role_walk(client, role)
    assert problems == [], problems
    assert {"auth.staff_home", "auth.change_password", "auth.sign_out"} <= reached
    expected = {
        Role.CALL_HANDLER: ({"triage.queue", "triage.phone_report", "triage.evidence_file"}, {"admin.staff_list"}),
        Role.SUPERVISOR: ({"triage.queue", "triage.evidence_file"}, {"admin.create_staff"}),
        Role.OFFICER: ({"triage.evidence_file"}, {"triage.queue", "admin.staff_list"}),
        Role.ADMIN: ({"admin.staff_list", "admin.create_staff"}, {"triage.queue", "triage.report",
                                                                  "triage.evidence_file"}),
    }[role]
    assert expected[0] <= reached and expected[1] <= refused


@pytest.fixture
def leaky_app(app, app_ctx):
    """A second app on the same database with one staff route that forgot role_required, and one that has it."""
    from flask import Blueprint

    from app import create_app
    from app.extensions import db
    from app.web.security import role_required

    leaky = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                          "UPLOAD_DIR": app.config["UPLOAD_DIR"], "WTF_CSRF_ENABLED": False})
    bp = Blueprint("leaky", __name__, url_prefix="/staff/leaky")

    @bp.get("/<int:report_id>")
    def forgot(report_id: int):
        return f"report {report_id} for anyone"

    @bp.post("/guarded")
    @role_required(Role.ADMIN)
    def guarded():
        return "admins only"

    leaky.register_blueprint(bp)
    public = Blueprint("public_extra", __name__)
    public.add_url_rule("/staff/not-really-public", "peek", lambda: "staff page in a public blueprint")
    leaky.register_blueprint(public)
    PUBLIC_BLUEPRINTS.add("public_extra")
    yield leaky
    PUBLIC_BLUEPRINTS.discard("public_extra")
    with leaky.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_checks_fail_when_a_staff_route_lacks_role_required(leaky_app):
    """Deny by default must be able to fail: the same checks catch a route registered without the guard."""
    from tests.factories import DEFAULT_PASSWORD
    from tests.staff_fixtures import current_code, make_enrolled_staff

    assert unguarded_endpoints(leaky_app) == ["leaky.forgot"]
    assert staff_urls_in_public_blueprints(leaky_app) == ["/staff/not-really-public"]

    client = leaky_app.test_client()
    problems = anonymous_problems(client)
    assert [p for p in problems if "leaky" in p] == [f"GET /staff/leaky/{MISSING_ID} (leaky.forgot) answered 200"]
    assert problems == [p for p in problems if "leaky" in p]  # everything else still sends anonymous to sign-in

    with leaky_app.app_context():
        handler = make_enrolled_staff(role=Role.CALL_HANDLER)
        email, secret = handler.email, handler.totp_secret
    signed_in = client.post("/staff/sign-in", data={"email": email, "password": DEFAULT_PASSWORD,
                                                    "code": current_code(secret)})
    assert signed_in.status_code == 302
    with leaky_app.app_context():
        _, refused, role_problems = role_walk(client, Role.CALL_HANDLER)
    assert f"call_handler must not reach GET /staff/leaky/{MISSING_ID} (leaky.forgot) but got 200" in role_problems
    assert "leaky.guarded" in refused and not any("leaky.guarded" in p for p in role_problems)
