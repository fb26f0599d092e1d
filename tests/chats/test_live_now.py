"""Live now: the home page, the landing page and the directory show chats that are
on with a Join button; the directory never shows a start that has passed as "Next"."""

from datetime import timedelta

from tests.chats.conftest import FEB_CHAT


def test_a_live_chat_has_a_join_button_and_is_never_next(client, clock, event, hana, pat):
    clock.move_to(FEB_CHAT + timedelta(minutes=10))
    room = f"/chats/auslibchat/events/{event.id}/room/"
    directory = client.get("/chats/").content.decode()
    entry = directory.split('class="card chat-entry"', 1)[1]
    assert "Live now" in entry and f'href="{room}">Join' in entry
    assert "Next:" not in entry
    landing = client.get("/").content.decode()
    assert "Live now" in landing and f'href="{room}">Join' in landing
    client.force_login(pat.user)
    assert f'href="{room}">Join' in client.get("/").content.decode()


def test_an_occurrence_under_way_without_an_event_shows_the_one_after(client, clock, series):
    clock.move_to(FEB_CHAT + timedelta(minutes=10))
    page = client.get("/chats/?tz=Asia/Hong_Kong").content.decode()
    entry = page.split('class="card chat-entry"', 1)[1]
    assert "Live now" not in entry
    # The next first Tuesday: 2 March 2027, 19:00 in Hong Kong.
    assert "Tue 2 Mar 2027, 19:00 HKT" in entry


def test_nothing_is_live_before_the_start(client, clock, event):
    assert "Live now" not in client.get("/").content.decode()
