"""The ``guanjia`` command line: thin argument parsing, lazy imports, clear exit codes.

Exit codes: 0 done, 1 the environment failed (database unreachable), 2 bad input (a file, a
field, an argument). Heavy modules are imported only by the command that needs them, so
``guanjia classify`` starts without loading the web stack or the database driver.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guanjia",
        description="guanjia (管家): a chatbot front door for residential property management.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    db = sub.add_parser("db", help="database schema migrations")
    db_sub = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="migrate the database to the latest schema (safe to repeat)")
    db_sub.add_parser("current", help="print the schema revision the database is at")

    estate = sub.add_parser("estate", help="estate data from a YAML file")
    estate_sub = estate.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = estate_sub.add_parser(
        "load", help="create or update an estate from FILE.yaml in one transaction"
    )
    load.add_argument("file", help="estate YAML file (schema in the README)")
    load.add_argument("--check", action="store_true", help="validate the file only; write nothing")

    for name, what in (
        ("residents", "residents"),
        ("bills", "bills"),
        ("payments", "payments (unit,item,period,paid_at[,amount]) marking bills paid"),
    ):
        group = sub.add_parser(name, help=f"{what} from the office's spreadsheet")
        group_sub = group.add_subparsers(dest="action", metavar="ACTION", required=True)
        imp = group_sub.add_parser("import", help=f"import {what} from FILE.csv (idempotent)")
        imp.add_argument("file", help="CSV file, UTF-8 or GBK (columns in the README)")
        imp.add_argument(
            "--estate", help="estate code (default: the only estate, or GUANJIA_ESTATE)"
        )
        imp.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="import nothing if any row is rejected",
        )

    arrears = sub.add_parser("arrears", help="fee collection and arrears figures")
    arrears_sub = arrears.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = arrears_sub.add_parser(
        "export", help="write collection rates and arrears by age to FILE.csv (no names)"
    )
    export.add_argument("file", help="CSV file to write")
    export.add_argument(
        "--estate", help="estate code (default: the only estate, or GUANJIA_ESTATE)"
    )
    export.add_argument("--at", help="report as of this date, e.g. 2026-11-30 (default: today)")

    serve = sub.add_parser("serve", help="run the web service (FastAPI under uvicorn)")
    serve.add_argument("--host", help="listen address (default GUANJIA_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default GUANJIA_PORT or 8000)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="migrate the database and load the demo estate if it is not there yet",
    )

    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not sweep timers in this process (extra replicas; use system cron instead)",
    )

    sub.add_parser(
        "poll",
        help="run the Telegram bot by long polling (no public URL needed; needs a token)",
    )

    timers = sub.add_parser("timers", help="durable timers (callbacks, escalations, reminders)")
    timers_sub = timers.add_subparsers(dest="action", metavar="ACTION", required=True)
    run_due = timers_sub.add_parser(
        "run-due", help="fire every timer due now (or at --at), exactly as the scheduler does"
    )
    run_due.add_argument(
        "--at", help="ISO time to run as, e.g. 2026-11-24T09:00+08:00 (default: now)"
    )

    sub.add_parser(
        "classify",
        help="classify messages from standard input as JSON lines (see `guanjia classify --help`)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["classify"]:
        from intents.cli import main as classify_main

        return int(classify_main(args_list[1:]))
    args = build_parser().parse_args(args_list)
    from webhooks.commands import run_command

    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
