"""The one interface every stored file goes through: evidence, imported source documents and (as
issue 15 moved them) every report file. A key is `area/name` (`evidence/3f...9a.pdf`): the
database holds names, never paths, so the same rows work on a local folder or an object store.

Writes hash as they go (`Written.sha256`); reads are streams of chunks, never the whole file, so a
web worker's memory does not grow with the size of what it serves."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

#: The areas of the store; a key is `<area>/<name>`. `reports` holds every generated or uploaded report
#: file: board reports' PDF and Word versions, the agency packs' zips, the partnership's Word templates.
AREAS = ("evidence", "imports", "reports")
CHUNK = 64 * 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class StorageError(Exception):
    """The store could not do what was asked (unreachable, refused, full). `message` is for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotStored(StorageError):
    """No object under that key."""


class Damaged(Exception):
    """A stored object no longer matches the SHA-256 kept with its row: refused, never served."""


@dataclass(frozen=True)
class Written:
    key: str
    size: int
    sha256: str


def check_key(key: str) -> tuple[str, str]:
    """`(area, name)` of a well-formed key; anything else (a path, `..`, an unknown area) is refused."""
    area, _, name = key.partition("/")
    if area not in AREAS or not is_name(name):
        raise ValueError(f"not a storage key: {key!r}")
    return area, name


def is_name(name: str) -> bool:
    return bool(_NAME.match(name)) and ".." not in name


def key_for(area: str, name: str) -> str:
    key = f"{area}/{name}"
    check_key(key)
    return key


class HashingReader:
    """Reads from `source` while taking its SHA-256 and size (what `put` reports)."""

    def __init__(self, source: BinaryIO):
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    def chunks(self) -> Iterator[bytes]:
        while block := self.read(CHUNK):
            yield block


class Opened:
    """An object being read: its size, and its bytes as chunks. A WSGI body as it is (the server
    calls `close`)."""

    def __init__(self, size: int, chunks: Iterable[bytes], close=lambda: None):
        self.size = size
        self._chunks = chunks
        self._close = close

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        self._close()

    def read_all(self) -> bytes:
        """The whole object, for the few callers that need it in memory (a document being parsed)."""
        try:
            return b"".join(self)
        finally:
            self.close()


class Storage(Protocol):
    name: str

    def put(self, key: str, source: BinaryIO) -> Written: ...

    def open(self, key: str) -> Opened: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def keys(self, area: str | None = None) -> Iterator[str]: ...

    def check(self) -> str | None: ...


def sha256_of(store: Storage, key: str) -> str:
    digest = hashlib.sha256()
    opened = store.open(key)
    try:
        for block in opened:
            digest.update(block)
    finally:
        opened.close()
    return digest.hexdigest()


class ChunkReader:
    """A file-like `read(n)` over an iterator of chunks (a stored object opened, say), holding what is
    not yet read: for `put` and for tarfile, which reads exactly the size it was told."""

    def __init__(self, chunks: Iterable[bytes]):
        self.chunks = iter(chunks)
        self.buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, b"")
            if not chunk:
                break
            self.buffer += chunk
        cut = len(self.buffer) if size < 0 else size
        data, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return data
