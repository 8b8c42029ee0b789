"""One way to name a downloaded file: RFC 6266 `filename*` (UTF-8) for any Unicode name, with an ASCII
`filename` fallback for old clients. A header is Latin-1 on the wire, so a Polish, Welsh, Irish or
Arabic name written into `filename="..."` by hand fails as a server error."""

from urllib.parse import quote

from flask import Response

from tracker.filenames import ascii_fallback, clean_filename



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
