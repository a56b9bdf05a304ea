"""Tickets, their trail, staff and groups are read and written by hand (storage.rawsql): the ORM
models must still read those rows, and rows the ORM writes must read the same by hand — on
SQLite and PostgreSQL, where datetimes and JSON are stored differently."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from storage.schema import (
    StaffGridRow,
    StaffGroupBuildingRow,
    StaffGroupRow,
    StaffRow,
    TicketEventRow,
    TicketRow,
)
from workflows.estate import GroupPurpose, Platform, StaffRole
from workflows.tickets import (
    ActorKind,
    Attachment,
    Milestones,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketLevel,
    TicketStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=SHANGHAI)
MILESTONES = Milestones(
    respond_by=NOW + timedelta(minutes=20),
    on_site_by=NOW + timedelta(hours=2),
    resolve_by=NOW + timedelta(days=1),
    callback_due=NOW + timedelta(days=2),
    responded_at=NOW + timedelta(minutes=5),
    on_site_at=NOW + timedelta(minutes=50, microseconds=1),
    resolved_at=NOW + timedelta(hours=3),
    callback_at=NOW + timedelta(days=2, seconds=1),
)


def full_ticket(estate_id: int, **extra: object) -> Ticket:
    values: dict[str, object] = {
        "id": None,
        "estate_id": estate_id,
        "kind": TicketKind.REPAIR,
        "status": TicketStatus.ON_SITE,
        "level": TicketLevel.URGENT,
        "summary": "厨房水管爆了 <b>&amp;</b>",
        "created_at": NOW,
        "location": "home",
        "channel": Platform.TELEGRAM,
        "wanted_time": NOW + timedelta(days=1),
        "milestones": MILESTONES,
        "attachments": (Attachment("photo", "file-1", "漏水"), Attachment("photo", "file-2")),
        "details": {"text": "<script>x</script>", "n": 3, "linked": [{"unit_id": 1}]},
    }
    values.update(extra)
    return Ticket(**values)  # type: ignore[arg-type]


def utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


async def test_ticket_written_by_hand_reads_the_same_through_the_orm(uow, demo_estate):
    async with uow() as tx:
        stored = await tx.tickets.add(full_ticket(demo_estate), number_day="20261123")
        await tx.commit()
    assert stored.id is not None and stored.number == "BX-20261123-0001" and stored.version == 1
    async with uow() as tx:
        row = await tx.session.get(TicketRow, stored.id)
    assert row is not None
    assert (row.number, row.kind, row.status, row.level, row.location, row.channel) == (
        "BX-20261123-0001", "repair", "on_site", "urgent", "home", "telegram",
    )  # fmt: skip
    assert row.summary == "厨房水管爆了 <b>&amp;</b>"
    assert utc(row.created_at) == NOW and utc(row.wanted_time) == NOW + timedelta(days=1)
    for name in ("respond_by", "on_site_by", "resolve_by", "callback_due", "responded_at",
                 "on_site_at", "resolved_at", "callback_at"):  # fmt: skip
        assert utc(getattr(row, name)) == getattr(MILESTONES, name), name
    assert row.attachments == [
        {"kind": "photo", "ref": "file-1", "caption": "漏水"},
        {"kind": "photo", "ref": "file-2", "caption": ""},
    ]
    assert row.details == {"text": "<script>x</script>", "n": 3, "linked": [{"unit_id": 1}]}
    assert row.version == 1


async def test_ticket_written_through_the_orm_reads_the_same_by_hand(uow, demo_estate):
    async with uow() as tx:
        row = TicketRow(
            estate_id=demo_estate, number="TS-20261123-0042", kind="complaint", status="claimed",
            level=None, summary="楼上装修太吵", created_at=NOW, unit_id=None, building_id=None,
            reporter_id=None, assignee_id=None, channel="web", location=None, wanted_time=None,
            respond_by=NOW + timedelta(hours=1), on_site_by=None, resolve_by=None,
            callback_due=None, responded_at=None, on_site_at=None, resolved_at=None,
            callback_at=None, attachments=[{"kind": "photo", "ref": "f", "caption": "c"}],
            details={"grade": "repeat"}, version=4,
        )  # fmt: skip
        tx.session.add(row)
        await tx.commit()
    async with uow() as tx:
        by_id = await tx.tickets.get(row.id)
        by_number = await tx.tickets.by_number(" ts-20261123-0042 ")
        locked = await tx.tickets.get(row.id, for_update=True)
    assert by_id is not None and by_id == by_number == locked
    assert by_id.kind is TicketKind.COMPLAINT and by_id.status is TicketStatus.CLAIMED
    assert by_id.level is None and by_id.channel is Platform.WEB
    assert by_id.created_at == NOW and by_id.created_at.tzinfo is not None
    assert by_id.milestones == Milestones(respond_by=NOW + timedelta(hours=1))
    assert by_id.attachments == (Attachment("photo", "f", "c"),)
    assert by_id.details == {"grade": "repeat"} and by_id.version == 4


async def test_save_returns_the_stored_ticket_and_bumps_the_version(uow, demo_estate):
    async with uow() as tx:
        first = await tx.tickets.add(full_ticket(demo_estate), number_day="20261123")
        saved = await tx.tickets.save(replace(first, status=TicketStatus.RESOLVED))
        await tx.commit()
    async with uow() as tx:
        again = await tx.tickets.get(first.id)  # type: ignore[arg-type]
    assert saved.version == 2 and saved == again and saved.status is TicketStatus.RESOLVED
    assert saved.number == first.number and saved.milestones == first.milestones


async def test_search_filters_by_kind_status_and_time_to_the_microsecond(uow, demo_estate):
    async with uow() as tx:
        early = await tx.tickets.add(
            full_ticket(demo_estate, status=TicketStatus.NEW, building_id=None),
            number_day="20261123",
        )
        late = await tx.tickets.add(
            full_ticket(demo_estate, status=TicketStatus.NEW, created_at=NOW + timedelta(0, 0, 1)),
            number_day="20261123",
        )
        await tx.tickets.add(
            full_ticket(demo_estate, status=TicketStatus.CLOSED), number_day="20261123"
        )
        await tx.tickets.add(
            full_ticket(demo_estate, kind=TicketKind.COMPLAINT, status=TicketStatus.NEW),
            number_day="20261123",
        )
        await tx.commit()
    async with uow() as tx:
        search = tx.tickets.search
        tick = NOW + timedelta(microseconds=1)
        open_repairs = await search(
            estate_id=demo_estate, kinds=[TicketKind.REPAIR], open_only=True
        )
        after = await search(estate_id=demo_estate, created_from=tick)
        before = await search(estate_id=demo_estate, kinds={TicketKind.REPAIR}, created_before=tick)
        none = await search(estate_id=demo_estate, kinds=[])
        everything = await search(estate_id=demo_estate)
    assert [t.id for t in open_repairs] == [early.id, late.id]
    assert [t.id for t in after] == [late.id]
    assert late.id not in [t.id for t in before] and early.id in [t.id for t in before]
    assert none == [] and len(everything) == 4


async def test_trail_written_by_hand_reads_the_same_through_the_orm(uow, demo_estate):
    async with uow() as tx:
        ticket = await tx.tickets.add(full_ticket(demo_estate), number_day="20261123")
        assert ticket.id is not None
        event = await tx.tickets.append_event(
            TicketEvent(
                ticket_id=ticket.id, at=NOW, action="claimed", actor_kind=ActorKind.STAFF,
                actor_id=7, channel=Platform.TELEGRAM, note="张管家", data={"from": None},
            )
        )  # fmt: skip
        tx.session.add(
            TicketEventRow(
                ticket_id=ticket.id, at=NOW - timedelta(seconds=1), action="created",
                actor_kind="resident", actor_id=None, channel=None, note="", data={},
            )
        )  # fmt: skip
        await tx.commit()
    async with uow() as tx:
        row = await tx.session.get(TicketEventRow, event.id)
        trail = await tx.tickets.events(ticket.id)
    assert row is not None and utc(row.at) == NOW and row.data == {"from": None}
    assert (row.action, row.actor_kind, row.actor_id, row.note) == ("claimed", "staff", 7, "张管家")
    assert [e.action for e in trail] == ["created", "claimed"]
    assert trail[1] == event and trail[0].channel is None and trail[0].actor_id is None


async def test_staff_and_groups_by_hand_match_the_orm(uow, demo_estate):
    async with uow() as tx:
        buildings = list(await tx.session.scalars(select(StaffGroupBuildingRow.building_id)))
        assert buildings
        for building_id in sorted(set(buildings)):
            groups = await tx.directory.groups_for_building(building_id, Platform.TELEGRAM)
            expected = await tx.session.scalars(
                select(StaffGroupRow.id)
                .join(StaffGroupBuildingRow, StaffGroupBuildingRow.group_id == StaffGroupRow.id)
                .where(StaffGroupBuildingRow.building_id == building_id)
                .where(StaffGroupRow.platform == "telegram")
                .order_by(StaffGroupRow.id)
            )
            assert [g.id for g in groups] == list(expected)
            stewards = await tx.directory.stewards_of_building(building_id)
            grid = await tx.session.scalars(
                select(StaffGridRow.staff_id)
                .where(StaffGridRow.building_id == building_id)
                .order_by(StaffGridRow.staff_id)
            )
            assert [s.id for s in stewards] == list(grid)
        everyone = await tx.directory.staff_with_role(demo_estate, StaffRole.STEWARD)
        rows = list(
            await tx.session.scalars(
                select(StaffRow).where(StaffRow.role == "steward").order_by(StaffRow.id)
            )
        )
        supervisors = await tx.directory.groups_with_purpose(
            demo_estate, GroupPurpose.SUPERVISORS, Platform.TELEGRAM
        )
        by_chat = await tx.directory.group_by_chat(Platform.TELEGRAM, supervisors[0].chat_id)
        one = await tx.directory.staff(rows[0].id)
        grid_of = await tx.directory.grid_of(rows[0].id)
        unknown = await tx.directory.group_by_chat(Platform.TELEGRAM, "-404")
    assert [(s.id, s.name, s.phone, s.code) for s in everyone] == [
        (r.id, r.name, r.phone, r.code) for r in rows
    ]
    assert [s.off_days for s in everyone] == [tuple(r.off_days) for r in rows]
    assert [s.on_duty_fallback for s in everyone] == [r.on_duty_fallback for r in rows]
    assert one == everyone[0] and grid_of == sorted(grid_of)
    assert supervisors and all(g.purpose is GroupPurpose.SUPERVISORS for g in supervisors)
    assert by_chat == supervisors[0]
    assert unknown is None


async def test_datetimes_are_stored_in_sqlalchemys_own_shape(uow):
    """Text comparison orders SQLite's datetimes: a missing fraction would sort wrongly."""
    async with uow() as tx:
        whole = tx.raw.dt(datetime(2026, 11, 23, 18, 0, tzinfo=SHANGHAI))
        fraction = tx.raw.dt(datetime(2026, 11, 23, 10, 0, 0, 5, tzinfo=UTC))
        if tx.raw.sqlite:
            assert whole == "2026-11-23 10:00:00.000000"
            assert fraction == "2026-11-23 10:00:00.000005"
            assert whole < fraction
            row = await tx.session.execute(select(func.datetime(whole)))
            assert row.scalar_one() == "2026-11-23 10:00:00"
        else:
            assert whole == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
