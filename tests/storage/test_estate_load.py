"""Loading the estate file: idempotent on both databases; bad files name the field, load nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select, text

from storage.engine import session_factory
from storage.estate_file import EstateFileError, parse_estate, read_estate_file
from storage.estate_sync import sync_estate
from storage.schema import Base

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SKIP_COLUMNS = {"bound_at"}  # chat bindings keep their first time, checked separately


async def snapshot(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: 'identical data' made checkable."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            columns = [c for c in table.c if c.name not in SKIP_COLUMNS]
            order = list(table.primary_key.columns)
            rows = await conn.execute(select(*columns).order_by(*order))
            result[name] = [tuple(row) for row in rows]
    return result


async def load(engine: Any, path: Path) -> dict[str, int]:
    spec = read_estate_file(path)
    async with session_factory(engine)() as session, session.begin():
        _, report = await sync_estate(session, spec, now=NOW)
    return report.created


async def test_loading_twice_leaves_identical_data(engine, examples):
    created = await load(engine, examples / "demo-estate.yaml")
    assert created["unit"] == 432 and created["resident"] == 40 and created["faq"] == 30
    first = await snapshot(engine)
    assert await load(engine, examples / "demo-estate.yaml") == {}
    assert await snapshot(engine) == first
    assert len(first["buildings"]) == 6 and len(first["staff_groups"]) == 6


async def test_changed_file_updates_in_place(engine, examples, tmp_path):
    await load(engine, examples / "demo-estate.yaml")
    data = yaml.safe_load((examples / "demo-estate.yaml").read_text(encoding="utf-8"))
    data["estate"]["name"] = "兰亭苑二期"
    data["residents"][0]["units"] = ["2-1-101"]
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    await load(engine, changed)
    async with engine.connect() as conn:
        name = (await conn.execute(text("SELECT name FROM estates"))).scalar_one()
        units = (
            await conn.execute(
                text(
                    "SELECT b.code, e.code, u.room FROM resident_units ru "
                    "JOIN residents r ON r.id = ru.resident_id JOIN units u ON u.id = ru.unit_id "
                    "JOIN entrances e ON e.id = u.entrance_id "
                    "JOIN buildings b ON b.id = u.building_id "
                    "WHERE r.phone = :phone"
                ),
                {"phone": data["residents"][0]["phone"]},
            )
        ).all()
    assert name == "兰亭苑二期"
    assert [tuple(u) for u in units] == [("2", "1", "101")]


def demo(examples: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (examples / "demo-estate.yaml").read_text(encoding="utf-8")
    )
    return data


BAD_CASES = [
    (
        "unknown building",
        lambda d: d["residents"][0].update(units=["9-1-101"]),
        "residents[0].units[0]: unit 9-1-101: unknown building '9'",
    ),
    (
        "duplicate unit",
        lambda d: d["buildings"][0]["entrances"][0].update(
            units=[{"room": "1801"}, {"room": "1801"}]
        ),
        "buildings[0].entrances[0].units: duplicate unit '1801'",
    ),
    (
        "wrong type",
        lambda d: d["buildings"][0].update(floors="eighteen"),
        "buildings[0].floors",
    ),
    (
        "missing field",
        lambda d: d["estate"].pop("name"),
        "estate.name: Field required",
    ),
    (
        "unknown field",
        lambda d: d["buildings"][1].update(flors=18),
        "buildings[1].flors: unknown field",
    ),
    (
        "duplicate phone",
        lambda d: d["residents"][1].update(phone=d["residents"][0]["phone"]),
        "belongs to more than one resident",
    ),
    (
        "grid outside the estate",
        lambda d: d["staff"][0].update(grid=["1", "77"]),
        "staff[0].grid: unknown building '77'",
    ),
    (
        "bad service level",
        lambda d: d["estate"].update(service_levels={"emergency_on_sight": 20}),
        "unknown service level(s): emergency_on_sight",
    ),
    (
        "shared telegram id",
        lambda d: d["staff"][1].update(telegram_id=d["staff"][0]["telegram_id"]),
        "belongs to more than one staff member",
    ),
    (
        "bad phone",
        lambda d: d["residents"][2].update(phone="139-0571"),
        "residents[2].phone",
    ),
    (
        "calendar day that is not a date",
        lambda d: d["estate"].update(calendar={"holidays": ["2027-02-30"]}),
        "estate.calendar.holidays[0]: Input should be a valid date",
    ),
    (
        "calendar day both off and on",
        lambda d: d["estate"].update(
            calendar={"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}
        ),
        "2027-01-01 is both a holiday and a workday",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_files_name_the_file_and_the_field(examples, case, mutate, expected):
    data = demo(examples)
    mutate(data)
    with pytest.raises(EstateFileError) as caught:
        parse_estate(data, source="estate.yaml")
    message = str(caught.value)
    assert expected in message, message
    assert all(line.startswith("estate.yaml: ") for line in message.splitlines())


def test_malformed_yaml_names_the_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("estate:\n  code: x\n  name: [unclosed\nbuildings: []\n", encoding="utf-8")
    with pytest.raises(EstateFileError) as caught:
        read_estate_file(broken)
    assert str(broken) in str(caught.value) and "malformed YAML" in str(caught.value)
    assert "line " in str(caught.value)


def test_non_mapping_and_non_utf8_files(tmp_path):
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(EstateFileError, match="mapping"):
        read_estate_file(listing)
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("estate:\n  name: 兰亭苑\n".encode("gbk"))
    with pytest.raises(EstateFileError, match="UTF-8"):
        read_estate_file(gbk)


async def test_a_failure_at_the_last_step_leaves_nothing_behind(engine, examples, monkeypatch):
    """The FAQ step fails after buildings, staff and residents were written: all rolls back."""
    import storage.estate_sync

    async def fail(*_: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(storage.estate_sync, "_sync_faq", fail)
    spec = read_estate_file(examples / "demo-estate.yaml")
    with pytest.raises(RuntimeError, match="went away"):
        async with session_factory(engine)() as session, session.begin():
            await sync_estate(session, spec, now=NOW)
    assert all(rows == [] for rows in (await snapshot(engine)).values())
