"""What each CLI command does; imported only after the arguments parse."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from storage.engine import DatabaseUnavailable, check_connection, create_engine, safe_url
from storage.estate_sync import SyncReport
from webhooks.settings import Settings, load_settings

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWorkFactory
    from workflows.estate import Estate

log = logging.getLogger("guanjia.cli")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class CommandError(Exception):
    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def run_command(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except Exception as exc:  # pydantic's ValidationError; keep the message, drop the trace
        print(f"guanjia: invalid configuration: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from webhooks.logs import configure_logging

    configure_logging(settings.log_level)
    handlers: dict[tuple[str, str | None], Callable[[], int]] = {
        ("db", "upgrade"): lambda: db_upgrade(settings),
        ("db", "current"): lambda: asyncio.run(db_current(settings)),
        ("estate", "load"): lambda: asyncio.run(estate_load(settings, args)),
        ("residents", "import"): lambda: asyncio.run(residents_import(settings, args)),
        ("bills", "import"): lambda: asyncio.run(bills_import(settings, args)),
        ("payments", "import"): lambda: asyncio.run(payments_import(settings, args)),
        ("arrears", "export"): lambda: arrears_export(settings, args),
        ("serve", None): lambda: serve(settings, args),
        ("poll", None): lambda: poll(settings),
        ("timers", "run-due"): lambda: asyncio.run(timers_run_due(settings, args)),
    }
    handler = handlers[(args.command, getattr(args, "action", None))]
    try:
        return int(handler())
    except DatabaseUnavailable as exc:
        print(f"guanjia: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except CommandError as exc:
        print(f"guanjia: {exc}", file=sys.stderr)
        return exc.code


def db_upgrade(settings: Settings) -> int:
    from storage.migrate import upgrade

    asyncio.run(_require_connection(settings))
    upgrade(settings.database_url)
    print(f"database {safe_url(settings.database_url)} is at the latest schema")
    return EXIT_OK


async def _require_connection(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine)
    finally:
        await engine.dispose()


async def db_current(settings: Settings) -> int:
    from storage.migrate import current_revision, head_revision

    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine)
        current = await current_revision(engine)
    finally:
        await engine.dispose()
    head = head_revision()
    state = "up to date" if current == head else f"behind (latest is {head})"
    print(f"{current or 'not migrated'} — {state}")
    return EXIT_OK


async def _require_schema(engine: object) -> None:
    from storage.migrate import current_revision, head_revision

    if await current_revision(engine) != head_revision():
        raise CommandError(
            "the database schema is not up to date: run `guanjia db upgrade` first", EXIT_FAILED
        )


async def estate_load(settings: Settings, args: argparse.Namespace) -> int:
    from storage.estate_file import EstateFileError, read_estate_file

    try:
        spec = read_estate_file(Path(args.file))
    except EstateFileError as exc:
        raise CommandError(str(exc)) from None
    if args.check:
        print(f"{args.file}: valid estate {spec.estate.code} ({spec.estate.name})")
        return EXIT_OK
    report = await load_estate_spec(settings, spec)
    created = ", ".join(f"{n} {k}" for k, n in sorted(report.created.items())) or "nothing"
    updated = ", ".join(f"{n} {k}" for k, n in sorted(report.updated.items())) or "nothing"
    print(f"estate {spec.estate.code} loaded: created {created}; updated {updated}")
    return EXIT_OK


async def load_estate_spec(settings: Settings, spec: object) -> SyncReport:
    from storage.engine import session_factory
    from storage.estate_file import EstateFile
    from storage.estate_sync import sync_estate
    from workflows.clock import SystemClock

    assert isinstance(spec, EstateFile)
    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine)
        await _require_schema(engine)
        async with session_factory(engine)() as session, session.begin():
            _, report = await sync_estate(session, spec, now=SystemClock().now())
        return report
    finally:
        await engine.dispose()


async def _estate_id(session: object, settings: Settings, code: str | None) -> tuple[int, str]:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.schema import EstateRow

    assert isinstance(session, AsyncSession)
    wanted = code or settings.estate
    rows = list(await session.execute(select(EstateRow.id, EstateRow.code)))
    if wanted:
        for estate_id, estate_code in rows:
            if estate_code == wanted:
                return estate_id, estate_code
        raise CommandError(f"no estate {wanted!r}; load it with `guanjia estate load` first")
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise CommandError("no estate yet; load one with `guanjia estate load FILE.yaml`")
    codes = ", ".join(c for _, c in rows)
    raise CommandError(f"several estates ({codes}): choose one with --estate")


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror})") from None


async def residents_import(settings: Settings, args: argparse.Namespace) -> int:
    from storage.engine import session_factory
    from storage.resident_import import import_residents
    from workflows.clock import SystemClock
    from workflows.csv_import import CsvFileError

    data = _read_bytes(args.file)
    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine)
        await _require_schema(engine)
        async with session_factory(engine)() as session:
            estate_id, _ = await _estate_id(session, settings, args.estate)
            try:
                report = await import_residents(
                    session,
                    estate_id=estate_id,
                    data=data,
                    now=SystemClock().now(),
                    all_or_nothing=args.all_or_nothing,
                )
            except CsvFileError as exc:
                raise CommandError(f"{args.file}: {exc}") from None
            if report.committed:
                await session.commit()
            else:
                await session.rollback()
    finally:
        await engine.dispose()
    return _print_report(args.file, report)


def _print_report(path: str, report: object) -> int:
    from workflows.csv_import import ImportReport

    assert isinstance(report, ImportReport)
    print(f"{path}: {report.summary()}")
    return EXIT_OK if not report.rejected else EXIT_BAD_INPUT


@asynccontextmanager
async def estate_session(
    settings: Settings, estate_code: str | None
) -> AsyncIterator[tuple[SqlUnitOfWorkFactory, Estate]]:
    """A checked, migrated database and the estate a command works on; disposed afterwards."""
    from storage.uow import SqlUnitOfWorkFactory

    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine)
        await _require_schema(engine)
        uow = SqlUnitOfWorkFactory(engine)
        async with uow() as tx:
            estate_id, _ = await _estate_id(tx.session, settings, estate_code)
            estate = await tx.directory.estate(estate_id)
        assert estate is not None
        yield uow, estate
    finally:
        await engine.dispose()


async def _run_import(path: str, run: Callable[[bytes], Awaitable[object]]) -> int:
    """Read the file, run the import, and turn a file-level problem into one clear line."""
    from workflows.csv_import import CsvFileError

    data = _read_bytes(path)
    try:
        report = await run(data)
    except CsvFileError as exc:
        raise CommandError(f"{path}: {exc}") from None
    return _print_report(path, report)


async def bills_import(settings: Settings, args: argparse.Namespace) -> int:
    from workflows.bill_import import import_bills
    from workflows.clock import SystemClock

    async with estate_session(settings, args.estate) as (uow, estate):
        return await _run_import(
            args.file,
            lambda data: import_bills(
                uow, estate_id=estate.id, data=data, now=SystemClock().now(),
                tz=ZoneInfo(estate.timezone), all_or_nothing=args.all_or_nothing,
            ),
        )  # fmt: skip


async def payments_import(settings: Settings, args: argparse.Namespace) -> int:
    from workflows.clock import SystemClock
    from workflows.fee_payments import import_payments

    async with estate_session(settings, args.estate) as (uow, estate):
        return await _run_import(
            args.file,
            lambda data: import_payments(
                uow, estate_id=estate.id, data=data, now=SystemClock().now(),
                all_or_nothing=args.all_or_nothing,
            ),
        )  # fmt: skip


def arrears_export(settings: Settings, args: argparse.Namespace) -> int:
    text, summary = asyncio.run(_arrears_csv(settings, args))
    try:
        Path(args.file).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{args.file}: cannot write the file ({exc.strerror})") from None
    print(f"{args.file}: {summary}")
    return EXIT_OK


async def _arrears_csv(settings: Settings, args: argparse.Namespace) -> tuple[str, str]:
    """The report as CSV text (no names), and a one-line summary of what it covers."""
    from storage.uow import SqlUnitOfWorkFactory
    from workflows.clock import SystemClock
    from workflows.fee_report import build_report, report_csv
    from workflows.fee_rules import local_today

    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine)
        await _require_schema(engine)
        uow = SqlUnitOfWorkFactory(engine)
        async with uow() as tx:
            estate_id, _ = await _estate_id(tx.session, settings, args.estate)
            estate = await tx.directory.estate(estate_id)
            assert estate is not None
            now = report_moment(args.at, estate.timezone) if args.at else SystemClock().now()
            placed = await tx.bills.for_estate(estate_id)
    finally:
        await engine.dispose()
    report = build_report(estate.name, placed, today=local_today(estate, now), now=now)
    return report_csv(report), f"arrears report of {estate.code} as of {report.today.isoformat()}"


def report_moment(text: str, tz: str) -> datetime:
    """``--at 2026-11-30`` means the end of that local day; a full ISO time is taken as is."""
    from datetime import date, time, timedelta

    try:
        day = date.fromisoformat(text)
    except ValueError:
        return parse_instant(text, tz)
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz)) - timedelta(
        microseconds=1
    )


def demo_estate_path() -> Path:
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        candidate = base / "examples" / "demo-estate.yaml"
        if candidate.is_file():
            return candidate
    raise CommandError("examples/demo-estate.yaml not found; run from the repository")


async def _load_demo(settings: Settings) -> None:
    from storage.estate_file import read_estate_file
    from storage.uow import SqlUnitOfWorkFactory
    from workflows.bill_import import import_bills
    from workflows.clock import SystemClock

    path = demo_estate_path()
    spec = read_estate_file(path)
    engine = create_engine(settings.database_url)
    try:
        uow = SqlUnitOfWorkFactory(engine)
        async with uow() as tx:
            present = await tx.directory.estate_by_code(spec.estate.code)
        if present is not None:
            print(f"demo estate {spec.estate.code} already loaded")
            return
    finally:
        await engine.dispose()
    await load_estate_spec(settings, spec)
    bills = path.with_name("bills.csv")
    engine = create_engine(settings.database_url)
    try:
        uow = SqlUnitOfWorkFactory(engine)
        async with uow() as tx:
            estate = await tx.directory.estate_by_code(spec.estate.code)
        assert estate is not None
        if bills.is_file():
            await import_bills(
                uow,
                estate_id=estate.id,
                data=bills.read_bytes(),
                now=SystemClock().now(),
                tz=ZoneInfo(estate.timezone),
            )
    finally:
        await engine.dispose()
    print(f"demo estate {spec.estate.code} ({spec.estate.name}) loaded")


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from webhooks.app import create_app

    if args.no_scheduler:
        settings = settings.model_copy(update={"run_scheduler": False})
    if args.demo:
        settings = settings.model_copy(update={"demo": True})
        db_upgrade(settings)
        asyncio.run(_load_demo(settings))
    else:
        asyncio.run(_check_ready(settings))
    host = args.host or settings.host
    port = args.port or settings.port
    settings = settings.model_copy(update={"host": host, "port": port})  # as logged at start-up
    print(f"guanjia serving on http://{host}:{port}/ (database {safe_url(settings.database_url)})")
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=3,  # open web-chat streams must not hold up a restart
    )
    return EXIT_OK


async def _check_ready(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine)
        await _require_schema(engine)
    finally:
        await engine.dispose()


def poll(settings: Settings) -> int:
    if settings.telegram_token is None:
        raise CommandError("polling needs GUANJIA_TELEGRAM_TOKEN")
    asyncio.run(_check_ready(settings))
    print(f"guanjia polling Telegram with the {settings.telegram_driver} driver (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_poll(settings))
    return EXIT_OK


async def _poll(settings: Settings) -> None:
    from webhooks.runtime import Runtime
    from webhooks.services import Services

    runtime = Runtime.build(settings)
    services = await Services.start(runtime, polling=True)
    loop = asyncio.get_running_loop()
    try:
        assert services.telegram is not None
        await services.telegram.delete_webhook()
        polling = asyncio.create_task(services.telegram.run_polling())
        for signum in (signal.SIGTERM, signal.SIGINT):  # stop cleanly under systemd or Ctrl-C
            loop.add_signal_handler(signum, polling.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await polling
    finally:
        await services.stop()
        await runtime.close()
    print("guanjia polling stopped")


def parse_instant(text: str, tz: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at {text!r} is not an ISO date-time") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo(tz))


async def timers_run_due(settings: Settings, args: argparse.Namespace) -> int:
    from webhooks.runtime import Runtime
    from webhooks.scheduler import sweep

    at = parse_instant(args.at, settings.timezone) if args.at else None
    await _check_ready(settings)
    runtime = Runtime.build(settings)
    try:
        report = await sweep(runtime, at=at)
    finally:
        await runtime.close()
    print(
        f"timers: {len(report.fired)} fired, {len(report.failed)} failed, "
        f"{len(report.unknown)} of unknown kind"
    )
    for key in report.failed + report.unknown:
        print(f"  not fired: {key}")
    return EXIT_OK if not (report.failed or report.unknown) else EXIT_FAILED
