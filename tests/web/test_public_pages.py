"""The public layout: exit control, emergency message, helplines and footer on every public page."""

from __future__ import annotations

import re

import pytest

PUBLIC_PAGES = ["/", "/privacy", "/accessibility", "/cookies"]


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/no-such-page"])
def test_every_public_page_has_exit_control_and_helplines(client, path):
    html = client.get(path).get_data(as_text=True)
    assert 'class="govuk-exit-this-page"' in html
    assert 'href="/exit"' in html and 'rel="nofollow noreferrer"' in html
    assert "govuk-js-exit-this-page-skiplink" in html  # the secondary skip link
    assert 'href="tel:999"' in html and "press 55" in html
    for tel in ("tel:101", "tel:08088020300", "tel:02038664107"):
        assert f'href="{tel}"' in html
    for link in ("/privacy", "/accessibility", "/cookies"):
        assert f'href="{link}"' in html


def test_start_page_explains_and_offers_start_now(client):
    html = client.get("/").get_data(as_text=True)
    assert "persistent and unwanted" in html
    assert "even if you are not sure a crime has happened" in html
    assert "What happens after you report" in html
    assert re.search(r'<a href="[^"]+"[^>]*class="govuk-button govuk-button--start"', html)
    assert "Start now" in html


def test_force_branding_not_govuk(client):
    html = client.get("/").get_data(as_text=True)
    assert "govuk-generic-header" in html and "Northshire Police" in html
    assert "govuk-header__logotype" not in html  # no crown
    assert "GOV.UK" not in html


def test_force_name_and_helplines_come_from_config(app_ctx):
    app = app_ctx
    old = {k: app.config[k] for k in ("FORCE_NAME", "HELPLINE_PALADIN", "FORCE_BRAND_COLOUR")}
    app.config.update(FORCE_NAME="Westshire Constabulary", HELPLINE_PALADIN="020 0000 0000",
                      FORCE_BRAND_COLOUR="#005ea5")
    try:
        html = app.test_client().get("/").get_data(as_text=True)
    finally:
        app.config.update(old)
    assert "Westshire Constabulary" in html and "Northshire" not in html
    assert 'href="tel:02000000000"' in html
    assert "--govuk-brand-colour: #005ea5" in html


def test_brand_colour_that_is_not_a_hex_colour_is_ignored(app_ctx):
    app = app_ctx
    old = app.config["FORCE_BRAND_COLOUR"]
    app.config["FORCE_BRAND_COLOUR"] = "red;}</style><script>alert(1)</script>"
    try:
        html = app.test_client().get("/").get_data(as_text=True)
    finally:
        app.config["FORCE_BRAND_COLOUR"] = old
    assert "alert(1)" not in html
    assert "--govuk-brand-colour: #1d3a6e" in html


def test_neutral_titles_setting_makes_every_title_the_force_name(app_ctx):
    app = app_ctx
    app.config["NEUTRAL_TITLES"] = True
    try:
        html = app.test_client().get("/privacy").get_data(as_text=True)
    finally:
        app.config["NEUTRAL_TITLES"] = False
    assert re.search(r"<title>\s*Northshire Police\s*</title>", html)


@pytest.mark.parametrize(("path", "expected"), [
    ("/", "Online reporting – Northshire Police"),
    ("/privacy", "Privacy notice – Northshire Police"),
    ("/report/start", "Your report – Northshire Police"),
    ("/report/resume", "Your report – Northshire Police"),
])
def test_titles_are_plain_and_neutral(client, path, expected):
    # Titles land in browser history: no question text, and never the word stalking.
    html = client.get(path).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title == expected
    assert "stalk" not in title.lower() and "harass" not in title.lower()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_third_party_resources(client, path):
    html = client.get(path).get_data(as_text=True)
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not attr.startswith(("http://", "https://", "//")), attr


def test_privacy_notice_covers_what_why_who_how_long_rights(client):
    html = client.get("/privacy").get_data(as_text=True)
    for heading in ("What we collect", "Why we collect it", "Who sees it", "How long we keep it", "Your rights"):
        assert heading in html


def test_cookies_page_lists_only_the_essential_cookie(client):
    html = client.get("/cookies").get_data(as_text=True)
    assert "essential cookie" in html and "analytics" in html


def test_static_assets_are_served_and_no_crown_or_gds_font(client):
    with client.get("/static/build/portal.css") as css:
        assert css.status_code == 200
        text = css.get_data(as_text=True)
    assert "GDS Transport" not in text and "@font-face" not in text
    with client.get("/static/build/govuk-frontend.min.js") as js:
        assert js.status_code == 200
