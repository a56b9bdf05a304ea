"""Webhook benchmark: realistic updates from many residents, posted to a real server process.

For each driver (aiogram, python-telegram-bot) it starts ``guanjia serve`` in its own process
(SQLite by default, or --database-url), posts Telegram updates over HTTP at a fixed rate and
then as fast as it can, and prints:

* updates/s handled at full speed (processing finished, not just 200 returned),
* receipt-to-outbox latency at the fixed rate — from the update's arrival (inbound row) to the
  reply's outbox row, both stamped by the server — p50, p99, p99.9,
* the server process's resident memory after the run (VmRSS and peak VmHWM).

The outbox dispatcher is off (replies are measured as written, not as sent), and a fake Bot API
on loopback answers the driver's start-up calls. Nothing leaves the machine.

    python bench/bench_webhook.py                # both drivers, 200 updates/s for 10 s
    python bench/bench_webhook.py --rate 200 --seconds 10 --burst 3000 --drivers ptb
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes import telegram_updates as tg  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402

TOKEN = "123456:BENCH-token-not-a-real-one-abcdefgh"
RESIDENTS = 300
MESSAGES = [
    "在吗",
    "你好",
    "请问物业费怎么交？",
    "快递放在哪里？",
    "门禁卡丢了怎么补办",
    "卫生间的灯不亮了",
    "厨房水龙头一直滴水",
    "谢谢你们",
    "停车月卡怎么办理",
    "楼上装修太吵了，天天早上七点就开始",
    "请问小区附近有地铁吗",
    "我还欠多少物业费",
]


class RawHttp:
    """A minimal HTTP/1.1 keep-alive client: httpx costs more CPU per request than the server
    spends on an update, so with it the benchmark would measure its own client."""

    def __init__(self, port: int, path: str, headers: dict[str, str], connections: int) -> None:
        self._port = port
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        head += "".join(f"{key}: {value}\r\n" for key, value in headers.items())
        self._head = head
        self._pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )
        self._connections = connections

    async def open(self) -> None:
        for _ in range(self._connections):
            self._pool.put_nowait(await asyncio.open_connection("127.0.0.1", self._port))

    async def close(self) -> None:
        while not self._pool.empty():
            _, writer = self._pool.get_nowait()
            writer.close()

    async def post(self, body: bytes) -> int:
        reader, writer = await self._pool.get()
        try:
            writer.write(f"{self._head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
        except BaseException:
            writer.close()
            self._pool.put_nowait(await asyncio.open_connection("127.0.0.1", self._port))
            raise
        self._pool.put_nowait((reader, writer))
        return status


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_database(url: str, env: dict[str, str]) -> None:
    """Migrate, load the demo estate, and bind RESIDENTS extra residents to Telegram ids."""
    guanjia = [sys.executable, "-m", "webhooks.cli"]
    for args in (["db", "upgrade"], ["estate", "load", str(ROOT / "examples/demo-estate.yaml")]):
        subprocess.run([*guanjia, *args], env=env, check=True, capture_output=True, cwd=ROOT)
    rows = ["name,phone,role,unit,telegram_id"]
    for n in range(RESIDENTS):
        building, entrance = 1 + n % 6, 1 + (n // 6) % 2
        room = (2 + n % 16) * 100 + 1 + (n // 12) % 2
        rows.append(f"压测{n},1880000{n:04d},owner,{building}-{entrance}-{room},{900000000 + n}")
    csv = Path(tempfile.mkdtemp()) / "residents.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    subprocess.run(
        [*guanjia, "residents", "import", str(csv)], env=env, capture_output=True, cwd=ROOT
    )


def memory_of(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    kib = {key: int(value.split()[0]) for key, value in values.items() if key in ("VmRSS", "VmHWM")}
    return kib["VmRSS"] / 1024, kib["VmHWM"] / 1024


def update(update_id: int) -> dict[str, object]:
    user = 900000000 + random.randrange(RESIDENTS)
    return tg.text_message(update_id, user, user, random.choice(MESSAGES))


async def post_at_rate(client: RawHttp, start_id: int, rate: float, seconds: float) -> int:
    total = int(rate * seconds)
    began = time.perf_counter()
    tasks = []
    for n in range(total):
        delay = began + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        body = json.dumps(update(start_id + n)).encode()
        tasks.append(asyncio.create_task(client.post(body)))
    statuses = await asyncio.gather(*tasks)
    bad = [status for status in statuses if status != 200]
    if bad:
        raise SystemExit(f"non-200 answers during the fixed-rate run: {bad[:5]}")
    return total


async def post_burst(client: RawHttp, start_id: int, count: int, concurrency: int = 64) -> None:
    queue = iter(range(start_id, start_id + count))

    async def worker() -> None:
        for update_id in queue:
            status = await client.post(json.dumps(update(update_id)).encode())
            if status != 200:
                raise SystemExit(f"burst answer {status}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def wait_processed(db_url: str, first: int, last: int, limit_s: float = 120) -> float:
    """Seconds until every update in [first, last] is processed (polled from the database)."""
    from sqlalchemy import text

    from storage.engine import create_engine

    engine = create_engine(db_url)
    began = time.perf_counter()
    try:
        while time.perf_counter() - began < limit_s:
            async with engine.connect() as conn:
                done = (
                    await conn.execute(
                        text(
                            "SELECT count(*) FROM inbound_updates WHERE processed_at IS NOT NULL "
                            "AND CAST(update_id AS INTEGER) BETWEEN :a AND :b"
                        ),
                        {"a": first, "b": last},
                    )
                ).scalar_one()
            if done >= last - first + 1:
                return time.perf_counter() - began
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    raise SystemExit("updates were not all processed in time")


async def latencies(db_url: str, first: int, last: int) -> list[float]:
    from sqlalchemy import text

    from storage.engine import create_engine

    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT i.update_id, i.received_at, o.created_at FROM inbound_updates i "
                        "JOIN outbox o ON o.dedupe_key = 'telegram:' || i.update_id || ':reply:1' "
                        "WHERE CAST(i.update_id AS INTEGER) BETWEEN :a AND :b"
                    ),
                    {"a": first, "b": last},
                )
            ).all()
    finally:
        await engine.dispose()
    from datetime import datetime

    def as_dt(value: object) -> datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))

    return [(as_dt(c) - as_dt(r)).total_seconds() * 1000 for _, r, c in rows]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_driver(
    driver: str, args: argparse.Namespace, api: FakeTelegramAPI
) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{driver}-"))
    db_url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    port = free_port()
    secret = "bench-secret"
    env = {
        **os.environ,
        "GUANJIA_DATABASE_URL": db_url,
        "GUANJIA_TELEGRAM_TOKEN": TOKEN,
        "GUANJIA_TELEGRAM_API_URL": api.base_url,
        "GUANJIA_TELEGRAM_DRIVER": driver,
        "GUANJIA_TELEGRAM_WEBHOOK_SECRET": secret,
        "GUANJIA_RUN_DISPATCHER": "false",
        "GUANJIA_RUN_SCHEDULER": "false",
        "GUANJIA_LOG_LEVEL": "WARNING",
        "GUANJIA_PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    if args.database_url:
        from sqlalchemy import text

        from storage.engine import create_engine

        engine = create_engine(db_url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    prepare_database(db_url, env)
    log_path = workdir / "server.log"
    log_file = log_path.open("wb")
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, before any load
        [sys.executable, "-m", "webhooks.cli", "serve"], env=env, cwd=ROOT,
        stdout=log_file, stderr=log_file,
    )  # fmt: skip
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    try:
        async with httpx.AsyncClient(timeout=30) as probe:
            for _ in range(200):
                try:
                    if (await probe.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise SystemExit(f"server did not start; see {log_path}")

        async def phase(post: Callable[[RawHttp], Awaitable[object]]) -> None:
            # fresh connections per phase: uvicorn closes keep-alive connections idle for 5 s
            client = RawHttp(port, "/webhooks/telegram", headers, connections=64)
            await client.open()
            try:
                await post(client)
            finally:
                await client.close()

        await phase(lambda client: post_burst(client, 1, 200))  # warm-up
        await wait_processed(db_url, 1, 200)
        first, count = 1000, int(args.rate * args.seconds)
        await phase(lambda client: post_at_rate(client, first, args.rate, args.seconds))
        await wait_processed(db_url, first, first + count - 1)
        lat = await latencies(db_url, first, first + count - 1)
        burst_first = 100_000
        began = time.perf_counter()
        await phase(lambda client: post_burst(client, burst_first, args.burst))
        await wait_processed(db_url, burst_first, burst_first + args.burst - 1)
        throughput = args.burst / (time.perf_counter() - began)
        rss, peak = memory_of(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log_file.close()
        print(f"[{driver}] server log: {log_path}", file=sys.stderr)
    return {
        "throughput": throughput,
        "p50": statistics.median(lat),
        "p99": pct(lat, 0.99),
        "p999": pct(lat, 0.999),
        "samples": len(lat),
        "rss": rss,
        "peak": peak,
    }


def python_speed() -> float:
    """Millions of pure-Python loop steps per second on this machine right now: printed with
    the results, because a shared machine's speed moves by ±25 % from one run to the next."""
    began, total = time.process_time(), 0
    for step in range(5_000_000):
        total += step
    return 5.0 / (time.process_time() - began)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", nargs="+", default=["aiogram", "ptb"])
    parser.add_argument("--rate", type=float, default=200.0, help="fixed rate, updates/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="fixed-rate duration")
    parser.add_argument("--burst", type=int, default=3000, help="updates in the full-speed run")
    parser.add_argument("--database-url", help="e.g. postgresql://postgres@127.0.0.1/test")
    args = parser.parse_args()
    random.seed(7)
    speed_before = python_speed()
    results = {}
    async with FakeTelegramAPI(token=TOKEN) as api:
        for driver in args.drivers:
            results[driver] = await run_driver(driver, args, api)
    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nwebhook benchmark — {db}, one server process, {os.cpu_count()} cores")
    print(f"fixed rate {args.rate:.0f} updates/s for {args.seconds:.0f} s; burst {args.burst}")
    speed = f"{speed_before:.1f} before, {python_speed():.1f} after"
    print(f"machine speed: {speed} million Python loop steps/s (compare runs by this)")
    header = f"{'':34}" + "".join(f"{d:>14}" for d in results)
    print(header)
    rows = [
        ("updates/s handled (full speed)", "throughput", "{:14.0f}"),
        ("receipt→outbox p50 (ms)", "p50", "{:14.1f}"),
        ("receipt→outbox p99 (ms)", "p99", "{:14.1f}"),
        ("receipt→outbox p99.9 (ms)", "p999", "{:14.1f}"),
        ("latency samples", "samples", "{:14.0f}"),
        ("server RSS after run (MiB)", "rss", "{:14.0f}"),
        ("server peak RSS (MiB)", "peak", "{:14.0f}"),
    ]
    for label, key, fmt in rows:
        print(f"{label:34}" + "".join(fmt.format(results[d][key]) for d in results))


if __name__ == "__main__":
    asyncio.run(main())
