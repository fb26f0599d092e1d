"""Chats fixtures: #auslibchat, organised by NGAC (Hana's organisation), on the
first Tuesday of the month at 19:00 Hong Kong time, and its next event."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from chats import actions

# Wednesday 2027-01-20, 12:00 UTC: before the February chat.
NOW = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)
# The first Tuesday of February 2027 at 19:00 HKT (UTC+8).
FEB_CHAT = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def series(clock, hana, ngac):
    return actions.create_series(
        user=hana.user,
        organiser=ngac,
        hashtag="auslibchat",
        title="Australian library chat",
        description="A monthly chat for library people.",
        timezone="Asia/Hong_Kong",
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        start_time=time(19, 0),
        start_date=date(2027, 1, 1),
    )


@pytest.fixture
def event(series, hana):
    return actions.create_event(
        user=hana.user,
        series=series,
        occurrence_start=FEB_CHAT,
        topic="Customer Service",
        questions=[
            {"kind": "welcome", "text": "Welcome to #auslibchat!", "offset": 0},
            {"kind": "question", "text": "What does good service look like?", "offset": 5},
            {"kind": "question", "text": "What gets in the way?", "offset": 15},
            {"kind": "question", "text": "Who does it best?", "offset": 25},
            {"kind": "closing", "text": "Thank you all!", "offset": 55},
        ],
    )
