"""Reading the spreadsheets an office already keeps: encoding, header, and per-line reports.

Offices export from Excel in GBK as often as in UTF-8; the file is decoded as UTF-8 first and as
GB18030 (a superset of GBK) second, and the report says which was used. Each bad row is reported
with its line number and reason; good rows go on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field


class CsvFileError(ValueError):
    """The file as a whole cannot be read (encoding, header): nothing was imported."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.field}" if self.field else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    encoding: str = "utf-8"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        head = (
            f"{self.rows} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected"
        )
        if not self.committed:
            head += " — nothing was imported"
        lines = [head, *self.notes]
        lines += [f"  rejected {error}" for error in self.rejected]
        return "\n".join(lines)


def start_report(encoding: str, *, rows: int, rejected: list[RowError]) -> ImportReport:
    """A report for a parsed file, saying so when it was read as GBK."""
    report = ImportReport(encoding=encoding, rows=rows, rejected=rejected)
    if encoding != "utf-8":
        report.notes.append("the file was GBK-encoded and was read as such")
    return report


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise CsvFileError(
            "the file is neither UTF-8 nor GBK text; save it from the spreadsheet as "
            "'CSV UTF-8' and import again"
        ) from None


def read_rows(
    data: bytes, *, required: Sequence[str], optional: Sequence[str] = ()
) -> tuple[Iterator[tuple[int, dict[str, str]]], str]:
    """Rows as (line number, cleaned dict) after checking the header names every column."""
    text, encoding = decode(data)
    if "\x00" in text:
        raise CsvFileError("the file contains NUL bytes; it is not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise CsvFileError("the file is empty; the first line must name the columns") from None
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvFileError(
            f"missing column(s) {', '.join(missing)}; the header must be "
            f"{','.join([*required, *optional])}"
        )
    unknown = [name for name in header if name and name not in (*required, *optional)]
    if unknown:
        raise CsvFileError(f"unknown column(s) {', '.join(unknown)}")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            padded = values + [""] * (len(header) - len(values))
            yield line, {name: padded[index].strip() for index, name in enumerate(header) if name}

    return rows(), encoding
