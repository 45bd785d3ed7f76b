"""Human references for reports and draft return codes: unguessable, easy to read aloud, self-checking."""

from __future__ import annotations

import secrets
import unicodedata
from enum import Enum

# No 0/O, 1/I/L or U: the characters people misread on paper, on screen and over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE = len(ALPHABET)
PAYLOAD_LENGTH = 8
LENGTH = PAYLOAD_LENGTH + 1
GROUP = 3

_INDEX = {char: index for index, char in enumerate(ALPHABET)}
# Only look-alikes that land in the alphabet; O, 0, I, 1 and L are ambiguous between several
# characters, so guessing could open someone else's report. Those fail and the person re-types.
_LOOK_ALIKES = {"U": "V"}
_SEPARATORS = frozenset(" -_.,/\t\n\r\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2212")

_NATO = {
    "A": "Alpha",
    "B": "Bravo",
    "C": "Charlie",
    "D": "Delta",
    "E": "Echo",
    "F": "Foxtrot",
    "G": "Golf",
    "H": "Hotel",
    "J": "Juliet",
    "K": "Kilo",
    "M": "Mike",
    "N": "November",
    "P": "Papa",
    "Q": "Quebec",
    "R": "Romeo",
    "S": "Sierra",
    "T": "Tango",
    "V": "Victor",
    "W": "Whiskey",
    "X": "X-ray",
    "Y": "Yankee",
    "Z": "Zulu",
}


class Kind(Enum):
    """What a code is for; each kind has its own check character so one is never accepted as the other."""

    # The value is added to the checksum: a return code typed into the reference box fails the check.
    REPORT = 0
    RETURN_CODE = 7


class Problem(Enum):
    """Why typed text is not a valid code, so a form can say what to fix."""

    EMPTY = "empty"
    WRONG_LENGTH = "wrong_length"
    BAD_CHARACTER = "bad_character"
    CHECK_FAILED = "check_failed"
    WRONG_KIND = "wrong_kind"


def check_character(payload: str, kind: Kind = Kind.REPORT) -> str:
    """Return the Luhn mod-30 check character for an 8-character payload of the given kind."""
    # Luhn mod N catches every single-character error and almost every swap of neighbours.
    total = kind.value
    for position, char in enumerate(reversed(payload)):
        value = _INDEX[char]
        if position % 2 == 0:
            value *= 2
            value = value // BASE + value % BASE
        total += value
    return ALPHABET[(BASE - total % BASE) % BASE]


def _checks(compact: str, kind: Kind) -> bool:
    return check_character(compact[:-1], kind) == compact[-1]


def _group(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def _new(kind: Kind) -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
    return _group(payload + check_character(payload, kind))


def new_reference() -> str:
    """Return a fresh random report reference such as 'K7Q-4MX-9PT'."""
    return _new(Kind.REPORT)


def new_return_code() -> str:
    """Return a fresh random draft return code, in the same shape as a reference but a different check."""
    return _new(Kind.RETURN_CODE)


def _compact(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper()
    return "".join(_LOOK_ALIKES.get(char, char) for char in text if char not in _SEPARATORS)


def diagnose(text: str | None, kind: Kind = Kind.REPORT) -> Problem | None:
    """Return what is wrong with typed text as a code of this kind, or None if it is valid."""
    compact = _compact(text or "")
    if not compact:
        return Problem.EMPTY
    if len(compact) != LENGTH:
        return Problem.WRONG_LENGTH
    if any(char not in _INDEX for char in compact):
        return Problem.BAD_CHARACTER
    if _checks(compact, kind):
        return None
    if any(_checks(compact, other) for other in Kind if other is not kind):
        return Problem.WRONG_KIND
    return Problem.CHECK_FAILED


def _normalise(text: str | None, kind: Kind) -> str | None:
    if diagnose(text, kind) is not None:
        return None
    return _group(_compact(text or ""))


def normalise_reference(text: str | None) -> str | None:
    """Return the canonical 'XXX-XXX-XXX' form of a typed reference, or None if it is malformed or mistyped."""
    return _normalise(text, Kind.REPORT)


def normalise_return_code(text: str | None) -> str | None:
    """Return the canonical form of a typed draft return code, or None if it is malformed or mistyped."""
    return _normalise(text, Kind.RETURN_CODE)


def is_valid_reference(text: str | None) -> bool:
    """Say whether typed text is a well-formed report reference with a correct check character."""
    return normalise_reference(text) is not None


def is_valid_return_code(text: str | None) -> bool:
    """Say whether typed text is a well-formed draft return code with a correct check character."""
    return normalise_return_code(text) is not None


def format_for_reading_aloud(code: str, phonetic: bool = False) -> str:
    """Return a code spaced for reading aloud, e.g. 'K 7 Q, 4 M X, 9 P T', optionally with phonetic words."""
    compact = _compact(code)
    groups = [compact[i : i + GROUP] for i in range(0, len(compact), GROUP)]
    def spell(char: str) -> str:
        return str(_NATO.get(char, char)) if phonetic else char

    return ", ".join(" ".join(spell(char) for char in group) for group in groups)
