"""All entities of one message, gathered from the specialised extractors."""

from __future__ import annotations

from datetime import datetime

from intents.address import find_unit
from intents.contacts import find_phone, find_plate
from intents.model import Entities
from intents.times import find_time


def extract_entities(text: str, now: datetime) -> Entities:
    """Unit, phone, plate and wanted time from normalised (case-preserving) text."""
    return Entities(
        unit=find_unit(text),
        phone=find_phone(text),
        plate=find_plate(text),
        time=find_time(text, now),
    )
