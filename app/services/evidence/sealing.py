"""Envelope encryption of evidence files, chunk by chunk, so no file is ever whole in memory.

Each file gets its own random 256-bit data key. The key ring (app/crypto.py) seals that data key, bound to
the file's storage key; rotating the ring only re-wraps data keys. The bytes are cut into CHUNK_BYTES
chunks, each sealed with AES-256-GCM under the data key with its own random nonce. A chunk's associated
data binds the file's storage key, the chunk's index and whether it is the last one, so chunks cannot be
reordered, swapped between files, dropped from the end or added after it without failing to open.

A sealed chunk is: one flag byte (1 for the last chunk, else 0) + 12-byte nonce + ciphertext and tag.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.crypto import KeyRing, KeyRingError, key_id_of

CHUNK_BYTES = 512 * 1024
NONCE_BYTES = 12
TAG_BYTES = 16
SEALED_CHUNK_MAX = 1 + NONCE_BYTES + CHUNK_BYTES + TAG_BYTES
_LAST, _MORE = b"\x01", b"\x00"


class SealError(Exception):
    """A stored file does not open: altered, cut short, reordered, or sealed for another file."""


@dataclass(frozen=True)
class DataKey:
    """A file's data key, and the same key wrapped by the key ring for storing beside the file."""

    key: bytes
    wrapped: bytes
    key_id: str


def _wrap_context(storage_key: str) -> bytes:
    return b"evidence_file.data_key:" + storage_key.encode("ascii")


def _chunk_context(storage_key: str, index: int, flag: bytes) -> bytes:
    return b"evidence_file.chunk:" + storage_key.encode("ascii") + b":" + index.to_bytes(8, "big") + flag


def new_data_key(ring: KeyRing, storage_key: str) -> DataKey:
    """A fresh random data key for one file, wrapped under the ring's current key."""
    key = AESGCM.generate_key(bit_length=256)
    wrapped = ring.seal(key, context=_wrap_context(storage_key))
    return DataKey(key, wrapped, key_id_of(wrapped))


def unwrap(ring: KeyRing, wrapped: bytes, storage_key: str) -> bytes:
    """The file's data key; SealError if the wrapped key was altered or belongs to another file."""
    try:
        return ring.open(wrapped, context=_wrap_context(storage_key))
    except KeyRingError as error:
        raise SealError(str(error)) from None


def rewrap(ring: KeyRing, wrapped: bytes, storage_key: str) -> bytes:
    """The same data key wrapped under the ring's current key (the chunks need no change)."""
    try:
        return ring.reseal(wrapped, context=_wrap_context(storage_key))
    except KeyRingError as error:
        raise SealError(str(error)) from None


def seal_chunks(key: bytes, storage_key: str, plain: Iterable[bytes]) -> Iterator[bytes]:
    """Seal a file given as chunks of at most CHUNK_BYTES; reads one chunk ahead to mark the last one."""
    cipher = AESGCM(key)
    index = 0
    pending: bytes | None = None
    for chunk in plain:
        if len(chunk) > CHUNK_BYTES:
            raise ValueError("chunk larger than CHUNK_BYTES")
        if pending is not None:
            yield _seal_one(cipher, storage_key, index, pending, last=False)
            index += 1
        pending = chunk
    yield _seal_one(cipher, storage_key, index, pending or b"", last=True)


def _seal_one(cipher: AESGCM, storage_key: str, index: int, chunk: bytes, *, last: bool) -> bytes:
    flag = _LAST if last else _MORE
    nonce = os.urandom(NONCE_BYTES)
    return flag + nonce + cipher.encrypt(nonce, chunk, _chunk_context(storage_key, index, flag))


def open_chunks(key: bytes, storage_key: str, sealed: Iterable[bytes]) -> Iterator[bytes]:
    """The plain chunks of a sealed file, in order; SealError if anything was altered, moved or cut off."""
    cipher = AESGCM(key)
    finished = False
    for index, record in enumerate(sealed):
        if finished:
            raise SealError("data after the last chunk")
        if len(record) < 1 + NONCE_BYTES + TAG_BYTES or record[:1] not in (_LAST, _MORE):
            raise SealError("not a sealed chunk")
        flag, nonce, body = record[:1], record[1:1 + NONCE_BYTES], record[1 + NONCE_BYTES:]
        try:
            yield cipher.decrypt(nonce, body, _chunk_context(storage_key, index, flag))
        except InvalidTag:
            raise SealError(f"chunk {index} does not open: altered, moved or from another file") from None
        finished = flag == _LAST
    if not finished:
        raise SealError("the file is cut short")
