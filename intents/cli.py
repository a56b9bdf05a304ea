"""`guanjia classify`: one JSON object per input line, or an evaluation report with --eval.

Reads UTF-8 messages from standard input, one per line, and writes one JSON object per line in
the same order (ensure_ascii=False), flushing after each so a pipe sees answers as they come.
Input is decoded line by line and strictly: a line that is not valid UTF-8 is reported on
standard error as `guanjia classify: line N is not valid UTF-8 (...)`, stands as
{"line": N, "error": "invalid UTF-8", "text": null, "intent": "other", "confidence": 0.0, ...}
in the output, the following lines are still classified, and the exit status is 2 at the end.
A UTF-8 byte order mark before the first line is dropped.
`--now ISO` fixes the reference time for relative expressions (naive times are Asia/Shanghai).
`--eval FILE.tsv` prints accuracy, macro-F1, per-label P/R/F1, repair-urgency accuracy, emergency
recall and a confusion matrix instead. Exit status 2 with a message on standard error for a bad
--now or a missing or broken eval file. Only what classification needs is imported here, so the
cold start stays short.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, NoReturn, TextIO

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


def invalid_line_object(number: int) -> dict[str, object]:
    """The stand-in written for a line that is not valid UTF-8: keeps the order, guesses nothing."""
    return {
        "line": number,
        "error": "invalid UTF-8",
        "text": None,
        "intent": "other",
        "confidence": 0.0,
        "urgency": None,
        "entities": {"unit": None, "phone": None, "plate": None, "time": None},
    }


def _decode_error(exc: UnicodeDecodeError) -> str:
    bad = exc.object[exc.start : exc.end]
    return f"{exc.reason}: 0x{bad.hex()} at byte {exc.start + 1}"


def input_lines(source: Iterable[str | bytes]) -> Iterator[str | UnicodeDecodeError]:
    """Messages of an input stream, one per line, or the decoding error of a line.

    Bytes are decoded line by line, strictly: a line that is not valid UTF-8 gives its
    UnicodeDecodeError instead of a repaired guess, and the lines after it are still read.
    Line ends are those of Python's universal newlines ("\n", "\r\n" or a lone "\r"), and a
    UTF-8 byte order mark at the start of the input is dropped. Text streams (already decoded,
    as tests pass them) only lose their line end.
    """
    first = True
    for chunk in source:
        if isinstance(chunk, str):
            yield chunk.rstrip("\r\n")
            continue
        if chunk.endswith(b"\n"):
            chunk = chunk[:-1]
        if chunk.endswith(b"\r"):
            chunk = chunk[:-1]
        if first and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        first = False
        for raw in chunk.split(b"\r") if b"\r" in chunk else (chunk,):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield exc


def run_classify(
    now: datetime | None,
    stdin: Iterable[str | bytes],
    stdout: TextIO,
    stderr: TextIO | None = None,
) -> int:
    from intents import load_classifier

    err = stderr if stderr is not None else sys.stderr
    classifier = load_classifier()
    status = 0
    for number, line in enumerate(input_lines(stdin), start=1):
        if isinstance(line, UnicodeDecodeError):
            err.write(
                f"guanjia classify: line {number} is not valid UTF-8 ({_decode_error(line)})\n"
            )
            err.flush()
            payload = invalid_line_object(number)
            status = 2
        else:
            payload = classifier.classify(line, now).to_json()
        stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        stdout.flush()
    return status


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
    argv: list[str] | None = None,
    stdin: TextIO | BinaryIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Entry point of `guanjia classify` (argv without the sub-command).

    `stdin` may be a binary stream (decoded here, line by line) or an already decoded text
    stream; by default the bytes of standard input.
    """
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
    source: TextIO | BinaryIO = stdin if stdin is not None else _stdin()
    return run_classify(now, source, out, err)


def _stdin() -> TextIO | BinaryIO:
    """The bytes of standard input (decoded per line by run_classify, whatever the locale)."""
    buffer: BinaryIO | None = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else sys.stdin


if __name__ == "__main__":
    raise SystemExit(main())
