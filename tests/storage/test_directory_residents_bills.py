"""Directory, residents, bills and surveys contract, on the demo estate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from workflows.estate import GroupPurpose, Platform, ResidentRole, StaffRole
from workflows.fees import Bill, FeeItem, Rating, SurveyAnswer
from workflows.tickets import Ticket, TicketKind, TicketStatus

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def test_directory_answers_structure_questions(uow, demo_estate):
    async with uow() as tx:
        estate = await tx.directory.estate_by_code("lanting")
        assert estate is not None and estate.id == demo_estate
        assert estate.config["quiet_hours"] == {"start": "21:30", "end": "08:00"}
        unit = await tx.directory.find_unit(
            estate_id=demo_estate, building="1", entrance="1", room="1502"
        )
        assert unit is not None and unit.label == "1-1-1502" and unit.floor == 15
        assert unit.display == "1栋1单元1502"
        # Room 302 exists in both entrances of building 1: without an entrance, do not guess.
        assert (
            await tx.directory.find_unit(
                estate_id=demo_estate, building="1", entrance=None, room="302"
            )
            is None
        )
        stewards = await tx.directory.stewards_of_building(unit.building_id)
        assert len(stewards) == 1 and stewards[0].role is StaffRole.STEWARD
        assert unit.building_id in await tx.directory.grid_of(stewards[0].id)
        groups = await tx.directory.groups_for_building(unit.building_id, Platform.TELEGRAM)
        assert [g.purpose for g in groups] == [GroupPurpose.BUILDING]
        again = await tx.directory.group_by_chat(Platform.TELEGRAM, groups[0].chat_id)
        assert again == groups[0]
        supervisors = await tx.directory.groups_with_purpose(
            demo_estate, GroupPurpose.SUPERVISORS, Platform.TELEGRAM
        )
        assert len(supervisors) == 1
        steward_tg = await tx.directory.staff_identity(stewards[0].id, Platform.TELEGRAM)
        assert steward_tg is not None
        assert await tx.directory.staff_by_identity(Platform.TELEGRAM, steward_tg) == stewards[0]
        token = (await tx.directory.building(unit.building_id)).deep_link_token  # type: ignore[union-attr]
        assert token and (await tx.directory.building_by_token(token)).id == unit.building_id  # type: ignore[union-attr]
        assert len(await tx.directory.faq(demo_estate)) == 30
        assert len(await tx.directory.staff_with_role(demo_estate, StaffRole.SUPERVISOR)) == 1


async def test_binding_and_unbinding_a_chat_identity(uow, demo_estate):
    async with uow() as tx:
        (resident,) = await tx.residents.by_phone("13805713346", estate_id=demo_estate)
        assert await tx.residents.by_identity(Platform.TELEGRAM, "555") is None
        await tx.residents.bind_identity(
            resident_id=resident.id, platform=Platform.TELEGRAM, external_id="555", consent_at=NOW
        )
        await tx.commit()
    async with uow() as tx:
        bound = await tx.residents.by_identity(Platform.TELEGRAM, "555")
        assert bound is not None and bound.id == resident.id and bound.consent_at == NOW
        assert await tx.residents.identity_of(resident.id, Platform.TELEGRAM) == "555"
        units = await tx.residents.units_of(resident.id)
        assert [u.role for u in units] == [ResidentRole.OWNER]
        assert await tx.residents.unbind_identity(Platform.TELEGRAM, "555") is True
        assert await tx.residents.unbind_identity(Platform.TELEGRAM, "555") is False
        await tx.commit()
    async with uow() as tx:
        assert await tx.residents.by_identity(Platform.TELEGRAM, "555") is None


async def test_unreachable_mark(uow, demo_estate):
    async with uow() as tx:
        (resident,) = await tx.residents.by_phone("13805713346")
        await tx.residents.mark_unreachable(resident.id, NOW)
        await tx.commit()
    async with uow() as tx:
        again = await tx.residents.get(resident.id)
    assert again is not None and again.unreachable_at == NOW


async def test_bills_adjust_and_pay(uow, demo_estate):
    async with uow() as tx:
        unit = await tx.directory.find_unit(
            estate_id=demo_estate, building="2", entrance="1", room="101"
        )
        assert unit is not None
        bill = await tx.bills.add(
            Bill(
                unit_id=unit.id,
                item=FeeItem.PROPERTY,
                period="2026-11",
                amount_fen=25060,
                due_date=date(2026, 11, 15),
            )
        )
        adjusted = await tx.bills.adjust(bill, new_fen=26000, at=NOW, reason="re-import")
        await tx.commit()
    assert adjusted.amount_fen == 26000
    async with uow() as tx:
        assert [(a.old_fen, a.new_fen) for a in await tx.bills.adjustments(bill.id)] == [
            (25060, 26000)
        ]
        assert [b.id for b in await tx.bills.for_units([unit.id], open_only=True)] == [bill.id]
        await tx.bills.mark_paid(bill.id, at=NOW)
        await tx.commit()
    async with uow() as tx:
        assert await tx.bills.for_units([unit.id], open_only=True) == []
        found = await tx.bills.find(unit_id=unit.id, item="property", period="2026-11")
        read_by_hand = await tx.bills.for_units([unit.id, 999_999])
    assert found is not None and found.paid_at == NOW and found.is_paid
    assert read_by_hand == [found]  # the hand-written read and the ORM agree on every field
    assert read_by_hand[0].due_date == date(2026, 11, 15)


async def test_one_survey_answer_per_round(uow, demo_estate):
    async with uow() as tx:
        ticket = await tx.tickets.add(
            Ticket(
                id=None,
                estate_id=demo_estate,
                kind=TicketKind.REPAIR,
                status=TicketStatus.RESOLVED,
                level=None,
                summary="灯不亮",
                created_at=NOW,
            ),
            number_day="20261123",
        )
        answer = SurveyAnswer(
            ticket_id=ticket.id, resident_id=None, rating=Rating.SATISFIED, answered_at=NOW
        )
        assert await tx.surveys.add(answer) is not None
        assert await tx.surveys.add(answer) is None
        second_round = SurveyAnswer(
            ticket_id=ticket.id,
            resident_id=None,
            rating=Rating.UNSATISFIED,
            answered_at=NOW + timedelta(days=1),
            round=2,
        )
        assert await tx.surveys.add(second_round) is not None
        await tx.commit()
    async with uow() as tx:
        ratings = [a.rating for a in await tx.surveys.for_ticket(ticket.id)]
    assert ratings == [Rating.SATISFIED, Rating.UNSATISFIED]


@pytest.mark.parametrize("bad", ["1-1-9999", "9-1-101"])
async def test_unknown_units_are_not_found(uow, demo_estate, bad):
    building, entrance, room = bad.split("-")
    async with uow() as tx:
        assert (
            await tx.directory.find_unit(
                estate_id=demo_estate, building=building, entrance=entrance, room=room
            )
            is None
        )
