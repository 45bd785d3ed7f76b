"""Staff test fixtures: `login_as(role)` signs the test client in through the real sign-in and TOTP."""

from tests.staff_fixtures import login_as, reset_rate_limits  # noqa: F401  (pytest fixtures)
