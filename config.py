"""Settings, read only from the environment. Every setting has a documented default.

Choose a configuration with FLASK_CONFIG (development, test, production); `make run` uses
development. The README lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


def _normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 dialect named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Settings shared by every configuration."""

    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _normalise_database_url(
        _env("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
    )
    # hide_parameters: a failed statement must never print victim data into the logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # Shared state between workers (rate limits). memory:// is per process: fine for one worker.
    REDIS_URL = _env("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_DEFAULT = _env("RATELIMIT_DEFAULT", "300 per minute")
    # Redis going down must never stop someone reporting: limits fall back to per-process memory.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    # The force deploying the portal.
    FORCE_NAME = _env("FORCE_NAME", "Northshire Police")
    FORCE_SHORT_NAME = _env("FORCE_SHORT_NAME", "Northshire Police")
    FORCE_BRAND_COLOUR = _env("FORCE_BRAND_COLOUR", "#1d3a6e")
    SERVICE_NAME = _env("SERVICE_NAME", "Report stalking or harassment")
    # Neutral titles: when on, every public page title is just the force name (ux.md 3.3).
    NEUTRAL_TITLES = _env_bool("NEUTRAL_TITLES", False)
    EXIT_URL = _env("EXIT_URL", "https://www.bbc.co.uk/weather")
    HELPLINE_101 = _env("HELPLINE_101", "101")
    HELPLINE_NATIONAL_STALKING = _env("HELPLINE_NATIONAL_STALKING", "0808 802 0300")
    HELPLINE_PALADIN = _env("HELPLINE_PALADIN", "020 3866 4107")
    PRIVACY_CONTACT = _env("PRIVACY_CONTACT", "the force's Data Protection Officer, through 101")
    # Retention (README "Retention and erasure"): whole years after a record closes, or "keep" (never deleted
    # automatically: a person reviews it). `flask --app wsgi apply-retention` applies them; the privacy notice
    # shows them. Cases by outcome: "outcome:years" pairs changing the defaults in app/domain/retention.py.
    RETENTION_NFA_REPORT_YEARS = _env("RETENTION_NFA_REPORT_YEARS", "6")
    RETENTION_CASE_YEARS = _env("RETENTION_CASE_YEARS", "")
    # Blank: evidence files go with their report or case; a number of years removes them sooner.
    RETENTION_EVIDENCE_YEARS = _env("RETENTION_EVIDENCE_YEARS", "")
    RETENTION_AUDIT_YEARS = _env("RETENTION_AUDIT_YEARS", "6")
    # Staff audit events keep the address they acted from this long; victims' events never have one.
    AUDIT_IP_RETENTION_DAYS = _env_int("AUDIT_IP_RETENTION_DAYS", 90)

    # Victim journey.
    DRAFT_IDLE_MINUTES = _env_int("DRAFT_IDLE_MINUTES", 30)
    # A draft saved with a return code and passphrase is kept this long, then deleted.
    SAVED_DRAFT_DAYS = _env_int("SAVED_DRAFT_DAYS", 30)
    EVIDENCE_MAX_FILE_MB = _env_int("EVIDENCE_MAX_FILE_MB", 20)
    EVIDENCE_MAX_FILES = _env_int("EVIDENCE_MAX_FILES", 10)
    # Resuming a draft, adding to a report or checking its status: per client, and per code or reference.
    LATER_RATE_LIMIT_CLIENT = _env("LATER_RATE_LIMIT_CLIENT", "20 per hour")
    LATER_RATE_LIMIT_CODE = _env("LATER_RATE_LIMIT_CODE", "5 per 15 minutes")
    # Field and file encryption (app/crypto.py): "id:base64key,id:base64key", the first current unless
    # ENCRYPTION_KEY_CURRENT names another. Required in production; development makes one under instance/.
    ENCRYPTION_KEYS = _env("ENCRYPTION_KEYS")
    ENCRYPTION_KEY_CURRENT = _env("ENCRYPTION_KEY_CURRENT")
    GENERATE_DEVELOPMENT_KEYS = False
    # Key for the keyed hashes (repeat matching, saved drafts' return codes); unset, it is derived from SECRET_KEY.
    # Set it so that rotating SECRET_KEY does not break matching against older reports or saved drafts.
    MATCHING_KEY = _env("MATCHING_KEY")
    # Staff.
    STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 15)
    # Sign-in: failures lock an account for a while; failures are also rate-limited per account and per client.
    STAFF_LOCKOUT_ATTEMPTS = _env_int("STAFF_LOCKOUT_ATTEMPTS", 5)
    STAFF_LOCKOUT_MINUTES = _env_int("STAFF_LOCKOUT_MINUTES", 15)
    STAFF_SIGNIN_LIMIT_PER_CLIENT = _env("STAFF_SIGNIN_LIMIT_PER_CLIENT", "20 per 10 minutes")
    STAFF_SIGNIN_LIMIT_PER_ACCOUNT = _env("STAFF_SIGNIN_LIMIT_PER_ACCOUNT", "10 per 10 minutes")
    # argon2id cost for staff passwords and victims' passphrases: argon2-cffi's recommended parameters
    # (RFC 9106 low-memory profile: 3 passes, 64 MiB, 4 lanes). Only the test configuration lowers them.
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _env_int("ARGON2_MEMORY_COST", 64 * 1024)  # KiB
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 4)
    # Triage: how long an opened report stays claimed, and the time allowed for each priority.
    TRIAGE_CLAIM_MINUTES = _env_int("TRIAGE_CLAIM_MINUTES", 20)
    TRIAGE_QUEUE_PAGE_SIZE = _env_int("TRIAGE_QUEUE_PAGE_SIZE", 25)
    SLA_MINUTES_URGENT = _env_int("SLA_MINUTES_URGENT", 60)
    SLA_MINUTES_HIGH = _env_int("SLA_MINUTES_HIGH", 8 * 60)
    SLA_MINUTES_STANDARD = _env_int("SLA_MINUTES_STANDARD", 48 * 60)

    # Officer casework. Local referral partners: "Name|What they do;Name|What they do".
    LOCAL_REFERRAL_PARTNERS = _env(
        "LOCAL_REFERRAL_PARTNERS",
        "Stepping Stones|Local stalking advocacy (ISAC) and support for victims in the force area",
    )
    # The DASH-style checklist's local medium band: this many 'yes' answers or more (SafeLives: 10).
    RISK_MEDIUM_THRESHOLD = _env_int("RISK_MEDIUM_THRESHOLD", 10)
    # Victims' Code: news (opening, a status change) is due within 5 working days, 1 with enhanced rights;
    # between events, the next regular update falls due this many working days after the last one.
    VICTIM_UPDATE_EVERY_WORKING_DAYS = _env_int("VICTIM_UPDATE_EVERY_WORKING_DAYS", 5)

    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)
    # Where evidence bytes (sealed in chunks) are kept: "database" (every host reads them; in the pg_dump) or
    # "filesystem" (UPLOAD_DIR, one host). Unset: the database on PostgreSQL, the filesystem on SQLite.
    EVIDENCE_STORAGE = _env("EVIDENCE_STORAGE")
    UPLOAD_DIR = _env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Malware scanning through clamd: a Unix socket, or a host and port. Unset: files wait "not yet scanned".
    CLAMD_SOCKET = _env("CLAMD_SOCKET")
    CLAMD_HOST = _env("CLAMD_HOST")
    CLAMD_PORT = _env_int("CLAMD_PORT", 3310)
    CLAMD_TIMEOUT = _env_int("CLAMD_TIMEOUT", 30)

    SESSION_COOKIE_NAME = "session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token; a slow victim must not lose a page
    # Demo staff accounts are created by `make run` only when this is on (development only).
    CREATE_DEMO_STAFF = False
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")


class DevelopmentConfig(Config):
    """Local development: `make run`."""

    ENV_NAME = "development"
    SECRET_KEY = Config.SECRET_KEY or "dev-only-not-secret"
    # Local HTTP on 127.0.0.1 cannot carry a Secure cookie.
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    CREATE_DEMO_STAFF = _env_bool("CREATE_DEMO_STAFF", True)
    GENERATE_DEVELOPMENT_KEYS = True


class TestConfig(Config):
    """The test suite: each test app gets its own database URL from the fixtures."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"  # noqa: S105 - tests only
    SESSION_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_DEFAULT = "10000 per minute"
    # Tests choose their scanner: none by default (files wait "not yet scanned"); the `clamd` fixture in
    # tests/conftest.py points a test at the real clamd that CI starts (CLAMD_SOCKET in its environment).
    CLAMD_SOCKET = None
    CLAMD_HOST = None
    # A fixed test key, so tests can make data under one key and read it under a ring that rotated.
    ENCRYPTION_KEYS = "test1:" + "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU="
    # argon2's cheapest parameters: a full-cost hash takes about a second here, and the suite hashes hundreds.
    # Hashes still go through the real argon2id code path; only the cost differs.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8  # KiB: argon2's minimum (8 per lane)
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    """A real deployment: refuses to start without its secrets."""

    ENV_NAME = "production"

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that would be unsafe in production."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "ENCRYPTION_KEYS") if not _env(name)]
        if missing:
            raise RuntimeError(f"Production configuration needs {', '.join(missing)} set in the environment")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    """The configuration class named by `name` or FLASK_CONFIG (default production: safe by default)."""
    key = name or _env("FLASK_CONFIG") or "production"
    try:
        return CONFIGS[key]
    except KeyError:
        raise RuntimeError(f"Unknown FLASK_CONFIG {key!r}; use one of {', '.join(CONFIGS)}") from None
