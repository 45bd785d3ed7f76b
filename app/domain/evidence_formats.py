"""Which evidence files we accept, found from their content (never the name), and the name they download as.

Phones produce photos and screenshots (JPEG, PNG, HEIC/HEIF), videos (MP4, MOV, 3GP), voice notes (M4A,
AMR, OGG/Opus, MP3), PDFs, saved emails (.eml) and plain-text chat exports (WhatsApp's "Export chat" is a
.txt file). Everything else is refused: programs, scripts dressed as text, web pages, SVG images (they can
carry script), archives (zip bombs, and files we could not scan or read inside).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

import filetype

# How much of the start of a file decides its type (the caller passes at least this much when it has it).
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Format:
    """An accepted content type: what to call it and the file extensions it downloads with."""

    mime: str
    label: str
    extensions: tuple[str, ...]


_FORMATS = (
    Format("image/jpeg", "JPEG photo", ("jpg", "jpeg")),
    Format("image/png", "PNG image", ("png",)),
    Format("image/heic", "HEIC photo", ("heic",)),
    Format("image/heif", "HEIF photo", ("heif", "heic")),
    Format("image/avif", "AVIF image", ("avif",)),
    Format("image/gif", "GIF image", ("gif",)),
    Format("image/webp", "WebP image", ("webp",)),
    Format("image/bmp", "BMP image", ("bmp",)),
    Format("image/tiff", "TIFF image", ("tif", "tiff")),
    Format("application/pdf", "PDF", ("pdf",)),
    Format("video/mp4", "MP4 video", ("mp4", "m4v")),
    Format("video/quicktime", "MOV video", ("mov", "qt")),
    Format("video/x-m4v", "M4V video", ("m4v", "mp4")),
    Format("video/3gpp", "3GP video", ("3gp", "3gpp")),
    Format("video/webm", "WebM video", ("webm",)),
    Format("audio/mp4", "M4A voice note", ("m4a", "mp4")),
    Format("audio/x-m4a", "M4A voice note", ("m4a",)),
    Format("audio/mpeg", "MP3 audio", ("mp3",)),
    Format("audio/amr", "AMR voice note", ("amr",)),
    Format("audio/ogg", "OGG voice note", ("ogg", "opus", "oga")),
    Format("audio/aac", "AAC audio", ("aac",)),
    Format("audio/x-wav", "WAV audio", ("wav",)),
    Format("message/rfc822", "saved email", ("eml",)),
    Format("text/plain", "text file", ("txt",)),
)
FORMATS = {f.mime: f for f in _FORMATS}
ALLOWED_TYPES = frozenset(FORMATS)
TEXT_TYPES = frozenset({"text/plain", "message/rfc822"})

# ISO base media files (MP4, MOV, M4A, HEIC, 3GP) say what they are in the brands of their first box.
_HEIC_BRANDS = {"heic", "heix", "hevc", "hevx", "heim", "heis"}
_HEIF_BRANDS = {"mif1", "msf1", "mif2"}
_AUDIO_BRANDS = {"M4A ", "M4B "}
_MOV_BRANDS = {"qt  "}
_3GP_BRANDS = {"3gp4", "3gp5", "3gp6", "3gp7", "3gs7", "3ge6", "3ge7", "3gg6", "3g2a", "3g2b", "3g2c"}
_MP4_BRANDS = {"isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso8", "mp41", "mp42", "mp71", "avc1", "dash",
               "MSNV", "M4V ", "M4VH", "M4VP", "F4V ", "NDAS", "mmp4", "XAVC"}
# Older QuickTime files start with one of these atoms instead of a brand box.
_MOV_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

# A saved email is text that starts with mail headers; at least two of these must be there.
_EMAIL_HEADER = re.compile(rb"^(From|To|Subject|Date|Received|Return-Path|Message-ID|MIME-Version|Delivered-To|"
                           rb"X-[A-Za-z-]+|Content-Type):", re.IGNORECASE | re.MULTILINE)
# Bytes that never appear in text: NUL and the C0 controls other than tab, newlines, form feed and escape.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_BOMS = (b"\xef\xbb\xbf",)


def detect_type(head: bytes) -> str | None:
    """The content type found from a file's first bytes (HEAD_BYTES of them), or None if we do not accept it."""
    if not head:
        return None
    box = _iso_media_type(head)
    if box is not None:
        return box or None
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return _text_type(head)


def _iso_media_type(head: bytes) -> str | None:
    """For an ISO base media file, its type ("" when it is one we refuse); None when it is not one."""
    if len(head) < 12:
        return None
    if head[4:8] != b"ftyp":
        return "video/quicktime" if head[4:8] in _MOV_ATOMS and _plausible_atom(head) else None
    size = int.from_bytes(head[0:4], "big")
    if size < 16 or size > 4096:
        return ""
    brands = {head[8:12].decode("latin-1")}
    brands.update(head[i:i + 4].decode("latin-1") for i in range(16, min(size, len(head)) - 3, 4))
    major = head[8:12].decode("latin-1")
    if major in _AUDIO_BRANDS:
        return "audio/mp4"
    if major in _MOV_BRANDS:
        return "video/quicktime"
    if brands & _HEIC_BRANDS and (major in _HEIC_BRANDS or major in _HEIF_BRANDS):
        return "image/heic"
    if major in _HEIF_BRANDS or major in {"avif", "avis"}:
        return "image/avif" if major in {"avif", "avis"} else "image/heif"
    if major in _3GP_BRANDS:
        return "video/3gpp"
    if major in _MP4_BRANDS or brands & _MP4_BRANDS:
        return "video/mp4"
    return ""


def _plausible_atom(head: bytes) -> bool:
    # A real atom's size is 0 (to the end), 1 (64-bit size follows) or at least its own 8-byte header.
    size = int.from_bytes(head[0:4], "big")
    return size in (0, 1) or size >= 8


def _text_type(head: bytes) -> str | None:
    """Plain text (a chat export, notes) or a saved email; None for anything binary, markup or a script."""
    body = head
    for bom in _BOMS:
        if body.startswith(bom):
            body = body[len(bom):]
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16_text_type(body)
    if not is_text(body):
        return None
    if _is_markup_or_script(body):
        return None
    if not _decodes(body):
        return None
    if len(_EMAIL_HEADER.findall(body[:8192])) >= 2 and _EMAIL_HEADER.match(body.lstrip()):
        return "message/rfc822"
    return "text/plain"


def _utf16_text_type(body: bytes) -> str | None:
    # Some Windows tools save chats as UTF-16; judge the decoded text by the same rules.
    try:
        text = body.decode("utf-16")
    except UnicodeDecodeError:
        # The head may end in the middle of a character.
        try:
            text = body[: len(body) - (len(body) % 2) - 2].decode("utf-16")
        except UnicodeDecodeError:
            return None
    encoded = text.encode("utf-8")
    if not is_text(encoded) or _is_markup_or_script(encoded):
        return None
    return "text/plain"


def _is_markup_or_script(body: bytes) -> bool:
    # A web page, an SVG or XML document, or a script with an interpreter line: never accepted as "text".
    # (Markup quoted inside a chat is harmless: files only ever download as attachments named .txt.)
    return body.lstrip().startswith((b"<", b"#!"))


def _decodes(body: bytes) -> bool:
    # UTF-8 (what phones write); the head may cut a character in two, so forgive up to 3 trailing bytes.
    for cut in range(4):
        try:
            body[: len(body) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    # Older Windows text (cp1252) is accepted too: every byte left after the checks above is printable there.
    try:
        body.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def is_text(chunk: bytes) -> bool:
    """Whether a run of bytes could be text (no NUL, no control bytes): checked on every chunk of a text upload."""
    return _BINARY.search(chunk) is None


def text_checker(content_type: str, head: bytes) -> Callable[[bytes], bool] | None:
    """For a text type, a check that each chunk of the file (first one included, in order) is still text.

    A text head cannot hide a program further on. None for other types. UTF-16 files are decoded as they
    come (a character may straddle two chunks) and their text is checked.
    """
    if content_type not in TEXT_TYPES:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        decoder = codecs.getincrementaldecoder("utf-16")(errors="strict")

        def utf16_is_text(chunk: bytes) -> bool:
            try:
                return is_text(decoder.decode(chunk).encode("utf-8", "surrogatepass"))
            except UnicodeDecodeError:
                return False

        return utf16_is_text
    return is_text


def download_name(original: str, content_type: str) -> str:
    """The name a file downloads as: the victim's name, with an extension that matches its real content.

    A text file named "run.bat" downloads as "run.bat.txt", so no double-click ever runs what we accepted as
    text; a photo named "IMG_0001.HEIC" keeps its name.
    """
    fmt = FORMATS.get(content_type)
    name = original.strip().replace("\x00", "") or "evidence"
    if fmt is None:
        return f"{name}.bin"
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.lower() in fmt.extensions:
        return name
    return f"{name}.{fmt.extensions[0]}"
