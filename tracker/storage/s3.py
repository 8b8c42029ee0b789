"""An S3-compatible object store (AWS, SeaweedFS, MinIO, Ceph ...) through boto3, one bucket with a
prefix per area. Timeouts are short and retries few: a store that is down gives the person uploading
a clear message in seconds, not a hung request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tracker.storage.base import AREAS, CHUNK, HashingReader, NotStored, Opened, StorageError, Written, check_key

MB = 1024 * 1024
# Parts of 8 MB, four at a time: a 20 MB upload in three parallel requests (about a fifth faster on
# loopback than one after another), holding at most four parts in memory.
TRANSFER = TransferConfig(multipart_threshold=8 * MB, multipart_chunksize=8 * MB, max_concurrency=4)
MISSING = {"404", "NoSuchKey", "NotFound"}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3Storage:
    name = "s3"

    def __init__(self, *, endpoint: str | None, bucket: str, access_key: str | None, secret_key: str | None,
                 region: str | None = None, timeout: float = 5.0):
        self.bucket = bucket
        self.endpoint = endpoint
        self._bucket_ready = False
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint or None, aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None, region_name=region or "us-east-1",
            config=Config(connect_timeout=timeout, read_timeout=max(timeout, 30), retries={"max_attempts": 2},
                          s3={"addressing_style": "path"}, signature_version="s3v4"))

    def _failed(self, error: Exception) -> StorageError:
        return StorageError(f"The object store did not answer ({type(error).__name__}).")

    def ensure_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if _code(error) not in MISSING and _code(error) != "NoSuchBucket":
                raise self._failed(error) from error
            try:
                self.client.create_bucket(Bucket=self.bucket)
            except (ClientError, BotoCoreError) as again:
                raise self._failed(again) from again
        except BotoCoreError as error:
            raise self._failed(error) from error

    def put(self, key: str, source: BinaryIO) -> Written:
        check_key(key)
        if not self._bucket_ready:
            self.ensure_bucket()  # once per process: a new store's bucket is made on the first write
            self._bucket_ready = True
        reader = HashingReader(source)
        try:
            self.client.upload_fileobj(reader, self.bucket, key, Config=TRANSFER)
        except (ClientError, BotoCoreError, OSError) as error:
            raise self._failed(error) from error
        return Written(key, reader.size, reader.digest.hexdigest())

    def open(self, key: str) -> Opened:
        check_key(key)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _code(error) in MISSING:
                raise NotStored(f"No stored file {key}.") from error
            raise self._failed(error) from error
        except BotoCoreError as error:
            raise self._failed(error) from error
        body = answer["Body"]
        return Opened(int(answer["ContentLength"]), body.iter_chunks(CHUNK), body.close)

    def delete(self, key: str) -> None:
        check_key(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as error:
            raise self._failed(error) from error

    def _head(self, key: str) -> dict | None:
        check_key(key)
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _code(error) in MISSING:
                return None
            raise self._failed(error) from error
        except BotoCoreError as error:
            raise self._failed(error) from error

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise NotStored(f"No stored file {key}.")
        return int(head["ContentLength"])

    def keys(self, area: str | None = None) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2")
        for each in (area,) if area else AREAS:
            try:
                for page in pages.paginate(Bucket=self.bucket, Prefix=f"{each}/"):
                    for item in page.get("Contents", []):
                        yield item["Key"]
            except ClientError as error:
                if _code(error) == "NoSuchBucket":
                    return
                raise self._failed(error) from error
            except BotoCoreError as error:
                raise self._failed(error) from error

    def check(self) -> str | None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            return f"The object store's bucket {self.bucket!r} cannot be read ({_code(error) or 'refused'})."
        except BotoCoreError as error:
            return f"The object store at {self.endpoint or 'the default endpoint'} does not answer ({type(error).__name__})."
        return None
