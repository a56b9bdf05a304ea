"""Shared fixtures for the intents tests: one loaded classifier and a fixed "now"."""

from __future__ import annotations

from datetime import datetime

import pytest

from intents import Classifier, load_classifier
from intents.times import SHANGHAI

#: Tuesday 24 November 2026, 10:00 in Shanghai.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def clf() -> Classifier:
    return load_classifier()


@pytest.fixture()
def now() -> datetime:
    return NOW
