from datetime import timedelta

import pytest

from chats import scheduler
from chats.models import Event, Series
from chats.views.public import POSTS_SHOWN
from posts.actions import create_post
from tests.chats.conftest import FEB_CHAT


def test_directory_lists_public_series_with_next_date_and_topic(client, event):
    page = client.get("/chats/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "#auslibchat" in body
    assert "Customer Service" in body
    assert "@NGAC" in body
    # The organiser's time, always shown.
    assert "Tue 2 Feb 2027, 19:00 HKT" in body


def test_directory_searches_words(client, event):
    assert "#auslibchat" in client.get("/chats/?q=library").content.decode()
    assert "#auslibchat" in client.get("/chats/?q=customer").content.decode()
    assert "#auslibchat" not in client.get("/chats/?q=astronomy").content.decode()


def test_directory_filters_by_weekday_and_time_in_the_viewers_zone(client, event):
    # 19:00 Tuesday in Hong Kong is 12:00 Tuesday in Copenhagen and 22:00 Tuesday in Sydney.
    def listed(query):
        return "#auslibchat" in client.get("/chats/?" + query).content.decode()

    assert listed("weekday=tuesday&time=evening&tz=Asia/Hong_Kong")
    assert listed("weekday=tuesday&time=afternoon&tz=Europe/Copenhagen")
    assert not listed("weekday=tuesday&time=evening&tz=Europe/Copenhagen")
    assert listed("weekday=tuesday&time=night&tz=Australia/Sydney")
    # 03:00 on Tuesday in Los Angeles (PST, UTC-8).
    assert listed("weekday=tuesday&time=night&tz=America/Los_Angeles")
    assert not listed("weekday=monday&tz=America/Los_Angeles")


def test_directory_defaults_to_the_profiles_zone(client, event, olly):
    client.force_login(olly.user)
    body = client.get("/chats/").content.decode()
    assert "Europe/Copenhagen" in body
    assert "Tue 2 Feb 2027, 12:00 CET" in body


def test_a_copenhagen_viewer_sees_the_start_in_her_zone(client, event, olly):
    client.force_login(olly.user)
    body = client.get(f"/chats/auslibchat/events/{event.id}/").content.decode()
    # The organiser's zone, the profile's zone (before JavaScript rewrites it), UTC.
    assert "Tue 2 Feb 2027, 19:00 HKT" in body
    assert "Tue 2 Feb 2027, 12:00 CET (Europe/Copenhagen)" in body
    assert "Tue 2 Feb 2027, 11:00 UTC" in body
    assert f'datetime="{FEB_CHAT.isoformat()}" data-localtime' in body
    # And the world cities.
    assert "Sydney</span> Tue 2 Feb 2027, 22:00 AEDT" in body
    assert "Los Angeles</span> Tue 2 Feb 2027, 03:00 PST" in body
    assert "London</span> Tue 2 Feb 2027, 11:00 GMT" in body


def test_an_anonymous_viewer_sees_utc_before_javascript(client, event):
    body = client.get(f"/chats/AusLibChat/events/{event.id}/").content.decode()
    assert "Tue 2 Feb 2027, 11:00 UTC</time>" in body
    assert "localtime.js" in body


def test_before_the_start_the_page_counts_down_and_offers_rsvp(client, event, pat):
    client.force_login(pat.user)
    body = client.get(f"/chats/auslibchat/events/{event.id}/").content.decode()
    assert "Starts in 12 days 23 hours." in body
    assert "I&#x27;m going" in body or "I'm going" in body
    assert "calendar.google.com" in body and "outlook.live.com" in body
    assert f"/chats/auslibchat/events/{event.id}/event.ics" in body
    assert "/room/" not in body


def test_questions_show_before_the_start_only_when_public(client, event, hana):
    url = f"/chats/auslibchat/events/{event.id}/"
    assert "What gets in the way?" not in client.get(url).content.decode()
    Event.objects.filter(pk=event.pk).update(questions_public=True)
    assert "What gets in the way?" in client.get(url).content.decode()


def test_during_the_chat_the_page_links_to_the_room(client, clock, event):
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    body = client.get(f"/chats/auslibchat/events/{event.id}/").content.decode()
    assert f'href="/chats/auslibchat/events/{event.id}/room/"' in body
    # The questions asked so far, not the later ones.
    assert "What does good service look like?" in body
    assert "What gets in the way?" not in body.split('id="questions"')[1].split("</section>")[0]


def test_after_the_chat_the_page_links_to_the_transcript(client, clock, event):
    clock.move_to(FEB_CHAT + timedelta(hours=2))
    body = client.get(f"/chats/auslibchat/events/{event.id}/").content.decode()
    assert f'href="/chats/auslibchat/events/{event.id}/transcript/"' in body


def test_a_busy_chat_lists_its_first_posts_and_points_to_the_rest(client, clock, event, pat):
    clock.move_to(FEB_CHAT + timedelta(minutes=10))
    for i in range(POSTS_SHOWN + 1):
        create_post(user=pat.user, profile=pat.profile, text=f"Answer number {i} #auslibchat")
    url = f"/chats/auslibchat/events/{event.id}/"
    body = client.get(url).content.decode()
    assert "Answer number 0 " in body and f"Answer number {POSTS_SHOWN} " not in body
    assert f"These are the first {POSTS_SHOWN} posts." in body
    clock.move_to(FEB_CHAT + timedelta(days=5))
    assert f'href="{url}transcript/">The transcript</a> has every one' in client.get(url).text


def test_series_page_lists_upcoming_dates_and_the_calendar(client, event):
    body = client.get("/chats/auslibchat/").content.decode()
    assert "Customer Service" in body
    assert "Tue 2 Mar 2027, 19:00 HKT" in body
    assert "/chats/auslibchat/calendar.ics" in body


def test_series_page_offers_the_room_while_a_chat_is_on(client, clock, event):
    room = f'href="/chats/auslibchat/events/{event.id}/room/"'
    assert room not in client.get("/chats/auslibchat/").content.decode()
    clock.move_to(FEB_CHAT + timedelta(minutes=10))
    body = client.get("/chats/auslibchat/").content.decode()
    assert "On now" in body and room in body


def test_unknown_series_and_event_are_404(client, event):
    assert client.get("/chats/nochat/").status_code == 404
    assert client.get("/chats/auslibchat/events/1/").status_code == 404


def test_drafts_are_hidden_from_everyone_but_hosts(client, event, hana, olly):
    Event.objects.filter(pk=event.pk).update(state=Event.State.DRAFT)
    url = f"/chats/auslibchat/events/{event.id}/"
    client.force_login(olly.user)
    assert client.get(url).status_code == 404
    client.force_login(hana.user)
    assert client.get(url).status_code == 200


def test_private_series_are_not_in_the_directory(client, series):
    Series.objects.filter(pk=series.pk).update(is_public=False)
    assert "#auslibchat" not in client.get("/chats/").content.decode()
    assert client.get("/chats/auslibchat/").status_code == 404


@pytest.mark.parametrize("path", ["/chats/", "/chats/auslibchat/"])
def test_pages_use_no_inline_script(client, event, path):
    body = client.get(path).content.decode()
    assert "<script>" not in body and "style=" not in body


@pytest.mark.parametrize(
    "path",
    ["/chats/auslibchat/events/9300000000000000000/", "/chats/auslibchat/events/1/?question=²"],
)
def test_odd_ids_on_pages_are_not_found(client, series, path):
    assert client.get(path).status_code == 404
