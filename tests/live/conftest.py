"""Live fixtures: #auslibchat's event in the Django test client, and real servers
on loopback (with a chat event already planned) for the protocol tests."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import pytest
import time_machine

from chats import actions

# During the February chat (19:00 HKT on the first Tuesday = 11:00 UTC), 10 minutes in.
PLANNED_AT = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)
CHAT_START = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)
DURING = datetime(2027, 2, 2, 11, 10, tzinfo=UTC)

QUESTIONS = [
    {"kind": "welcome", "text": "Welcome to #auslibchat!", "offset": 0},
    {"kind": "question", "text": "What does good service look like?", "offset": 5},
    {"kind": "question", "text": "What gets in the way?", "offset": 15},
    {"kind": "closing", "text": "Thank you all!", "offset": 55},
]


@pytest.fixture
def chat(hana, ngac):
    """The February #auslibchat event, planned in January; the clock stays there."""
    with time_machine.travel(PLANNED_AT, tick=False) as clock:
        series = actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="auslibchat",
            title="Australian library chat",
            timezone="Asia/Hong_Kong",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            start_time=time(19, 0),
            start_date=date(2027, 1, 1),
        )
        event = actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=CHAT_START,
            topic="Customer Service",
            questions=QUESTIONS,
        )
        event.clock = clock
        yield event


def room_url(event) -> str:
    return f"/chats/{event.series.hashtag}/events/{event.id}/room/"


@pytest.fixture(scope="session")
def live_site():
    """One real server for the protocol tests, with Pat and Hana logged in and a
    #livetest event under way."""
    from tests.live.helpers import login, set_up_chat
    from tests.server import running_server

    with running_server() as server:
        event_id = set_up_chat(server)
        pat, hana = login(server.url, "pat"), login(server.url, "hana")
        yield SimpleNamespace(server=server, url=server.url, event_id=event_id, pat=pat, hana=hana)
        pat.close()
        hana.close()
