"""The ``guanjia`` CLI as an operator uses it: exit codes, one-line errors, idempotent loads."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.engine import create_engine
from tests.storage.test_estate_load import snapshot
from webhooks.cli import build_parser, main


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    monkeypatch.setenv("GUANJIA_DATABASE_URL", db_url)
    monkeypatch.delenv("GUANJIA_ESTATE", raising=False)
    return db_url


def take_snapshot(url: str) -> dict[str, object]:
    async def run() -> dict[str, object]:
        engine = create_engine(url)
        try:
            return dict(await snapshot(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_upgrade_then_load_twice_leaves_identical_data(use_db, examples, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    first = take_snapshot(use_db)
    assert main(["db", "upgrade"]) == 0
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    assert take_snapshot(use_db) == first
    out = capsys.readouterr().out
    assert "created nothing; updated nothing" in out


def test_imports_report_and_are_idempotent(use_db, examples, capsys):
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    assert main(["residents", "import", str(examples / "residents.csv")]) == 0
    assert main(["residents", "import", str(examples / "residents.csv")]) == 0
    assert main(["bills", "import", str(examples / "bills.csv")]) == 0
    assert main(["bills", "import", str(examples / "bills.csv")]) == 0
    out = capsys.readouterr().out
    assert "10 rows: 10 created" in out and "10 rows: 0 created, 0 updated, 10 unchanged" in out
    assert "124 rows: 124 created" in out and "124 unchanged" in out


def test_bad_estate_file_exits_2_and_names_the_field(use_db, examples, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = (examples / "demo-estate.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('units: ["1-1-1502"]', 'units: ["1-1-9902"]'), encoding="utf-8")
    assert main(["estate", "load", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: residents[0].units[0]: unit 1-1-9902: no room '9902'" in err
    assert all(not rows for rows in take_snapshot(use_db).values())


def test_imports_before_any_estate_say_what_to_do(use_db, examples, capsys):
    assert main(["bills", "import", str(examples / "bills.csv")]) == 2
    assert "load one with `guanjia estate load" in capsys.readouterr().err


def test_missing_csv_column_is_a_clear_error(use_db, examples, tmp_path, capsys):
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    bad = tmp_path / "r.csv"
    bad.write_text("name,unit\n张三,1-1-101\n", encoding="utf-8")
    assert main(["residents", "import", str(bad)]) == 2
    assert "missing column(s) phone" in capsys.readouterr().err


def test_residents_import_rejects_rows_with_reasons(use_db, examples, tmp_path, capsys):
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    data = (
        "name,phone,role,unit,telegram_id\n"
        "王五,13800000001,owner,1-1-101,\n"
        "赵六,not-a-phone,owner,1-1-102,\n"
        "钱七,13800000003,boss,1-1-102,\n"
        "孙八,13800000004,tenant,8-8-808,\n"
        "王五,13800000001,owner,1-1-101,\n"
    )
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(data.encode("gbk"))
    assert main(["residents", "import", str(gbk), "--all-or-nothing"]) == 2
    out = capsys.readouterr().out
    assert "nothing was imported" in out and "GBK" in out
    assert "line 3, column phone" in out and "line 4, column role" in out
    assert "line 5, column unit: no unit 8-8-808" in out and "line 6: duplicate of line 2" in out
    assert main(["residents", "import", str(gbk)]) == 2
    assert "1 created" in capsys.readouterr().out


def test_every_command_has_help():
    parser = build_parser()
    commands = [
        ["db", "upgrade"],
        ["db", "current"],
        ["estate", "load"],
        ["residents", "import"],
        ["bills", "import"],
        ["serve"],
    ]
    for words in commands:
        with pytest.raises(SystemExit) as done:
            parser.parse_args([*words, "--help"])
        assert done.value.code == 0


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "webhooks.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_unreachable_database_is_one_clear_line():
    done = run_cli(
        "db", "upgrade", env={"GUANJIA_DATABASE_URL": "postgresql://u:secret@127.0.0.1:9/x"}
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("guanjia: cannot reach the database at postgresql+asyncpg://u:***@")
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


def test_not_a_database_url_is_one_clear_line():
    done = run_cli("db", "current", env={"GUANJIA_DATABASE_URL": "mysql://x@y/z"})
    assert done.returncode == 1 and "unsupported database 'mysql'" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_refuses_an_unmigrated_database(tmp_path):
    done = run_cli("serve", env={"GUANJIA_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    assert done.returncode == 1 and "run `guanjia db upgrade` first" in done.stderr


def test_timers_run_due_at_a_given_time_fires_what_the_scheduler_would(use_db, examples, capsys):
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    assert main(["timers", "run-due", "--at", "2026-11-24T08:59:00+08:00"]) == 0
    assert "0 fired" in capsys.readouterr().out  # seeds the 09:00 reports, fires nothing yet
    assert main(["timers", "run-due", "--at", "2026-11-24T09:01:00+08:00"]) == 0
    out = capsys.readouterr().out
    fired = int(out.split("timers: ", 1)[1].split(" fired", 1)[0])
    assert fired >= 2  # the steward digest and the night handover slots of 09:00
    assert main(["timers", "run-due", "--at", "2026-11-24T09:01:00+08:00"]) == 0
    assert "0 fired" in capsys.readouterr().out  # once each


def test_timers_run_due_rejects_a_bad_time(use_db, capsys):
    assert main(["timers", "run-due", "--at", "yesterday"]) == 2
    assert "not an ISO date-time" in capsys.readouterr().err


def test_serve_demo_answers_on_the_port_it_was_given_and_logs_that_port(tmp_path):
    """The README's run command, in a process of its own: demo estate loaded, ready, and the
    start-up line shows the settings actually in force (the --port given, not the default)."""
    import socket
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "GUANJIA_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    env.pop("GUANJIA_TELEGRAM_TOKEN", None)  # no token: the web chat alone
    server = subprocess.Popen(
        [sys.executable, "-m", "webhooks.cli", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        ready = None
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and server.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert ready == {"status": "ready", "database": "ok"}
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "demo estate lanting" in output and "serving the web chat only" in output
    started = next(line for line in output.splitlines() if "guanjia started" in line)
    assert f"'port': {port}" in started, started
