"""Starts the whole Lapor Aman stack: Redis (if none is reachable), the action server, the Rasa
engine and the bridge; waits until all are healthy; stops everything it started on exit.

`make run` calls `python scripts/stack.py run`; the end-to-end tests use `Stack` directly with
their own ports, Redis database and SQL database.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lapor_aman.config import Settings  # noqa: E402

ENGINE_BIN = ROOT / ".venv" / "engine" / "bin"
APP_PYTHON = ROOT / ".venv" / "app" / "bin" / "python"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_http(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not healthy after {timeout:.0f}s")


def wait_rasa_model(base_url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    """Rasa answers `GET /` before its model is loaded; ready means a real turn gets a reply."""
    deadline = time.monotonic() + timeout
    body = json.dumps({"sender": "readiness-probe", "message": "/thank"}).encode()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Rasa exited with code {process.returncode}")
        request = urllib.request.Request(
            f"{base_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 200 and json.loads(response.read() or b"[]"):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        time.sleep(1.0)
    raise TimeoutError(f"Rasa model not loaded after {timeout:.0f}s")


@dataclass
class Stack:
    model: Path
    rasa_port: int = 5005
    actions_port: int = 5055
    bridge_port: int = 8000
    env_overrides: dict[str, str] = field(default_factory=dict)
    log_dir: Path = ROOT / "var" / "log"
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        env = {**os.environ, **self.env_overrides}
        env["LAPOR_RASA_URL"] = f"http://127.0.0.1:{self.rasa_port}"
        env["LAPOR_BRIDGE_URL"] = f"http://127.0.0.1:{self.bridge_port}"
        env["LAPOR_BRIDGE_PORT"] = str(self.bridge_port)
        settings = Settings(**{})  # reads the environment as the services will
        redis = urlparse(env.get("REDIS_URL") or env.get("LAPOR_REDIS_URL") or settings.redis_url)
        env.setdefault("LAPOR_ACTION_ENDPOINT_URL", f"http://127.0.0.1:{self.actions_port}/webhook")
        env["LAPOR_RASA_REDIS_HOST"] = redis.hostname or "127.0.0.1"
        env["LAPOR_RASA_REDIS_PORT"] = str(redis.port or 6379)
        env["LAPOR_RASA_REDIS_DB"] = (redis.path or "/0").lstrip("/") or "0"
        prefix = env.get("LAPOR_REDIS_PREFIX", settings.redis_prefix)
        env["LAPOR_RASA_REDIS_PREFIX"] = "".join(ch for ch in prefix if ch.isalnum()) or "lapor"
        env.setdefault("LAPOR_TRACKER_TTL_SECONDS", str(settings.tracker_ttl_seconds))
        env["PYTHONPATH"] = str(ROOT)
        # Rasa/TensorFlow chatter and telemetry off; no personal data leaves the machine.
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.setdefault("RASA_TELEMETRY_ENABLED", "false")
        return env

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def start(self, timeout: float = 180.0) -> None:
        env = self.environment()
        subprocess.run(
            [str(APP_PYTHON), "-m", "lapor_aman.storage.migrate"], cwd=ROOT, env=env, check=True
        )
        actions = self._spawn(
            "actions",
            [
                str(APP_PYTHON),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.actions_port),
            ],
            env,
        )
        rasa = self._spawn(
            "rasa",
            [
                str(ENGINE_BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                "bot/endpoints.yml",
                "--credentials",
                "bot/credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
            ],
            env,
        )
        bridge = self._spawn(
            "bridge",
            [
                str(APP_PYTHON),
                "-m",
                "uvicorn",
                "integrations.main:app",
                "--host",
                env.get("LAPOR_BRIDGE_HOST", "127.0.0.1"),
                "--port",
                str(self.bridge_port),
            ],
            env,
        )
        try:
            wait_http(f"http://127.0.0.1:{self.actions_port}/health", timeout, actions)
            wait_http(f"http://127.0.0.1:{self.bridge_port}/healthz", timeout, bridge)
            wait_http(f"http://127.0.0.1:{self.rasa_port}/", timeout, rasa)
            wait_rasa_model(f"http://127.0.0.1:{self.rasa_port}", timeout, rasa)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def ensure_redis(url: str) -> subprocess.Popen[bytes] | None:
    """Use the Redis at `url`; start a local one (installing it if needed) when none answers."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if port_open(host, port):
        return None
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"Redis at {host}:{port} is not reachable; start it or set REDIS_URL.")
    if shutil.which("redis-server") is None:
        print("==> Redis is not installed; installing it with apt-get", flush=True)
        if os.geteuid() != 0:
            sys.exit(
                "Redis is missing. Install it (sudo apt-get install redis-server) and run again."
            )
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "redis-server"], check=True)
    print(
        f"==> no Redis answered at {host}:{port}; starting a local one (in memory only)", flush=True
    )
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while not port_open(host, port):
        if time.monotonic() > deadline:
            sys.exit("Redis did not start")
        time.sleep(0.2)
    return process


def run(model: Path) -> None:
    settings = Settings()
    redis_process = ensure_redis(settings.redis_url)
    if (
        settings.data_encryption_key.get_secret_value()
        == Settings.model_fields["data_encryption_key"].default.get_secret_value()
    ):
        print(
            "==> WARNING: using the development encryption key; set LAPOR_DATA_ENCRYPTION_KEY in production."
        )
    stack = Stack(model=model, bridge_port=settings.bridge_port)
    started = time.monotonic()
    print(
        "==> starting the action server, the Rasa engine and the bridge (Rasa loads its model in ~25 s)"
    )
    try:
        stack.start()
        base = f"http://127.0.0.1:{stack.bridge_port}"
        print(f"==> all services healthy after {time.monotonic() - started:.0f} s")
        print(f"    Web chat:       {base}/chat")
        print(f"    Staff console:  {base}/console   (token: LAPOR_ADMIN_TOKEN)")
        print(f"    API:            {base}/api/v1/tickets   (docs: {base}/docs)")
        print(f"    Rasa engine:    http://127.0.0.1:{stack.rasa_port}   logs: var/log/")
        print("    Ctrl-C stops everything.")
        while True:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(
                        f"==> {name} exited with code {process.returncode}; see var/log/{name}.log"
                    )
                    return
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        print("\n==> stopping")
        stack.stop()
        if redis_process is not None:
            redis_process.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--model", type=Path, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)
    run(args.model)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
