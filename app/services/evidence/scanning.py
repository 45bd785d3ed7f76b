"""Malware scanning through a real clamd (ClamAV's daemon) with the maintained `clamav-client` library.

Files are streamed to clamd (its INSTREAM command) a small block at a time. clamd is set by CLAMD_SOCKET
(a Unix socket) or CLAMD_HOST and CLAMD_PORT. When none is set, or clamd cannot be reached, a scan's
outcome is UNAVAILABLE: the caller keeps the file as "not yet scanned" and never serves it until a later
scan (`flask --app wsgi rescan-evidence`) passes. The code does not care which signatures clamd has
(freshclam's official database in production, a local test signature in CI).
"""

from __future__ import annotations

import enum
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from flask import current_app

logger = logging.getLogger(__name__)
CLAMD_TIMEOUT_DEFAULT = 30


class Outcome(enum.Enum):
    CLEAN = "clean"
    INFECTED = "infected"
    UNAVAILABLE = "unavailable"  # no scanner set up, or it did not answer: try again later


@dataclass(frozen=True)
class ScanResult:
    outcome: Outcome
    signature: str | None = None  # what clamd found (INFECTED), or why it could not scan (UNAVAILABLE)


def configured() -> bool:
    """Whether a scanner is set up at all (the staff page says so when it is not)."""
    config = current_app.config
    return bool(config.get("CLAMD_SOCKET") or config.get("CLAMD_HOST"))


def _client() -> ClamdUnixSocket | ClamdNetworkSocket | None:
    config = current_app.config
    timeout = float(config.get("CLAMD_TIMEOUT") or CLAMD_TIMEOUT_DEFAULT)
    if config.get("CLAMD_SOCKET"):
        # clamav-client annotates this timeout as int, but hands it to socket.settimeout, which takes a float.
        return ClamdUnixSocket(path=str(config["CLAMD_SOCKET"]), timeout=timeout)  # type: ignore[arg-type]
    if config.get("CLAMD_HOST"):
        return ClamdNetworkSocket(host=str(config["CLAMD_HOST"]), port=int(config.get("CLAMD_PORT") or 3310),
                                  timeout=timeout)
    return None


def scan(chunks: Iterator[bytes]) -> ScanResult:
    """Scan a file given as plain chunks; never raises for a scanner problem (that is UNAVAILABLE)."""
    client = _client()
    if client is None:
        return ScanResult(Outcome.UNAVAILABLE, "no scanner set up")
    try:
        results = client.instream(cast(BinaryIO, ChunkReader(chunks)))
    except (ClamdError, OSError) as error:
        # Never the file's name or content in the log: only that the scanner failed, and its own words.
        logger.warning("malware scanner unavailable: %s", type(error).__name__)
        return ScanResult(Outcome.UNAVAILABLE, "scanner unavailable")
    status, detail = next(iter(results.values()), ("ERROR", "no answer"))
    if status == "OK":
        return ScanResult(Outcome.CLEAN)
    if status == "FOUND":
        return ScanResult(Outcome.INFECTED, (detail or "unnamed")[:200])
    logger.warning("malware scanner could not scan a file: %s", (detail or "")[:200])
    return ScanResult(Outcome.UNAVAILABLE, "scanner error")


class ChunkReader(io.RawIOBase):
    """A read-only file over an iterator of chunks, so clamd's client can pull the file a block at a time."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buffer = b""
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: memoryview | bytearray) -> int:  # type: ignore[override]
        while self._offset >= len(self._buffer):
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer, self._offset = chunk, 0
        size = min(len(target), len(self._buffer) - self._offset)
        target[:size] = self._buffer[self._offset:self._offset + size]
        self._offset += size
        return size

