"""The hot path imports nothing: everything a chat message needs is loaded at start-up.

A module first imported by a resident's message costs that message the import (tens of ms
for the workflows behind the router) and leaves objects outside the frozen start-up heap for
every later garbage collection to scan. Run in a fresh interpreter, since this test process
has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import asyncio, json, sys
from webhooks.cli import main

url = sys.argv[1]
assert main(["db", "upgrade"]) == 0
assert main(["estate", "load", "examples/demo-estate.yaml"]) == 0

async def run():
    from bot.core.inbound import Inbound, InboundKind
    from webhooks.runtime import Runtime
    from webhooks.services import Services
    from webhooks.settings import Settings
    from workflows.estate import Platform

    runtime = Runtime.build(Settings(database_url=url, run_scheduler=False))
    services = await Services.start(runtime)
    loaded = set(sys.modules)
    said = ["你好", "快递放在哪里？", "我还欠多少物业费", "卫生间漏水了", "跳过",
            "楼上装修太吵了，天天早上七点就开始", "我的工单"]
    for n, text in enumerate(said, start=1):
        await services.handle(Inbound(
            channel=Platform.TELEGRAM, update_id=str(n), chat_id="800000001",
            user_id="800000001", kind=InboundKind.TEXT, text=text, message_id=str(n),
        ))
    await services.handle(Inbound(
        channel=Platform.TELEGRAM, update_id="99", chat_id="800000001",
        user_id="800000001", kind=InboundKind.COMMAND, command="my", message_id="99",
    ))
    new = sorted(set(sys.modules) - loaded)
    await services.stop()
    await runtime.close()
    print(json.dumps(new))

asyncio.run(run())
"""


def test_chat_messages_import_no_module(tmp_path):
    env_url = f"sqlite:///{tmp_path / 'hot.db'}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, env_url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"GUANJIA_DATABASE_URL": env_url, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert imported == [], f"imported while handling messages: {imported}"
