"""The force's name, colours and helplines, as templates see them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Helpline:
    name: str
    number: str
    note: str = ""

    @property
    def tel(self) -> str:
        return "tel:" + "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class Branding:
    name: str
    short_name: str
    brand_colour: str
    service_name: str
    neutral_titles: bool
    exit_url: str
    helplines: tuple[Helpline, ...]
    privacy_contact: str


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_BRAND_COLOUR = "#1d3a6e"


def branding(config: Mapping) -> Branding:
    """Build the force's branding from the app's configuration."""
    colour = config["FORCE_BRAND_COLOUR"]
    # The colour lands in a style element: accept a plain hex colour and nothing else.
    if not _HEX_COLOUR.fullmatch(colour or ""):
        colour = DEFAULT_BRAND_COLOUR
    return Branding(
        name=config["FORCE_NAME"],
        short_name=config["FORCE_SHORT_NAME"],
        brand_colour=colour,
        service_name=config["SERVICE_NAME"],
        neutral_titles=config["NEUTRAL_TITLES"],
        exit_url=config["EXIT_URL"],
        helplines=(
            Helpline("Police non-emergency", config["HELPLINE_101"], "if it is not an emergency"),
            Helpline("National Stalking Helpline", config["HELPLINE_NATIONAL_STALKING"],
                     "free advice, not an emergency line"),
            Helpline("Paladin, National Stalking Advocacy Service", config["HELPLINE_PALADIN"]),
        ),
        privacy_contact=config["PRIVACY_CONTACT"],
    )
