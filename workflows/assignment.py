"""Who handles a building's ticket today: its grid steward, or the on-duty steward covering.

Stewards have days off; the manuals say an on-duty steward covers for one who is off. The choice
is made on the estate's local weekday, so a ticket at 00:30 Saturday in Shanghai follows the
Saturday roster whatever the server's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.estate import Staff, StaffRole
from workflows.ports import UnitOfWork


def pick_steward(
    grid_stewards: Sequence[Staff], all_stewards: Sequence[Staff], *, weekday: int
) -> Staff | None:
    """The grid steward if working; else the fallback steward on duty; else anyone on duty."""
    for steward in grid_stewards:
        if steward.works_on(weekday):
            return steward
    on_duty = [s for s in all_stewards if s.works_on(weekday)]
    for steward in on_duty:
        if steward.on_duty_fallback:
            return steward
    if on_duty:
        return on_duty[0]
    return grid_stewards[0] if grid_stewards else None


async def assign_for_building(
    uow: UnitOfWork, *, estate_id: int, building_id: int | None, at: datetime, tz: ZoneInfo
) -> Staff | None:
    weekday = at.astimezone(tz).isoweekday()
    grid = await uow.directory.stewards_of_building(building_id) if building_id else []
    everyone = await uow.directory.staff_with_role(estate_id, StaffRole.STEWARD)
    return pick_steward(grid, everyone, weekday=weekday)
