"""What one hostile client does to everyone else's latency, before and after a change.

    uv run python bench/hostile_load.py [--before REF] [--after REF] [--seconds S]

For each side (--before: the template as committed at REF, default a5676cc, the last
commit before issue 16; --after: at REF, default the working tree) it generates a default
project, installs it, migrates a fresh database and serves it as production does
(`<package> serve`, 2 workers, Redis), the way bench/app_load.py does. A sampler then
asks for `GET /livez` and, as an unrelated signed-in user, `GET /api/v1/auth/me` every
50 ms, one request at a time, through three phases of --seconds each:

- quiet: nothing else runs;
- oversized login: 8 connections post ~1 MiB sign-in bodies with 90,000 unknown keys;
- password guessing: 64 connections of one signed-in user post wrong current passwords
  to `POST /api/v1/auth/password`.

Prints, per side and phase, the sampler's p50, p99 and max latency and its non-2xx
answers, and what the attack got back (statuses, largest answer); asserts nothing.
Each side gets its own Redis database (flushed first) so throttles do not carry over.
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import shutil
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from app_load import (
    REPO_ROOT,
    BenchError,
    committed,
    expect,
    fresh_database,
    generate,
    login,
    percentile,
    production_settings,
    seed,
    serving,
    step,
    timed,
)

from tools.snapshot import snapshot_template

WORKERS = 2
SAMPLE_EVERY = 0.05  # seconds between the sampler's requests
SAMPLE_TIMEOUT = 60.0
UNKNOWN_KEYS = 90_000
LOGIN_CONNECTIONS = 8
PASSWORD_CONNECTIONS = 64
PHASES = ("quiet", "oversized login", "password guessing")


@dataclass
class Samples:
    """The sampler's latencies (ms) and statuses, per phase and path."""

    latencies: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, phase: str, path: str, milliseconds: float, status: int) -> None:
        self.latencies.setdefault((phase, path), []).append(milliseconds)
        if not 200 <= status < 300:
            self.failures[phase, path] += 1


@dataclass
class Attack:
    """What the attacking connections got back."""

    statuses: Counter[int] = field(default_factory=Counter)
    largest: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, size: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.largest = max(self.largest, size)


@dataclass
class Side:
    name: str
    samples: Samples
    attacks: dict[str, Attack]


def flush_redis(url: str) -> None:
    """FLUSHDB on the database of a redis://host:port/N URL, over RESP by hand."""
    rest = url.removeprefix("redis://")
    address, _, database = rest.partition("/")
    host, _, port = address.partition(":")
    with socket.create_connection((host, int(port or 6379)), timeout=5) as connection:
        for command in (["SELECT", database or "0"], ["FLUSHDB"]):
            parts = [f"*{len(command)}\r\n"] + [f"${len(p)}\r\n{p}\r\n" for p in command]
            connection.sendall("".join(parts).encode())
            answer = connection.recv(64)
            if not answer.startswith(b"+OK"):
                raise BenchError(f"redis {command[0]} answered {answer!r}")


def timed_get(url: str, token: str | None) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=SAMPLE_TIMEOUT) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError:
        status = 0  # refused, reset or timed out: counted as a failure
    return (time.perf_counter() - start) * 1000, status


def sample(
    base: str, token: str, phase: list[str], samples: Samples, done: threading.Event
) -> None:
    targets = (("/livez", None), ("/api/v1/auth/me", token))
    turn = 0
    while not done.is_set():
        path, bearer = targets[turn % len(targets)]
        current = phase[0]
        milliseconds, status = timed_get(f"{base}{path}", bearer)
        samples.add(current, path, milliseconds, status)
        turn += 1
        done.wait(SAMPLE_EVERY)


@dataclass(frozen=True)
class Target:
    """What an attacking connection posts, and where."""

    base: str
    path: str
    body: bytes
    token: str | None = None

    def hammer(self, until: float, attack: Attack) -> None:
        """Post the body over one kept-alive connection until `until`."""
        host, _, port = self.base.removeprefix("http://").partition(":")
        headers = {"Content-Type": "application/json", "Content-Length": str(len(self.body))}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        connection: http.client.HTTPConnection | None = None
        while time.monotonic() < until:
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, int(port), timeout=SAMPLE_TIMEOUT)
                connection.request("POST", self.path, body=self.body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                attack.add(response.status, len(answer))
                if response.will_close:
                    connection.close()
                    connection = None
            except OSError:
                attack.add(0, 0)
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()


def run_attack(connections: int, seconds: float, target: Target) -> Attack:
    attack = Attack()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=target.hammer, args=(until, attack)) for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return attack


def oversized_login() -> bytes:
    fields: dict[str, object] = {"email": "nobody@acme.dev", "password": "not-the-password"}
    fields.update({f"k{index:05d}": 0 for index in range(UNKNOWN_KEYS)})
    return json.dumps(fields, separators=(",", ":")).encode()


def measure_side(name: str, template: str, options: argparse.Namespace, work: Path) -> Side:
    work.mkdir()
    app = timed(f"{name}: scaffold new --defaults --no-git", generate, work, template)
    timed(f"{name}: uv sync --locked", app.uv, "sync", "--locked")
    redis_url = f"{options.redis.rstrip('/')}/{options.redis_db + (name == 'after')}"
    flush_redis(redis_url)
    samples = Samples()
    attacks: dict[str, Attack] = {}
    with fresh_database(app, options.postgres) as database_url:
        settings = production_settings(database_url, redis_url, WORKERS, work)
        timed(f"{name}: migrate", app.command, "migrate", **settings)
        with serving(app, settings, work) as server:
            base = server.base_url
            seeded = timed(f"{name}: seed", seed, app, settings, base)
            email, password = f"guesser-{secrets.token_hex(4)}@acme.dev", secrets.token_urlsafe(18)
            register = {"email": email, "password": password}
            expect(201, "POST", f"{base}/api/v1/auth/register", register)
            guesser = login(base, email, password)
            wrong_password = json.dumps(
                {"current_password": "wrong-guess", "new_password": secrets.token_urlsafe(18)}
            ).encode()
            login_body = oversized_login()
            step(f"{name}: oversized sign-in body {len(login_body) / 1e6:.2f} MB")

            phase = [PHASES[0]]
            done = threading.Event()
            sampler = threading.Thread(
                target=sample, args=(base, seeded.user_token, phase, samples, done)
            )
            sampler.start()
            try:
                time.sleep(options.seconds)
                phase[0] = PHASES[1]
                attacks[PHASES[1]] = run_attack(
                    LOGIN_CONNECTIONS,
                    options.seconds,
                    Target(base, "/api/v1/auth/login", login_body),
                )
                phase[0] = PHASES[2]
                attacks[PHASES[2]] = run_attack(
                    PASSWORD_CONNECTIONS,
                    options.seconds,
                    Target(base, "/api/v1/auth/password", wrong_password, guesser),
                )
            finally:
                done.set()
                sampler.join()
            for attack_phase, attack in attacks.items():
                step(f"{name}: {attack_phase}: {dict(sorted(attack.statuses.items()))}")
    return Side(name, samples, attacks)


def print_report(sides: list[Side], options: argparse.Namespace) -> None:
    print(
        f"\nunrelated requests while one client attacks ({WORKERS} workers, production "
        f"settings; a sample every {SAMPLE_EVERY * 1000:.0f} ms, {options.seconds:.0f} s "
        "per phase)"
    )
    header = f"{'side':<7} {'phase':<18} {'path':<16} {'n':>4} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{header} {'max ms':>8} {'non-2xx':>7}")
    for side in sides:
        for phase in PHASES:
            for path in ("/livez", "/api/v1/auth/me"):
                values = sorted(side.samples.latencies.get((phase, path), []))
                if not values:
                    continue
                failures = side.samples.failures[phase, path]
                print(
                    f"{side.name:<7} {phase:<18} {path:<16} {len(values):>4} "
                    f"{percentile(values, 0.5):>8.1f} {percentile(values, 0.99):>8.1f} "
                    f"{values[-1]:>8.1f} {failures:>7}"
                )
    print("\nwhat the attacker got back")
    for side in sides:
        for phase, attack in side.attacks.items():
            statuses = ", ".join(f"{status}: {n}" for status, n in sorted(attack.statuses.items()))
            print(
                f"{side.name:<7} {phase:<18} {statuses} (largest answer {attack.largest:,} bytes)"
            )


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="a5676cc", help="template ref (default a5676cc)")
    parser.add_argument("--after", help="template ref (default: the working tree)")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per phase")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="a database on the server to create the benchmark's databases on",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis, no database")
    parser.add_argument(
        "--redis-db", type=int, default=11, help="database for --before (--after: the next)"
    )
    return parser.parse_args()


def main() -> None:
    options = parse_options()
    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-hostile-"))
    import scaffold  # noqa: PLC0415  (only for the snapshot's tag)

    try:
        sides = []
        for name, ref in (("before", options.before), ("after", options.after)):
            source = REPO_ROOT if ref is None else committed(ref, work / f"source-{name}")
            template = snapshot_template(source, work / f"template-{name}", scaffold.__version__)
            sides.append(measure_side(name, str(template), options, work / name))
        print_report(sides, options)
    except BenchError as error:
        raise SystemExit(f"bench/hostile_load.py: {error}") from None
    finally:
        if options.keep:
            step(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
