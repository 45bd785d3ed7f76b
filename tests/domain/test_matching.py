import hashlib
import hmac
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.matching import (
    hashed_match_keys,
    keyed_hash,
    match_keys,
    normalise_address,
    normalise_name,
    normalise_postcode,
)

FAST = settings(max_examples=100, deadline=None)
SECRET = b"test-secret-not-for-production"
DOB = date(1990, 5, 17)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("John Smith", "Smith, John"),
        ("John Smith", "  JOHN   smith "),
        ("John Smith", "Mr John Smith"),
        ("John Smith", "Smith John (Mr.)"),
        ("Jane Doe", "Dr. Jane Doe"),
        ("Jane Doe", "Mrs Jane Doe"),
        ("Jane Doe", "Ms. DOE, Jane"),
        ("Zoë Brontë", "Zoe Bronte"),
        ("José Núñez", "JOSE NUNEZ"),
        ("Siobhán O'Brien", "siobhan obrien"),
        ("Siobhán O’Brien", "Siobhan O'Brien"),
        ("Anna-Maria Jones", "Anna Maria Jones"),
        ("Straße", "STRASSE"),
        ("Ｊｏｈｎ Ｓｍｉｔｈ", "John Smith"),
    ],
)
def test_equivalent_names_match(a, b):
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("John Smith", "Jon Smith"),
        ("John Smith", "John Smith Jones"),
        ("Ann Lee", "Anne Lee"),
    ],
)
def test_different_names_do_not_match(a, b):
    assert normalise_name(a) != normalise_name(b)


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Mr John Smith", "john smith"),
        ("Smith, John", "john smith"),
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("Dr", "dr"),
        ("Miss", "miss"),
        ("!!!", ""),
    ],
)
def test_normalise_name_examples(name, normal):
    assert normalise_name(name) == normal


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        (" sw1a  1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("b338th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A-1BB", "EC1A 1BB"),
        ("gir 0aa", "GIR 0AA"),
        ("", None),
        (None, None),
        ("not a postcode", None),
        ("SW1A", None),
        ("1AA SW1A", None),
        ("SW1A 1A", None),
    ],
)
def test_normalise_postcode(typed, normal):
    assert normalise_postcode(typed) == normal


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12 High St.", "12 High Street"),
        ("12, High Street", "12 high street"),
        ("Flat 3, 4 Park Rd", "flat 3 4 park road"),
        ("Apt 3, 4 Park Road", "Flat 3 4 Park Road"),
        ("7 Acacia Ave", "7 Acacia Avenue"),
        ("1 Rose Gdns", "1 Rose Gardens"),
        ("2 Mill Ln", "2 Mill Lane"),
        ("12 High Street, SW1A 1AA", "12 High Street"),
        ("12 High Street sw1a1aa", "12 High Street"),
        ("9 Café Row", "9 Cafe Row"),
    ],
)
def test_equivalent_addresses_match(a, b):
    assert normalise_address(a) == normalise_address(b)


def test_address_word_order_matters():
    assert normalise_address("1 Park Road") != normalise_address("Road 1 Park")


def test_match_keys_never_use_the_name_alone():
    assert match_keys("John Smith") == frozenset()
    assert match_keys("", DOB, "SW1A 1AA") == frozenset()
    assert match_keys(None, DOB) == frozenset()


def test_match_keys_pair_the_name_with_each_identifier():
    keys = match_keys("Mr John Smith", DOB, "sw1a1aa", "12 High St")
    assert keys == {
        "name+dob:john smith|1990-05-17",
        "name+postcode:john smith|SW1A 1AA",
        "name+address:john smith|12 high street",
    }


def test_match_keys_ignore_unusable_identifiers():
    assert match_keys("John Smith", None, "nonsense", "") == frozenset()
    assert match_keys("John Smith", DOB, "nonsense") == {"name+dob:john smith|1990-05-17"}


def test_the_same_person_written_differently_shares_keys():
    first = match_keys("Smith, John", DOB, "SW1A 1AA")
    second = match_keys("Mr JOHN SMITH", DOB, "sw1a1aa")
    assert first == second
    assert match_keys("John Smith", date(1990, 5, 18), "SW1A 1AA") & first == {"name+postcode:john smith|SW1A 1AA"}


def test_keyed_hash_is_hmac_sha256():
    expected = hmac.new(SECRET, b"name+dob:john smith|1990-05-17", hashlib.sha256).hexdigest()
    assert keyed_hash("name+dob:john smith|1990-05-17", SECRET) == expected
    assert len(expected) == 64


def test_keyed_hash_depends_on_the_secret_and_needs_one():
    assert keyed_hash("k", SECRET) != keyed_hash("k", b"another secret")
    with pytest.raises(ValueError, match="secret"):
        keyed_hash("k", b"")


def test_hashed_match_keys():
    keys = match_keys("John Smith", DOB, "SW1A 1AA")
    assert hashed_match_keys(keys, SECRET) == {keyed_hash(k, SECRET) for k in keys}


names = st.text(max_size=40)
words = st.lists(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=10), min_size=1, max_size=4)


@FAST
@given(names)
def test_normalise_name_is_idempotent(name):
    once = normalise_name(name)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert "  " not in once


@FAST
@given(words, st.randoms(use_true_random=False))
def test_normalise_name_ignores_word_order_case_and_commas(tokens, random):
    shuffled = tokens[:]
    random.shuffle(shuffled)
    assert normalise_name(" ".join(tokens)) == normalise_name(", ".join(shuffled))
    assert normalise_name(" ".join(tokens).upper()) == normalise_name(" ".join(tokens).lower())


@FAST
@given(names)
def test_normalise_address_is_idempotent(address):
    once = normalise_address(address)
    assert normalise_address(once) == once


@FAST
@given(st.text(max_size=12))
def test_normalise_postcode_is_idempotent(postcode):
    once = normalise_postcode(postcode)
    assert once is None or normalise_postcode(once) == once


@FAST
@given(names, st.none() | st.dates(), st.none() | st.text(max_size=10), st.none() | st.text(max_size=30))
def test_match_keys_are_stable_under_renormalising(name, dob, postcode, address):
    keys = match_keys(name, dob, postcode, address)
    again = match_keys(normalise_name(name), dob, normalise_postcode(postcode), normalise_address(address))
    assert keys == again
    for key in keys:
        assert key.split(":", 1)[0] in {"name+dob", "name+postcode", "name+address"}
