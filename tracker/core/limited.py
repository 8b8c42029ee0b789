"""One way to run untrusted work (laying out a report, reading an uploaded file) in a separate
process with limits: wall-clock time, CPU time and address space (`resource.setrlimit`), in its own
session so a timeout kills the whole process group. A web worker or queue consumer only waits.

The child reads its input on stdin. Lines it prints that start with `progress ` are passed, as they
come, to `on_progress` in the caller's thread (so the caller may write them to the database); the
rest of stdout is returned whole."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
from dataclasses import dataclass

PROGRESS = b"progress "


class LimitExceeded(Exception):
    """The child was stopped: `kind` is "time" or "memory"."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: bytes

    def stderr_tail(self, lines: int = 3) -> str:
        return " ".join(self.stderr.decode("utf-8", "replace").strip().splitlines()[-lines:])


def _limits(memory_mb: int, cpu_seconds: int):
    def apply() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        os.setsid()
    return apply


def clean_environment() -> dict[str, str]:
    """The caller's environment without proxy settings: the child never needs the network."""
    return {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}


def run_limited(args: list[str], *, input: bytes, timeout: float, memory_mb: int,
                on_progress=None, env: dict[str, str] | None = None) -> Finished:
    """Run `args` with the limits; raise LimitExceeded when the time (wall clock or CPU) runs out or
    the child dies for want of memory. Any other failure is the caller's to read from `Finished`."""
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=_limits(memory_mb, int(timeout) + 1),
                               env=env if env is not None else clean_environment())
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def feed() -> None:
        try:
            process.stdin.write(input)
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    errors: list[bytes] = []
    timer = threading.Timer(timeout, kill)
    feeder = threading.Thread(target=feed, daemon=True)
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    timer.start()
    feeder.start()
    reader.start()
    try:
        chunks = []
        for line in iter(process.stdout.readline, b""):
            if on_progress is not None and line.startswith(PROGRESS):
                on_progress(line[len(PROGRESS):].decode("utf-8", "replace").strip())
            else:
                chunks.append(line)
        process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            kill()
            process.wait()
        feeder.join()
        reader.join()
        for pipe in (process.stdin, process.stdout, process.stderr):
            pipe.close()
    done = Finished(process.returncode, b"".join(chunks), b"".join(errors))
    if timed_out.is_set() or process.returncode == -signal.SIGXCPU:
        raise LimitExceeded("time", f"it took longer than {timeout:.0f} seconds")
    if process.returncode < 0 or "MemoryError" in done.stderr_tail():
        raise LimitExceeded("memory", f"it needed more than {memory_mb} MB of memory")
    return done
