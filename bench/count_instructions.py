"""Instructions per webhook update: the same figure on every run, whatever the machine is doing.

Wall-clock benchmarks on a shared 2-core machine move by ±25 % from run to run, which hides
any change smaller than that. This script counts CPU instructions instead, with valgrind's
callgrind (repeatable for the same code, inputs and hash seed): it prepares a SQLite database
like ``bench_webhook.py``, starts the services in-process with a fake Bot API on loopback,
feeds a warm-up, zeroes the counters, feeds ``--updates`` realistic updates through the
gateway (parse, record, process — everything but HTTP) and prints instructions per update.

    python bench/count_instructions.py                   # both drivers, 300 updates each
    python bench/count_instructions.py --drivers ptb --updates 500

Needs valgrind (Debian's package); about two minutes per driver.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_webhook as web  # noqa: E402


async def feed(driver: str, updates: int, db_url: str) -> None:
    """Runs under callgrind: warm up, zero the counters, feed, dump."""
    from tests.fakes.telegram_api import FakeTelegramAPI

    random.seed(7)
    async with FakeTelegramAPI(token=web.TOKEN) as api:
        os.environ.update(
            {
                "GUANJIA_DATABASE_URL": db_url,
                "GUANJIA_TELEGRAM_TOKEN": web.TOKEN,
                "GUANJIA_TELEGRAM_API_URL": api.base_url,
                "GUANJIA_TELEGRAM_DRIVER": driver,
                "GUANJIA_TELEGRAM_WEBHOOK_SECRET": "count",
                "GUANJIA_RUN_DISPATCHER": "false",
                "GUANJIA_RUN_SCHEDULER": "false",
                "GUANJIA_LOG_LEVEL": "WARNING",
            }
        )
        from webhooks.runtime import Runtime
        from webhooks.services import Services
        from webhooks.settings import Settings

        runtime = Runtime.build(Settings())
        services = await Services.start(runtime)
        gateway = services.gateway
        assert gateway is not None
        next_id = 1

        async def run(count: int) -> None:
            nonlocal next_id
            bodies = [json.dumps(web.update(next_id + n)).encode() for n in range(count)]
            next_id += count
            done = asyncio.Event()
            left = count

            def processed() -> None:
                nonlocal left
                left -= 1
                if left == 0:
                    done.set()

            gateway._on_processed = processed
            await asyncio.gather(*(gateway.accept(body) for body in bodies))
            await done.wait()

        await run(100)
        pid = str(os.getpid())
        # Blocking on purpose: the counters must be zeroed before the next update starts.
        subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)  # noqa: ASYNC221
        await run(updates)
        subprocess.run(["callgrind_control", "-d", pid], check=True, capture_output=True)  # noqa: ASYNC221
        await services.stop()
        await runtime.close()


def count(driver: str, updates: int) -> int:
    workdir = Path(tempfile.mkdtemp(prefix=f"count-{driver}-"))
    db_url = f"sqlite+aiosqlite:///{workdir / 'count.db'}"
    env = {**os.environ, "GUANJIA_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    web.prepare_database(db_url, env)
    out = workdir / "callgrind.%p"
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
         sys.executable, __file__, "--inner", driver, str(updates), db_url],
        env={**env, "PYTHONHASHSEED": "0"}, check=True, capture_output=True,
    )  # fmt: skip
    dumps = sorted(workdir.glob("callgrind.*.*"), key=lambda p: p.stat().st_size)
    for line in dumps[-1].read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            total = int(line.split()[1])
            shutil.rmtree(workdir, ignore_errors=True)
            return total // updates
    raise SystemExit(f"no totals in {dumps[-1]}")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--inner":
        asyncio.run(feed(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", nargs="+", default=["aiogram", "ptb"])
    parser.add_argument("--updates", type=int, default=300)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    print(f"instructions per update, {args.updates} updates in-process (SQLite, no HTTP)")
    for driver in args.drivers:
        print(f"{driver:10} {count(driver, args.updates):>12,}", flush=True)


if __name__ == "__main__":
    main()
