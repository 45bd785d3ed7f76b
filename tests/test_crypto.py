"""The key ring: sealed values open only with their key and context, and survive a rotation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.crypto import KeyRing, KeyRingError, development_keys, key_id_of, new_key, parse_keys


def ring(*ids: str, current: str | None = None, keys: dict[str, bytes] | None = None) -> KeyRing:
    import os

    found = dict(keys or {})
    for key_id in ids:
        found.setdefault(key_id, os.urandom(32))
    return KeyRing(found, current or ids[0])


@given(st.binary(max_size=2000), st.binary(max_size=40))
def test_a_sealed_value_opens_to_itself(plaintext, context):
    keys = ring("k1")
    token = keys.seal(plaintext, context=context)
    assert keys.open(token, context=context) == plaintext


def test_the_same_value_seals_differently_each_time():
    keys = ring("k1")
    assert keys.seal(b"Dan Smith", context=b"person.name") != keys.seal(b"Dan Smith", context=b"person.name")


def test_a_value_moved_to_another_column_or_altered_does_not_open():
    keys = ring("k1")
    token = keys.seal(b"07700 900123", context=b"contact.phone")
    with pytest.raises(KeyRingError):
        keys.open(token, context=b"person.name")
    altered = token[:-1] + bytes([token[-1] ^ 1])
    with pytest.raises(KeyRingError):
        keys.open(altered, context=b"contact.phone")
    with pytest.raises(KeyRingError):
        keys.open(b"plain text", context=b"contact.phone")


def test_rotation_old_values_open_until_resealed_then_the_old_key_can_go():
    old = ring("a")
    token = old.seal(b"words", context=b"c")
    rotated = ring("b", "a", current="b", keys=dict(old.keys))
    assert rotated.open(token, context=b"c") == b"words"
    assert not rotated.is_current(token)
    resealed = rotated.reseal(token, context=b"c")
    assert key_id_of(resealed) == "b" and rotated.is_current(resealed)
    without_a = KeyRing({"b": rotated.keys["b"]}, "b")
    assert without_a.open(resealed, context=b"c") == b"words"
    with pytest.raises(KeyRingError):
        without_a.open(token, context=b"c")


@pytest.mark.parametrize("spec", ["", "nokey", "a:!!!notbase64", "a:" + "QUJD", "bad id!:" + "A" * 43])
def test_malformed_key_specs_are_refused(spec):
    with pytest.raises(KeyRingError):
        parse_keys(spec)


def test_the_current_key_can_be_named():
    keys = parse_keys(f"a:{new_key()},b:{new_key()}", "b")
    assert keys.current_id == "b"
    with pytest.raises(KeyRingError):
        parse_keys(f"a:{new_key()}", "c")


def test_development_keys_are_made_once_with_owner_only_permissions(tmp_path):
    first = development_keys(tmp_path)
    assert development_keys(tmp_path) == first
    assert (tmp_path / "encryption-keys").stat().st_mode & 0o077 == 0
    parse_keys(first)
