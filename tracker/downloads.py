"""One way to name a downloaded file: RFC 6266 `filename*` (UTF-8) for any Unicode name, with an ASCII
`filename` fallback for old clients. A header is Latin-1 on the wire, so a Polish, Welsh, Irish or
Arabic name written into `filename="..."` by hand fails as a server error."""

import re
from urllib.parse import quote

from flask import Flask, Response

from tracker.filenames import ascii_fallback, clean_filename

_HAND_BUILT = re.compile(r'^attachment;\s*filename="(.*)"$', re.DOTALL)


def content_disposition(filename: str) -> str:
    """`attachment; filename="..."` alone when the name is plain ASCII, else with `filename*` too."""
    name = clean_filename(filename) or "download"
    fallback = ascii_fallback(name)
    if fallback == name:
        return f'attachment; filename="{fallback}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(body, filename: str, mimetype: str, **headers: str) -> Response:
    """A download response: the body as an attachment under `filename`, never cached."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers.setdefault("Cache-Control", "no-store, private")
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def register(app: Flask) -> None:
    @app.after_request
    def _safe_content_disposition(response: Response) -> Response:
        """A view that still writes its own header (the plan export in tracker/imports/, being
        rewritten elsewhere) gets the same treatment instead of a server error."""
        value = response.headers.get("Content-Disposition", "")
        match = _HAND_BUILT.match(value)
        if match and not value.isascii():
            response.headers["Content-Disposition"] = content_disposition(match.group(1))
        return response
