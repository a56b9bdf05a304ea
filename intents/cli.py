"""`guanjia classify`: one JSON object per input line, or an evaluation report with --eval.

Reads UTF-8 messages from standard input, one per line, and writes one JSON object per line in
the same order (ensure_ascii=False), flushing after each so a pipe sees answers as they come.
`--now ISO` fixes the reference time for relative expressions (naive times are Asia/Shanghai).
`--eval FILE.tsv` prints accuracy, macro-F1, per-label P/R/F1, repair-urgency accuracy, emergency
recall and a confusion matrix instead. Exit status 2 with a message on standard error for a bad
--now or a missing or broken eval file. Only what classification needs is imported here, so the
cold start stays short.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import NoReturn, TextIO

from intents.times import SHANGHAI


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit status and streams."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parser() -> _Parser:
    parser = _Parser(prog="guanjia classify", description="Classify resident messages.")
    parser.add_argument("--now", help="reference time, ISO-8601 (default: the clock)")
    parser.add_argument("--eval", dest="eval_file", type=Path, help="TSV: intent, urgency, text")
    return parser


def parse_now(value: str | None) -> datetime | None:
    """The --now value as an aware datetime (Asia/Shanghai if it carries no offset)."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=SHANGHAI)


def run_classify(now: datetime | None, stdin: TextIO, stdout: TextIO) -> int:
    from intents import load_classifier

    classifier = load_classifier()
    for line in stdin:
        text = line.rstrip("\r\n")
        result = classifier.classify(text, now)
        stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def run_eval(path: Path, now: datetime | None, stdout: TextIO, stderr: TextIO) -> int:
    from intents import load_classifier
    from intents.corpus import CorpusError, read_tsv
    from intents.evaluation import evaluate, format_text

    try:
        examples, _ = read_tsv(path, strict=True)
    except CorpusError as exc:
        stderr.write(f"guanjia classify: --eval: {exc}\n")
        return 2
    classifier = load_classifier()
    gold: list[tuple[str, str]] = []
    predicted: list[tuple[str, str]] = []
    for ex in examples:
        result = classifier.classify(ex.text, now)
        gold.append((ex.intent, ex.urgency))
        predicted.append((result.intent.value, result.urgency.value if result.urgency else ""))
    stdout.write(format_text(evaluate(gold, predicted)))
    return 0


def main(
    argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Entry point of `guanjia classify` (argv without the sub-command)."""
    out = stdout if stdout is not None else sys.stdout
    err = sys.stderr
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except _UsageError as exc:
        err.write(f"guanjia classify: {exc}\n")
        return 2
    try:
        now = parse_now(args.now)
    except ValueError:
        err.write(f"guanjia classify: --now: not an ISO-8601 date-time: {args.now!r}\n")
        return 2
    if args.eval_file is not None:
        return run_eval(args.eval_file, now, out, err)
    source = stdin if stdin is not None else _stdin()
    return run_classify(now, source, out)


def _stdin() -> TextIO:
    """Standard input decoded as UTF-8 whatever the locale; undecodable bytes are replaced."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace", newline=None)


if __name__ == "__main__":
    raise SystemExit(main())
