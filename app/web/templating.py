"""Jinja set-up for every blueprint: our templates, the GOV.UK macros, filters and globals, the force's branding."""

from __future__ import annotations

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from app.domain import uk_time
from app.services.evidence import scanning
from app.web.branding import branding
from app.web.fields import field_params
from app.web.security import csp_nonce
from config import BASE_DIR


def init_app(app: Flask) -> None:
    """Point Jinja at templates/ and the GOV.UK packages; register what every template may use."""
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(BASE_DIR / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    # Times are stored in UTC and always shown on the UK clock.
    app.jinja_env.filters.update(uk_datetime=uk_time.uk_datetime, uk_date=uk_time.uk_date,
                                 uk_short=uk_time.uk_short, uk_clock=uk_time.uk_clock)
    # Staff pages say when files cannot be checked for viruses because no scanner is set up.
    app.jinja_env.globals.update(field_params=field_params, csp_nonce=csp_nonce,
                                 malware_scanning_configured=scanning.configured)
    app.context_processor(lambda: {"force": branding(app.config)})
