"""Times on every page read in the viewer's zone: the browser's once its script
has set the `tz` cookie, else the profile's, else UTC; notifications, the room,
the event page and the transcript agree, relative ("2 min") with the exact time
in the title."""

import re
from datetime import timedelta

from chats import scheduler
from posts.actions import create_post, like
from tests.chats.conftest import FEB_CHAT

DURING = FEB_CHAT + timedelta(minutes=20)
TAG = " #auslibchat"


def titles(page: str) -> list[str]:
    """The exact times given in the titles of the page's <time> elements."""
    return re.findall(r'<time[^>]*title="([^"]+)"', page)


def test_notifications_use_the_browsers_zone_when_it_is_known(client, clock, pat, olly):
    post = create_post(user=pat.user, profile=pat.profile, text="Hello" + TAG)
    like(user=olly.user, profile=olly.profile, post=post)
    clock.shift(timedelta(minutes=2))
    client.force_login(pat.user)
    # No cookie yet: the profile's zone (Sydney, 23:00 on 20 Jan).
    page = client.get("/notifications/").content.decode()
    assert "Wed 20 Jan 2027, 23:00 AEDT" in titles(page)
    assert re.search(r'data-relative title="[^"]+">2 min</time>', page)
    # The browser said Copenhagen: the same page reads in Copenhagen.
    client.cookies["tz"] = "Europe/Copenhagen"
    page = client.get("/notifications/").content.decode()
    assert "Wed 20 Jan 2027, 13:00 CET" in titles(page)
    assert not any("AEDT" in t for t in titles(page))
    # A cookie naming no zone is ignored.
    client.cookies["tz"] = "Mars/Olympus_Mons"
    page = client.get("/notifications/").content.decode()
    assert "Wed 20 Jan 2027, 23:00 AEDT" in titles(page)


def test_the_event_page_says_your_time_in_the_browsers_zone(client, event):
    url = f"/chats/auslibchat/events/{event.id}/"
    page = client.get(url).content.decode()
    assert "Tue 2 Feb 2027, 11:00 UTC</time>" in page
    client.cookies["tz"] = "America/New_York"
    page = client.get(url).content.decode()
    assert "Tue 2 Feb 2027, 06:00 EST (America/New_York)</time>" in page


def test_the_room_the_event_page_and_the_transcript_agree(client, clock, event, pat, olly):
    clock.move_to(DURING)
    scheduler.run_due()
    create_post(user=pat.user, profile=pat.profile, text="A1 Listening first" + TAG)
    clock.shift(timedelta(minutes=3))
    client.force_login(olly.user)  # his profile says Copenhagen
    client.cookies["tz"] = "Asia/Tokyo"
    base = f"/chats/auslibchat/events/{event.id}/"
    room = client.get(base + "room/").content.decode()
    event_page = client.get(base).content.decode()
    transcript = client.get(base + "transcript/").content.decode()
    exact = "Tue 2 Feb 2027, 20:20 JST"  # 11:20 UTC, when Pat answered
    for name, page in (("room", room), ("event", event_page), ("transcript", transcript)):
        assert exact in titles(page), (name, titles(page))
        assert "CET" not in " ".join(titles(page)), name
    assert re.search(r'data-relative title="' + exact + r'">3 min</time>', room)
    assert re.search(r'data-relative title="' + exact + r'">3 min</time>', event_page)
    assert "2 Feb 20:20</time>" in transcript
