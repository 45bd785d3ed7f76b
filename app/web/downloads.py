"""Streamed downloads: a file sent as an attachment a chunk at a time, never whole in memory, never a page."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from flask import Response, stream_with_context

# A downloaded file is never a page: no scripts, no plugins, no same-origin access even if a browser renders it.
ATTACHMENT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


def streamed_attachment(chunks: Iterator[bytes], *, name: str, mimetype: str, size: int) -> Response:
    """A response that streams `chunks` (read lazily, inside the request's context) as a download named `name`."""
    # stream_with_context keeps the app context (and so the database session) open while the body is read.
    response = Response(stream_with_context(chunks), mimetype=mimetype, direct_passthrough=True)
    response.content_length = size
    response.headers.set("Content-Disposition", "attachment", **_filename_parameters(name))
    response.headers["Content-Security-Policy"] = ATTACHMENT_CSP  # kept by app.web.security.set_security_headers
    return response


def _filename_parameters(name: str) -> dict[str, str]:
    # As Flask's send_file does: an ASCII fallback, and the real name in RFC 5987 form when it is not ASCII.
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii") or "evidence"
        return {"filename": simple, "filename*": f"UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"}
    return {"filename": name}
