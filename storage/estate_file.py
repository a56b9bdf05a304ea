"""The whole estate file, its cross-reference checks, and readable error messages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError, model_validator

from storage.estate_schema import (
    UNIT_LABEL,
    BuildingSpec,
    EstateInfo,
    FaqSpec,
    ResidentSpec,
    StaffGroupSpec,
    StaffSpec,
    Strict,
)


class EstateFileError(ValueError):
    """The estate file cannot be loaded; ``str()`` names the file and each bad field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def room_numbers(building: BuildingSpec) -> dict[str, set[str]]:
    """Rooms per entrance: generated floor×100+n, plus explicit overrides."""
    rooms: dict[str, set[str]] = {}
    for entrance in building.entrances:
        generated = {
            f"{floor * 100 + n}"
            for floor in range(1, building.floors + 1)
            for n in range(1, entrance.units_per_floor + 1)
        }
        rooms[entrance.code] = generated | {unit.room for unit in entrance.units}
    return rooms


class EstateFile(Strict):
    estate: EstateInfo
    buildings: list[BuildingSpec] = []
    staff: list[StaffSpec] = []
    staff_groups: list[StaffGroupSpec] = []
    residents: list[ResidentSpec] = []
    faq: list[FaqSpec] = []

    @model_validator(mode="after")
    def _cross_references(self) -> EstateFile:
        problems: list[str] = []
        for dup in _duplicates(b.code for b in self.buildings):
            problems.append(f"buildings: building code {dup!r} appears more than once")
        for index, building in enumerate(self.buildings):
            for dup in _duplicates(e.code for e in building.entrances):
                problems.append(f"buildings[{index}].entrances: duplicate entrance {dup!r}")
            for e_index, entrance in enumerate(building.entrances):
                for dup in _duplicates(u.room for u in entrance.units):
                    problems.append(
                        f"buildings[{index}].entrances[{e_index}].units: duplicate unit {dup!r}"
                    )
        tokens = [b.deep_link_token for b in self.buildings if b.deep_link_token]
        for dup in _duplicates(tokens):
            problems.append(f"buildings: deep_link_token {dup!r} is used twice")
        rooms = {b.code: room_numbers(b) for b in self.buildings}
        for dup in _duplicates(s.code for s in self.staff):
            problems.append(f"staff: staff code {dup!r} appears more than once")
        for index, member in enumerate(self.staff):
            for code in member.grid:
                if code not in rooms:
                    problems.append(f"staff[{index}].grid: unknown building {code!r}")
            if member.grid and member.role != "steward":
                problems.append(f"staff[{index}].grid: only stewards have a grid")
        staff_ids = [str(s.telegram_id) for s in self.staff if s.telegram_id is not None]
        for dup in _duplicates(staff_ids):
            problems.append(f"staff: telegram_id {dup} belongs to more than one staff member")
        resident_ids = [str(r.telegram_id) for r in self.residents if r.telegram_id is not None]
        for dup in _duplicates(resident_ids):
            problems.append(f"residents: telegram_id {dup} belongs to more than one resident")
        for dup in _duplicates(g.code for g in self.staff_groups):
            problems.append(f"staff_groups: group code {dup!r} appears more than once")
        for index, group in enumerate(self.staff_groups):
            for code in group.buildings:
                if code not in rooms:
                    problems.append(f"staff_groups[{index}].buildings: unknown building {code!r}")
        for dup in _duplicates(r.phone for r in self.residents):
            problems.append(f"residents: phone {dup} belongs to more than one resident")
        for index, resident in enumerate(self.residents):
            for u_index, label in enumerate(resident.units):
                problem = unit_problem(label, rooms)
                if problem:
                    problems.append(f"residents[{index}].units[{u_index}]: {problem}")
        for dup in _duplicates(f.question for f in self.faq):
            problems.append(f"faq: question {dup!r} appears more than once")
        if problems:
            raise ValueError("\n".join(problems))
        return self


def unit_problem(label: str, rooms: dict[str, dict[str, set[str]]]) -> str | None:
    """Why ``label`` (building-entrance-room) names no unit of the estate, or None."""
    match = UNIT_LABEL.match(label.strip())
    if not match:
        return f"{label!r} is not a unit; write building-entrance-room, e.g. 3-2-1502"
    building, entrance, room = match["building"], match["entrance"], match["room"]
    if building not in rooms:
        return f"unit {label}: unknown building {building!r}"
    if entrance not in rooms[building]:
        return f"unit {label}: building {building} has no entrance {entrance!r}"
    if room not in rooms[building][entrance]:
        return f"unit {label}: no room {room!r} in building {building} entrance {entrance}"
    return None


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.startswith(("function-after", "function-before")):
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def parse_estate(data: Any, *, source: str) -> EstateFile:
    """Validate already-parsed YAML; raise :class:`EstateFileError` listing every problem."""
    if not isinstance(data, dict):
        raise EstateFileError(source, ["the file must be a mapping with an 'estate' key"])
    try:
        return EstateFile.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for error in exc.errors(include_url=False):
            where = _location(tuple(error["loc"]))
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown field (check the spelling against the README's schema)"
            for line in message.splitlines():
                problems.append(line if where == "(top level)" else f"{where}: {line}")
        raise EstateFileError(source, problems) from None


def read_estate_file(path: Path) -> EstateFile:
    """Read and validate a YAML estate file."""
    import yaml

    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EstateFileError(source, ["file not found"]) from None
    except UnicodeDecodeError:
        raise EstateFileError(source, ["not UTF-8 text; save the file as UTF-8"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise EstateFileError(source, [f"{where}malformed YAML: {reason}"]) from None
    return parse_estate(data, source=source)
