"""Normalised matching keys for finding repeat victims and repeat suspects, usable as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

# Titles and honorifics say nothing about who someone is, and people use them inconsistently.
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "master", "dr", "doctor", "prof", "professor",
        "sir", "dame", "lord", "lady", "rev", "revd", "reverend", "fr", "father",
    }
)  # fmt: skip
# Apostrophes join (O'Brien == OBrien); every other non-alphanumeric character separates.
_APOSTROPHES = frozenset("'`\u2018\u2019\u02bc\u00b4")

# One spelling per common street-type abbreviation, so "12 High St." matches "12 High Street".
ADDRESS_ABBREVIATIONS = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane",
    "dr": "drive", "drv": "drive", "cl": "close", "ct": "court", "crt": "court", "cres": "crescent",
    "cresc": "crescent", "gdns": "gardens", "gdn": "garden", "gr": "grove", "gro": "grove", "pl": "place",
    "sq": "square", "tce": "terrace", "terr": "terrace", "pk": "park", "pde": "parade", "hse": "house",
    "ho": "house", "apt": "flat", "apartment": "flat", "bldg": "building", "blvd": "boulevard",
    "wy": "way", "hts": "heights", "mt": "mount", "mws": "mews", "nth": "north",
    "sth": "south", "upr": "upper", "lwr": "lower",
}  # fmt: skip

# Letters Unicode does not decompose but people type without them, e.g. "Łukasz" as "Lukasz", "Işık" as "Isik".
_LATIN_FOLDS = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "þ": "th", "æ": "ae", "œ": "oe", "ŧ": "t"}
)

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def _fold(text: str) -> str:
    # NFKD before and after casefold: either step can expose characters the other must still handle.
    text = unicodedata.normalize("NFKD", text).casefold()
    text = unicodedata.normalize("NFKD", text).translate(_LATIN_FOLDS)
    return "".join(char for char in text if unicodedata.category(char) != "Mn")


def _tokens(text: str) -> list[str]:
    chars = []
    for char in _fold(text):
        if char in _APOSTROPHES:
            continue
        chars.append(char if unicodedata.category(char)[0] in "LN" else " ")
    return "".join(chars).split()


def normalise_name(name: str | None) -> str:
    """Return a name folded for matching: no accents, case, titles or punctuation, words in sorted order."""
    tokens = _tokens(name or "")
    without_titles = [token for token in tokens if token not in TITLES]
    # A name made only of title words is kept, rather than becoming empty and matching nothing.
    return " ".join(sorted(without_titles or tokens))


def normalise_postcode(postcode: str | None) -> str | None:
    """Return a UK postcode as 'SW1A 1AA', or None if it is not shaped like one."""
    compact = "".join(char for char in unicodedata.normalize("NFKC", postcode or "").upper() if char.isalnum())
    if compact == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def normalise_address(address: str | None) -> str:
    """Return an address folded for matching: no accents, case, punctuation or postcode, street types spelled out."""
    tokens = _tokens(address or "")
    # The postcode has its own key, and people include it in the address only sometimes.
    while True:
        if len(tokens) >= 2 and normalise_postcode(tokens[-2] + tokens[-1]):
            tokens = tokens[:-2]
        elif tokens and normalise_postcode(tokens[-1]):
            tokens = tokens[:-1]
        else:
            break
    return " ".join(ADDRESS_ABBREVIATIONS.get(token, token) for token in tokens)


def match_keys(
    name: str | None, dob: date | None = None, postcode: str | None = None, address: str | None = None
) -> frozenset[str]:
    """Return matching keys pairing the name with date of birth, postcode or address; never the name alone."""
    folded = normalise_name(name)
    if not folded:
        return frozenset()
    keys = set()
    if dob is not None:
        keys.add(f"name+dob:{folded}|{dob.isoformat()}")
    normal_postcode = normalise_postcode(postcode)
    if normal_postcode:
        keys.add(f"name+postcode:{folded}|{normal_postcode}")
    normal_address = normalise_address(address)
    if normal_address:
        keys.add(f"name+address:{folded}|{normal_address}")
    return frozenset(keys)


def keyed_hash(key: str, secret: bytes) -> str:
    """Return the HMAC-SHA256 hex digest of a matching key, so keys can be stored and compared without names."""
    if not secret:
        raise ValueError("A secret is needed for keyed hashes")
    return hmac.new(secret, key.encode("utf-8"), hashlib.sha256).hexdigest()


def hashed_match_keys(keys: frozenset[str] | set[str], secret: bytes) -> frozenset[str]:
    """Return the keyed hashes of a set of matching keys."""
    return frozenset(keyed_hash(key, secret) for key in keys)
