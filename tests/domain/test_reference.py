import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.reference import (
    ALPHABET,
    Kind,
    Problem,
    check_character,
    diagnose,
    format_for_reading_aloud,
    is_valid_reference,
    is_valid_return_code,
    new_reference,
    new_return_code,
    normalise_reference,
    normalise_return_code,
)

SHAPE = re.compile(rf"^[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}$")
KNOWN = "222-222-222"  # all-zero payload: the check character is the zero symbol too


def _with_check(payload: str, kind: Kind = Kind.REPORT) -> str:
    compact = payload + check_character(payload, kind)
    return f"{compact[:3]}-{compact[3:6]}-{compact[6:]}"


FEW = settings(max_examples=30, deadline=None)
valid_references = st.text(alphabet=ALPHABET, min_size=8, max_size=8).map(_with_check)


def test_alphabet_has_no_ambiguous_characters():
    assert not set("01OILU") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 30
    assert set(ALPHABET) <= set(string.digits + string.ascii_uppercase)


def test_new_references_have_the_shape_and_a_valid_check():
    for _ in range(2000):
        reference = new_reference()
        assert SHAPE.match(reference)
        assert is_valid_reference(reference)
        assert normalise_reference(reference) == reference


def test_new_references_are_unique_and_not_sequential():
    references = [new_reference() for _ in range(10000)]
    assert len(set(references)) == len(references)
    assert references != sorted(references)
    # Every position uses (nearly) the whole alphabet, so nothing is fixed or counted up.
    for position in (0, 1, 2, 4, 5, 6, 8, 9, 10):
        assert len({r[position] for r in references}) == len(ALPHABET)


def test_known_check_characters():
    assert check_character("22222222") == "2"
    assert is_valid_reference(KNOWN)
    assert not is_valid_return_code(KNOWN)
    assert is_valid_return_code(_with_check("22222222", Kind.RETURN_CODE))


@pytest.mark.parametrize(
    "typed",
    [
        KNOWN,
        "222222222",
        "222 222 222",
        "222--222--222",
        " 222-222-222 ",
        "22-2222-222",
        "222\u2013222\u2014222",
        "\uff12\uff12\uff12-\uff12\uff12\uff12-\uff12\uff12\uff12",
    ],
)
def test_normalise_accepts_what_people_type(typed):
    assert normalise_reference(typed) == KNOWN


def test_normalise_accepts_lower_case():
    reference = _with_check("ABCDEFGH")
    assert normalise_reference(reference.lower()) == reference
    assert normalise_reference(reference.lower().replace("-", " ")) == reference


def test_u_is_read_as_v():
    payload = "VVVVVVVV"
    reference = _with_check(payload)
    assert normalise_reference(reference.replace("V", "U")) == reference


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        (None, Problem.EMPTY),
        ("", Problem.EMPTY),
        (" - ", Problem.EMPTY),
        ("222-222-22", Problem.WRONG_LENGTH),
        ("222-222-2222", Problem.WRONG_LENGTH),
        ("022-222-222", Problem.BAD_CHARACTER),
        ("O22-222-222", Problem.BAD_CHARACTER),
        ("122-222-222", Problem.BAD_CHARACTER),
        ("I22-222-222", Problem.BAD_CHARACTER),
        ("L22-222-222", Problem.BAD_CHARACTER),
        ("222-222-22!", Problem.BAD_CHARACTER),
        ("322-222-222", Problem.CHECK_FAILED),
        (_with_check("22222222", Kind.RETURN_CODE), Problem.WRONG_KIND),
    ],
)
def test_diagnose_says_what_is_wrong(typed, problem):
    assert diagnose(typed) is problem
    assert normalise_reference(typed) is None
    assert not is_valid_reference(typed)


@FEW
@given(valid_references)
def test_every_single_character_typo_is_caught(reference):
    compact = reference.replace("-", "")
    for position in range(len(compact)):
        for char in ALPHABET:
            if char != compact[position]:
                typo = compact[:position] + char + compact[position + 1 :]
                assert not is_valid_reference(typo)


@given(valid_references)
def test_swapped_neighbours_are_caught_except_2_and_z(reference):
    compact = reference.replace("-", "")
    for position in range(len(compact) - 1):
        a, b = compact[position], compact[position + 1]
        swapped = compact[:position] + b + a + compact[position + 2 :]
        if a != b and {a, b} != {"2", "Z"}:
            assert not is_valid_reference(swapped)


@given(valid_references, st.lists(st.sampled_from([" ", "-", "", "  "]), min_size=10, max_size=10), st.booleans())
def test_normalise_is_insensitive_to_separators_and_case(reference, separators, lower):
    compact = reference.replace("-", "")
    typed = "".join(sep + char for sep, char in zip(separators, compact + " ", strict=True)).strip()
    typed = typed.lower() if lower else typed
    assert normalise_reference(typed) == reference
    assert normalise_reference(normalise_reference(typed)) == reference


@given(st.text(max_size=20))
def test_normalise_never_raises_and_returns_the_shape_or_none(text):
    result = normalise_reference(text)
    assert result is None or SHAPE.match(result)


def test_return_codes_have_the_same_shape_and_are_never_references():
    for _ in range(2000):
        code = new_return_code()
        assert SHAPE.match(code)
        assert is_valid_return_code(code)
        assert normalise_return_code(code.lower()) == code
        assert not is_valid_reference(code)
        assert diagnose(code) is Problem.WRONG_KIND
        assert diagnose(code, Kind.RETURN_CODE) is None


def test_references_are_never_return_codes():
    for _ in range(500):
        assert not is_valid_return_code(new_reference())


@pytest.mark.parametrize(
    ("code", "phonetic", "spoken"),
    [
        ("K7Q-4MX-9PT", False, "K 7 Q, 4 M X, 9 P T"),
        ("k7q4mx9pt", False, "K 7 Q, 4 M X, 9 P T"),
        ("K7Q-4MX-9PT", True, "Kilo 7 Quebec, 4 Mike X-ray, 9 Papa Tango"),
    ],
)
def test_format_for_reading_aloud(code, phonetic, spoken):
    assert format_for_reading_aloud(code, phonetic=phonetic) == spoken
