"""The default store: a folder per area on this machine (UPLOAD_FOLDER for evidence, IMPORT_FOLDER
for source documents, the instance's reports/ for board reports). Writes go to a temporary file
beside the target and are renamed into place, so a reader never sees half a file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from tracker.storage.base import (AREAS, CHUNK, HashingReader, NotStored, Opened, StorageError, Written, check_key,
                                  is_name)

TEMP_PREFIX = ".partial-"


class LocalStorage:
    name = "local"

    def __init__(self, roots: dict[str, Path]):
        self.roots = {area: Path(roots[area]) for area in AREAS}

    def path(self, key: str) -> Path:
        area, name = check_key(key)
        return self.roots[area] / name

    def put(self, key: str, source: BinaryIO) -> Written:
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(TEMP_PREFIX + secrets.token_hex(8))
            reader = HashingReader(source)
            try:
                with open(temp, "wb") as handle:
                    for block in reader.chunks():
                        handle.write(block)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, target)
            finally:
                temp.unlink(missing_ok=True)
        except OSError as error:
            raise StorageError(f"The file could not be saved ({error.strerror or error}).") from error
        return Written(key, reader.size, reader.digest.hexdigest())

    def open(self, key: str) -> Opened:
        try:
            handle = open(self.path(key), "rb")
        except FileNotFoundError as error:
            raise NotStored(f"No stored file {key}.") from error
        size = os.fstat(handle.fileno()).st_size
        return Opened(size, iter(lambda: handle.read(CHUNK), b""), handle.close)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError as error:
            raise NotStored(f"No stored file {key}.") from error

    def keys(self, area: str | None = None) -> Iterator[str]:
        for each in (area,) if area else AREAS:
            root = self.roots[each]
            if not root.is_dir():
                continue
            for entry in sorted(os.scandir(root), key=lambda e: e.name):
                if entry.is_file() and not entry.name.startswith(TEMP_PREFIX) and is_name(entry.name):
                    yield f"{each}/{entry.name}"  # a file named by hand is not the store's

    def check(self) -> str | None:
        for area, root in self.roots.items():
            try:
                root.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                return f"The {area} folder {root} cannot be created: {error.strerror or error}."
            if not os.access(root, os.W_OK):
                return f"The {area} folder {root} is not writable."
        return None
