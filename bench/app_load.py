"""How a generated app holds up under load: its bookings list and /livez, per worker count.

    uv run python bench/app_load.py [--duration S] [--connections N] [--workers 1 2]
                                    [--python] [--profile] [--keep] [--template SRC | --ref REF]

Generates a default project from a clean snapshot of the working tree's template
(`scaffold new --defaults --no-git`; --ref REF takes the template as committed at REF),
installs it (`uv sync --locked`), creates a fresh database on the local PostgreSQL,
migrates it, and serves the app as production does (`<package> serve` with
APP_ENV=production, a strong secret, Redis, WEB_CONCURRENCY workers) once per worker
count. It seeds an admin, a user, 20 slots and the user's 20 bookings, then loads
`GET /api/v1/bookings` (as the user) and `GET /livez` with wrk, or a stdlib asyncio load
generator (--python, or when wrk is missing). Prints requests/s, p50, p99, errors and
the server's CPU time per request next to the issue's targets; asserts nothing.
--profile adds a py-spy run on the workers and prints where their time goes.
Needs PostgreSQL (--postgres) and Redis (--redis). The server, the database and the
temporary directory are removed at the end (the directory is kept with --keep).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # for tools.*, run as a script

from tools.pythons import uv_env  # noqa: E402
from tools.snapshot import TEMPLATE_FILES, snapshot_template  # noqa: E402

BIN = Path(sys.executable).parent
P = ParamSpec("P")
T = TypeVar("T")
HOST = "127.0.0.1"
SLOTS = 20
BOOKINGS_PATH = "/api/v1/bookings"
LIVEZ_PATH = "/livez"
MAX_RATE_LIMIT_WAIT = 120  # seconds
# From the issue: what 2 workers must do on the bookings list, and a well-known FastAPI
# template's figures on the same kind of load (workers: req/s, p99 ms).
TARGET_RPS, TARGET_P99_MS, TARGET_WORKERS = 900.0, 100.0, 2
REFERENCE = {1: (230.0, 501.0), 2: (451.0, 375.0)}
# Every setting the app reads that this run fixes; the rest keep their defaults.
APP_SETTINGS = (
    "APP_ENV",
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "PUBLIC_BASE_URL",
    "CORS_ORIGINS",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "LOG_LEVEL",
    "SENTRY_DSN",
    "PROMETHEUS_MULTIPROC_DIR",
    "METRICS_TOKEN",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_PRICE_ID",
    "STRIPE_API_KEY",
)
# Run by the generated app's interpreter, which has asyncpg: CREATE/DROP DATABASE.
SQL_SCRIPT = """
import asyncio, sys
import asyncpg

async def main(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


class BenchError(Exception):
    """A step failed; the message says which, with the command's output."""


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def step(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def run(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    stdin: str | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"`{' '.join(command)}` exited {done.returncode}\n"
            f"{(done.stdout + done.stderr).strip()[-4000:]}"
        )
    return done


def timed(label: str, action: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    start = time.perf_counter()
    result = action(*args, **kwargs)
    step(f"{label}: {time.perf_counter() - start:.1f} s")
    return result


# The generated project and its environment


@dataclass(frozen=True)
class App:
    path: Path
    package: str
    env: dict[str, str]  # for uv and the project's commands (no app settings)

    def uv(self, *args: str, stdin: str | None = None, **env: str) -> str:
        done = run(["uv", *args], self.path, {**self.env, **env}, stdin=stdin)
        return done.stdout + done.stderr

    def command(self, *args: str, stdin: str | None = None, **env: str) -> str:
        return self.uv("run", "--no-sync", self.package, *args, stdin=stdin, **env)


def real_interpreter(python: str) -> str:
    """The interpreter behind a launcher (a pyenv shim is a script).

    uv compares a project's .venv with UV_PYTHON by path: handed a shim, it rebuilds
    the venv on every `uv run`.
    """
    done = subprocess.run(
        [python, "-c", "import sys; print(sys.executable)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def committed(ref: str, destination: Path) -> Path:
    """The template files as committed at `ref` (the working tree may be mid-change)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", ref, *TEMPLATE_FILES],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise BenchError(f"git archive {ref} failed: {archive.stderr.decode().strip()}")
    destination.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def generate(work: Path, template: str) -> App:
    path = work / "app"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env["XDG_CACHE_HOME"] = str(work / "cache")  # scaffold's render cache
    run(
        [str(BIN / "scaffold"), "new", str(path), "--defaults", "--no-git", "--template", template],
        work,
        env,
    )
    # Production reads only the environment; the development .env would fill what it misses.
    (path / ".env").unlink(missing_ok=True)
    scripts = tomllib.loads((path / "pyproject.toml").read_text())["project"]["scripts"]
    version = (path / ".python-version").read_text().strip()
    app_env = {k: v for k, v in uv_env(version).items() if k not in APP_SETTINGS}
    app_env["UV_PYTHON"] = real_interpreter(app_env["UV_PYTHON"])
    # The uv of this venv (a pinned dev dependency) drives the generated project.
    app_env["PATH"] = f"{BIN}{os.pathsep}{app_env.get('PATH', '')}"
    app_env["TMPDIR"] = str(work / "tmp")
    (work / "tmp").mkdir()
    return App(path, next(iter(scripts)), app_env)


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@contextmanager
def fresh_database(app: App, admin_url: str) -> Iterator[str]:
    """A new database on the server of `admin_url`, dropped on exit; yields its URL."""
    name = f"bench_{secrets.token_hex(6)}"
    app.uv("run", "--no-sync", "python", "-c", SQL_SCRIPT, admin_url, f"CREATE DATABASE {name}")
    try:
        yield with_database(admin_url, name)
    finally:
        try:
            app.uv(
                "run",
                "--no-sync",
                "python",
                "-c",
                SQL_SCRIPT,
                admin_url,
                f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            )
            step(f"dropped database {name}")
        except BenchError as error:
            print(f"could not drop database {name}: {error}", file=sys.stderr)


def production_settings(
    database_url: str, redis_url: str, workers: int, work: Path
) -> dict[str, str]:
    return {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        # Not example.com: check-config refuses that placeholder.
        "PUBLIC_BASE_URL": "https://bench.acme.dev",
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(work / f"metrics-{workers}"),
        "LOG_LEVEL": "WARNING",
        # With payments=stripe (the default) production refuses to start without one.
        "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_urlsafe(32)}",
        "STRIPE_PRICE_ID": "price_bench",
        "STRIPE_API_KEY": f"sk_test_{secrets.token_urlsafe(24)}",
        # Production refuses an open /metrics (templates before it ignore the variable).
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        # Production refuses the development mail catcher; nothing is sent (no worker runs).
        "SMTP_URL": "smtps://smtp.bench.acme.dev:465",
        "EMAIL_FROM": "no-reply@bench.acme.dev",
    }


# The server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait_until_serving(server: Server, timeout: float = 90) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.process.poll() is not None:
            raise BenchError(f"the server exited {server.process.returncode}:\n{server.log_tail()}")
        with suppress(OSError):
            status, _ = http("GET", f"{server.base_url}{LIVEZ_PATH}", timeout=1)
            if status == 200:
                return time.perf_counter() - start
        time.sleep(0.2)
    raise BenchError(
        f"the server did not answer /livez within {timeout:.0f} s:\n{server.log_tail()}"
    )


def stop(server: Server, timeout: float = 40) -> None:
    """SIGTERM (uv passes it on to uvicorn, which drains and exits), then wait."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout)
        except subprocess.TimeoutExpired:
            print(f"the server ignored SIGTERM for {timeout:.0f} s: killed", file=sys.stderr)
            # Its own process group (start_new_session): uv, uvicorn and the workers.
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


@contextmanager
def serving(app: App, settings: dict[str, str], work: Path) -> Iterator[Server]:
    port = free_port()
    log = work / f"server-{settings['WEB_CONCURRENCY']}.log"
    command = ["uv", "run", "--no-sync", app.package, "serve", "--host", HOST, "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=app.path,
            env={**app.env, **settings},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://{HOST}:{port}", log)
    try:
        started = wait_until_serving(server)
        workers = plural(int(settings["WEB_CONCURRENCY"]), "worker")
        status, answer = http("GET", f"{server.base_url}/readyz")
        if status != 200:
            raise BenchError(f"/readyz answered {status}: {answer}")
        step(f"serving on port {port} with {workers}, ready ({started:.1f} s)")
        yield server
    finally:
        stop(server)
        code = server.process.returncode
        # One worker: uvicorn re-raises SIGTERM once drained, and uv reports it as 143.
        how = "" if code in {0, 128 + signal.SIGTERM, -signal.SIGTERM} else f" (exit {code})"
        step(f"server stopped{how}")


# Seeding, over plain HTTP


def http(
    method: str, url: str, body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, Any]:
    """One request; returns the status and the decoded JSON body (or the text)."""
    status, answer, _ = http_with_headers(method, url, body, token, timeout)
    return status, answer


def http_with_headers(
    method: str, url: str, body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, Any, int | None]:
    """`http`, and the Retry-After header in seconds when there is one."""
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
            retry_after = response.headers.get("Retry-After", "")
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
        retry_after = error.headers.get("Retry-After", "")
    wait = int(retry_after) if retry_after.isdigit() else None
    try:
        return status, json.loads(raw) if raw else None, wait
    except ValueError:
        return status, raw.decode(errors="replace"), wait


def expect(expected: int, method: str, url: str, body: Any = None, token: str | None = None) -> Any:
    status, answer, retry_after = http_with_headers(method, url, body, token)
    if status == 429 and retry_after is not None and retry_after <= MAX_RATE_LIMIT_WAIT:
        # Sign-up and sign-in are rate-limited per address, in Redis: runs in a row add up.
        step(f"{method} {urlsplit(url).path} rate-limited: trying again in {retry_after} s")
        time.sleep(retry_after)
        status, answer, _ = http_with_headers(method, url, body, token)
    if status != expected:
        path = urlsplit(url).path
        raise BenchError(f"{method} {path} answered {status}, not {expected}: {answer}")
    return answer


@dataclass(frozen=True)
class Seeded:
    user_token: str
    bookings_listed: int
    list_bytes: int


def login(base: str, email: str, password: str) -> str:
    answer = expect(
        200, "POST", f"{base}/api/v1/auth/login", {"email": email, "password": password}
    )
    token: str = answer["access_token"]
    return token


def listed_items(answer: Any) -> list[Any]:
    """The bookings of a list answer: a JSON array, or an object holding one."""
    if isinstance(answer, list):
        return answer
    if isinstance(answer, dict):
        for key in ("items", "bookings", "data", "results"):
            if isinstance(answer.get(key), list):
                items: list[Any] = answer[key]
                return items
    raise BenchError(f"GET {BOOKINGS_PATH} answered something other than a list: {answer}")


# What opening the mailed link does (no worker sends it here); templates from before
# email confirmation have no such column, and nothing to do.
CONFIRM_ADDRESS = """
DO $$ BEGIN
  IF EXISTS (SELECT FROM information_schema.columns
             WHERE table_name = 'users' AND column_name = 'email_verified_at') THEN
    UPDATE users SET email_verified_at = now() WHERE email = '{email}';
  END IF;
END $$
"""


def confirm_address(app: App, database_url: str, email: str) -> None:
    """Mark `email`'s account confirmed, so that it may book."""
    statement = CONFIRM_ADDRESS.format(email=email)
    app.uv("run", "--no-sync", "python", "-c", SQL_SCRIPT, database_url, statement)


def seed(app: App, settings: dict[str, str], base: str) -> Seeded:
    """An admin (by the CLI), a user, 20 slots (by the admin), 20 bookings (by the user)."""
    # Fresh addresses each run: sign-in limits are also counted per email, in Redis.
    run_id = secrets.token_hex(4)
    admin_email, admin_password = f"admin-{run_id}@acme.dev", secrets.token_urlsafe(18)
    app.command("create-admin", "--email", admin_email, stdin=f"{admin_password}\n", **settings)
    email, password = f"user-{run_id}@acme.dev", secrets.token_urlsafe(18)
    expect(201, "POST", f"{base}/api/v1/auth/register", {"email": email, "password": password})
    confirm_address(app, settings["DATABASE_URL"], email)
    user_token = login(base, email, password)
    admin_token = login(base, admin_email, admin_password)
    first = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    for index in range(SLOTS):
        starts = first + timedelta(hours=index)
        slot = expect(
            201,
            "POST",
            f"{base}/api/v1/slots",
            {
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=45)).isoformat(),
            },
            admin_token,
        )
        expect(
            201,
            "POST",
            f"{base}{BOOKINGS_PATH}",
            {"slot_id": slot["id"], "note": f"benchmark booking {index + 1}"},
            user_token,
        )
    status, answer = http("GET", f"{base}{BOOKINGS_PATH}", token=user_token)
    if status != 200:
        raise BenchError(f"GET {BOOKINGS_PATH} answered {status}: {answer}")
    return Seeded(user_token, len(listed_items(answer)), len(json.dumps(answer)))


# Load


@dataclass
class Load:
    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # responses with a status of 400 or more
    socket_errors: dict[str, int] = field(default_factory=dict)
    load_average: float | None = None  # of this machine, just before the run
    server_cpu_seconds: float | None = None  # of the server's processes, during the run
    host_busy: float | None = None  # share of all this machine's CPUs busy during the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds * 1000 / self.requests

    @property
    def server_cpus(self) -> float | None:
        if self.server_cpu_seconds is None or not self.seconds:
            return None
        return self.server_cpu_seconds / self.seconds


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _wrk_ms(value: str) -> float:
    """A wrk duration ("812.50us", "5.87ms", "1.02s", "10.01s") in milliseconds."""
    match = re.fullmatch(r"([0-9.]+)([a-z]+)", value)
    if match is None or match.group(2) not in _WRK_UNITS:
        raise BenchError(f"unexpected duration in wrk's output: {value!r}")
    return float(match.group(1)) * _WRK_UNITS[match.group(2)]


def parse_wrk(output: str) -> Load:
    def search(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise BenchError(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return match

    done = search(r"^\s*(\d+) requests in ([0-9.]+)(\w+),")
    socket_errors = {}
    if match := re.search(r"Socket errors: (.*)$", output, re.MULTILINE):
        for name, count in re.findall(r"(\w+) (\d+)", match.group(1)):
            socket_errors[name] = int(count)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Load(
        tool="wrk",
        requests=int(done.group(1)),
        seconds=_wrk_ms(done.group(2) + done.group(3)) / 1000,
        p50_ms=_wrk_ms(search(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_wrk_ms(search(r"^\s+99%\s+(\S+)").group(1)),
        errors=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors={name: count for name, count in socket_errors.items() if count},
    )


def wrk(url: str, token: str | None, connections: int, seconds: float) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    if done.returncode != 0:
        raise BenchError(f"wrk exited {done.returncode}: {done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; return its status and whether the connection stays open."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    headers = {}
    for line in head[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readline()
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection") != "close"


async def _connection(
    url: str,
    token: str | None,
    deadline: float,
    latencies: list[float],
    counts: collections.Counter[str],
) -> None:
    """One keep-alive connection sending requests back to back until the deadline."""
    parts = urlsplit(url)
    host, port = parts.hostname or HOST, parts.port or 80
    lines = [f"GET {parts.path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            counts["connect"] += 1
            await asyncio.sleep(0.05)
            continue
        try:
            while (sent := time.perf_counter()) < deadline:
                writer.write(request)
                async with asyncio.timeout(10):
                    status, keep_alive = await _read_response(reader)
                latencies.append(time.perf_counter() - sent)
                counts["requests"] += 1
                if status >= 400:
                    counts["status"] += 1
                if not keep_alive:
                    break
        except TimeoutError:
            counts["timeout"] += 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            counts["read"] += 1
        finally:
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def python_load(url: str, token: str | None, connections: int, seconds: float) -> Load:
    """What wrk measures, with `connections` asyncio connections in this process."""
    latencies: list[float] = []
    counts: collections.Counter[str] = collections.Counter()

    async def main() -> float:
        start = time.perf_counter()
        deadline = start + seconds
        await asyncio.gather(
            *(_connection(url, token, deadline, latencies, counts) for _ in range(connections))
        )
        return time.perf_counter() - start

    elapsed = asyncio.run(main())
    latencies.sort()
    return Load(
        tool="python",
        requests=counts["requests"],
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        errors=counts["status"],
        socket_errors={
            name: counts[name] for name in ("connect", "read", "timeout") if counts[name]
        },
    )


# Where the server's time goes (Linux: /proc, and py-spy with --profile)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            found += [int(child) for child in listing.read_text().split()]
    return found


def cpu_seconds(root: int) -> dict[int, float] | None:
    """User and system CPU seconds of `root` and its descendants, by pid (None off Linux)."""
    if not Path("/proc/self/stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    spent: dict[int, float] = {}
    pending = [root]
    while pending:
        pid = pending.pop()
        with suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
            spent[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            pending += children(pid)
    return spent


def host_cpu_ticks() -> tuple[int, int] | None:
    """Busy and total CPU ticks of the whole machine so far (/proc/stat)."""
    with suppress(OSError, ValueError):
        ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        total = sum(ticks[:8])  # guest time is already counted in user
        return total - idle, total
    return None


def py_spy() -> list[str]:
    installed = shutil.which("py-spy")
    return [installed] if installed else ["uvx", "py-spy"]


SERVING_FILES = {"cli.py", "serve.py"}
_FRAME = re.compile(r"(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def summarise_profile(raw: Path, package: str, top: int = 12) -> list[str]:
    """py-spy's collapsed stacks, summed: own time by module, then by frame; app inclusive."""
    by_module: collections.Counter[str] = collections.Counter()
    by_frame: collections.Counter[str] = collections.Counter()
    in_app: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        # Process frames (--subprocesses) hold command lines, which may hold ";".
        stack = re.sub(r'process \d+:"[^"]*";?', "", stack)
        frames = [frame for frame in stack.split(";") if frame]
        if not frames or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        match = _FRAME.match(frames[-1])
        file = match.group("file") if match else frames[-1]
        by_module[file.split("/")[0] if "/" in file else file] += samples
        by_frame[frames[-1]] += samples
        seen = set()
        for frame in frames:
            if not (match := _FRAME.match(frame)):
                continue
            module, _, name = match.group("file").partition("/")
            # The command, cli.py and serve.py only start the server: every sample runs under them.
            if module == package and name and name not in SERVING_FILES:
                function = f"{match.group('function')} ({match.group('file')})"
                if function not in seen:
                    seen.add(function)
                    in_app[function] += samples
    if not total:
        return ["  (no samples)"]

    def share(counter: collections.Counter[str]) -> list[str]:
        return [
            f"  {samples / total:6.1%}  {name[:110]}" for name, samples in counter.most_common(top)
        ]

    return [
        f"{total} samples of the server's busy threads; own time by top-level module:",
        *share(by_module),
        "own time by frame:",
        *share(by_frame),
        f"time inside the app's own functions ({package}/, callees included):",
        *share(in_app),
    ]


def profile(
    app: App, options: argparse.Namespace, server: Server, token: str | None, raw: Path
) -> list[str]:
    """py-spy on the server and its workers during one more, unmeasured, run on the list."""
    roots = children(server.process.pid)  # uv's child: the `serve` process
    if not roots:
        return ["  the server's process was not found"]
    record = [*py_spy(), "record", "--nonblocking", "--subprocesses", "--rate", "100"]
    record += ["--duration", str(max(1, int(options.duration))), "--format", "raw"]
    record += ["--output", str(raw), "--pid", str(roots[0])]
    log = raw.with_suffix(".log")
    with log.open("wb") as output:
        spy = subprocess.Popen(record, env=app.env, stdout=output, stderr=subprocess.STDOUT)
        try:
            generator(options)(
                f"{server.base_url}{BOOKINGS_PATH}",
                token,
                options.connections,
                options.duration + 2,
            )
            spy.wait(60)
        finally:
            if spy.poll() is None:
                spy.kill()
                spy.wait()
    if spy.returncode != 0 or not raw.exists():
        return [f"  py-spy exited {spy.returncode}: {log.read_text(errors='replace')[-2000:]}"]
    return summarise_profile(raw, app.package)


# Report


@dataclass(frozen=True)
class Row:
    workers: int
    endpoint: str
    load: Load


def optional(value: float | None, decimals: int) -> str:
    return "-" if value is None else f"{value:.{decimals}f}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def print_report(rows: list[Row], options: argparse.Namespace, seeded: Seeded | None) -> None:
    tool = rows[0].load.tool if rows else "none"
    generator = (
        f"wrk -t2 -c{options.connections} -d{options.duration:g}s --latency"
        if tool == "wrk"
        else f"python asyncio, {options.connections} connections, {options.duration:g} s"
    )
    print(f"load: {generator}, after a {options.warmup:g} s warm-up; {os.cpu_count()} CPUs shared")
    print("     by the load generator, the server, PostgreSQL and Redis")
    if seeded:
        print(
            f"GET {BOOKINGS_PATH}: as the user, who has {seeded.bookings_listed} bookings "
            f"({seeded.list_bytes} bytes of JSON)"
        )
    print(
        f"{'workers':>7}  {'endpoint':<22} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'non-2xx':>7} {'CPU ms/req':>10} {'srv CPUs':>8} {'host':>5} {'load':>5}  "
        "socket errors"
    )
    for row in rows:
        load = row.load
        socket_errors = ", ".join(f"{k} {v}" for k, v in load.socket_errors.items()) or "none"
        print(
            f"{row.workers:>7}  {row.endpoint:<22} {load.rps:>7.0f} {load.p50_ms:>7.1f} "
            f"{load.p99_ms:>7.1f} {load.errors:>7} {optional(load.cpu_ms_per_request, 2):>10} "
            f"{optional(load.server_cpus, 2):>8} {percent(load.host_busy):>5} "
            f"{optional(load.load_average, 1):>5}  "
            f"{socket_errors}"
        )
    print(
        "CPU ms/req: CPU time of the server's processes per request; srv CPUs: how many CPUs\n"
        "they kept busy; host: how busy all the machine's CPUs were (server, load generator,\n"
        "PostgreSQL and anything else); load: the 1-minute load average before the run.\n"
        "Other work on the machine lowers req/s a lot, CPU ms/req less (but it inflates it too)."
    )
    print(
        f"target (issue), {plural(TARGET_WORKERS, 'worker')}, GET {BOOKINGS_PATH}: "
        f">= {TARGET_RPS:.0f} req/s, p99 <= {TARGET_P99_MS:.0f} ms, no non-2xx"
    )
    for row in rows:
        if row.workers == TARGET_WORKERS and row.endpoint.endswith(BOOKINGS_PATH):
            load = row.load
            misses = []
            if load.rps < TARGET_RPS:
                misses.append(f"{load.rps:.0f} req/s")
            if load.p99_ms > TARGET_P99_MS:
                misses.append(f"p99 {load.p99_ms:.0f} ms")
            if load.errors:
                misses.append(f"{load.errors} non-2xx")
            if load.socket_errors:
                counts = ", ".join(f"{name} {count}" for name, count in load.socket_errors.items())
                misses.append(f"socket errors: {counts}")
            print(f"  {'met' if not misses else 'NOT met: ' + ', '.join(misses)}")
    for workers, (rps, p99) in REFERENCE.items():
        print(
            f"reference (a well-known FastAPI template), {plural(workers, 'worker')}: "
            f"{rps:.0f} req/s, p99 {p99:.0f} ms"
        )


# Main


def generator(options: argparse.Namespace) -> Callable[[str, str | None, int, float], Load]:
    return python_load if options.python else wrk


def measure(options: argparse.Namespace, server: Server, path: str, token: str | None) -> Load:
    load = generator(options)
    url = f"{server.base_url}{path}"
    load(url, token, options.connections, options.warmup)
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    before, host_before = cpu_seconds(server.process.pid), host_cpu_ticks()
    result = load(url, token, options.connections, options.duration)
    after, host_after = cpu_seconds(server.process.pid), host_cpu_ticks()
    result.load_average = load_average
    if host_before and host_after and host_after[1] > host_before[1]:
        result.host_busy = (host_after[0] - host_before[0]) / (host_after[1] - host_before[1])
    if before is not None and after is not None:
        result.server_cpu_seconds = sum(
            spent - before.get(pid, 0.0) for pid, spent in after.items()
        )
    return result


def server_warnings(server: Server) -> list[str]:
    return [line for line in server.log.read_text(errors="replace").splitlines() if line.strip()]


def bench(options: argparse.Namespace, work: Path) -> None:
    if options.template:
        template = options.template
    else:
        import scaffold  # noqa: PLC0415  (only for the snapshot's tag)

        source = REPO_ROOT if options.ref is None else committed(options.ref, work / "source")
        template = str(snapshot_template(source, work / "template", scaffold.__version__))
    app = timed("scaffold new --defaults --no-git", generate, work, template)
    step(f"generated {app.package} in {app.path}")
    timed("uv sync --locked", app.uv, "sync", "--locked")
    if options.profile:
        # Fetched now when it is not installed, not while the load runs.
        step(run([*py_spy(), "--version"], work, app.env).stdout.strip())
    rows: list[Row] = []
    profiles: list[str] = []
    seeded: Seeded | None = None
    with fresh_database(app, options.postgres) as database_url:
        step(f"database {urlsplit(database_url).path.lstrip('/')}")
        for workers in options.workers:
            settings = production_settings(database_url, options.redis, workers, work)
            try:
                app.command("check-config", **settings)
            except BenchError as error:
                raise BenchError(
                    f"check-config refused the production settings:\n{error}"
                ) from None
            if seeded is None:
                timed("migrate", app.command, "migrate", **settings)
            with serving(app, settings, work) as server:
                if seeded is None:
                    seeded = timed("seed", seed, app, settings, server.base_url)
                    step(f"GET {BOOKINGS_PATH} lists {seeded.bookings_listed} bookings")
                for endpoint, path, token in (
                    (f"GET {BOOKINGS_PATH}", BOOKINGS_PATH, seeded.user_token),
                    (f"GET {LIVEZ_PATH}", LIVEZ_PATH, None),
                ):
                    load = measure(options, server, path, token)
                    step(
                        f"{plural(workers, 'worker')}, {endpoint}: {load.rps:.0f} req/s, "
                        f"p99 {load.p99_ms:.1f} ms"
                    )
                    rows.append(Row(workers, endpoint, load))
                if options.profile:
                    raw = work / f"profile-{workers}.txt"
                    profiles.append(
                        f"profile, {plural(workers, 'worker')}, GET {BOOKINGS_PATH} (py-spy"
                        + (f"; raw stacks in {raw}):" if options.keep else "):")
                    )
                    profiles += profile(app, options, server, seeded.user_token, raw)
            if warnings := server_warnings(server):
                print(
                    f"server log, {plural(workers, 'worker')}: {len(warnings)} lines at WARNING "
                    f"or above ({server.log}), the first:",
                    *(f"  {line[:300]}" for line in warnings[:5]),
                    sep="\n",
                    file=sys.stderr,
                )
    print_report(rows, options, seeded)
    if profiles:
        print("\n".join(profiles))


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of load (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up (default 3)")
    parser.add_argument("--connections", type=int, default=50, help="open connections (default 50)")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)"
    )
    parser.add_argument(
        "--python", action="store_true", help="load with the asyncio generator even if wrk is here"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after measuring, run py-spy on the workers under load on the bookings list "
        "(py-spy from PATH, else `uvx py-spy`) and print where their time goes",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--template", help="template source (default: the working tree's)")
    source.add_argument(
        "--ref", help="this repository's template as committed at REF (e.g. HEAD), not on disk"
    )
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="a database on the server to create the benchmark's database on",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="REDIS_URL")
    options = parser.parse_args()
    if not options.python and shutil.which("wrk") is None:
        step("wrk not found (apt-get install wrk): loading with the asyncio generator")
        options.python = True
    return options


def main() -> None:
    options = parse_options()
    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-app-"))
    try:
        bench(options, work)
    except BenchError as error:
        raise SystemExit(f"bench/app_load.py: {error}") from None
    finally:
        if options.keep:
            step(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
