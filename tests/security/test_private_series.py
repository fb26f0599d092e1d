"""A private series is 404 for outsiders on every path to it: its events, their
posts, calendars, transcripts and feeds, on the pages and on the own API. The paths
come from the URL table, so a new route about a series or an event is checked too."""

import pytest
from django.test import Client
from django.urls import get_resolver

from chats import actions as chat_actions
from chats.models import Rsvp
from tests.security.conftest import fill
from tests.security.routes import walk_routes

TOPIC = "Customer Service"


def series_routes() -> list[str]:
    """Every route (pages and the own API) that names a series or one of its events."""

    routes = []
    for route, _ in walk_routes(get_resolver().url_patterns):
        if route.startswith(("api/v1", "api/v2", "admin/")):
            continue
        if "hashtag>" in route or "event_id>" in route:
            routes.append(route)
    return sorted(set(routes))


@pytest.fixture
def private(world, hana):
    chat_actions.update_series(user=hana.user, series=world.series, is_public=False)
    return world


def refused(response, anonymous: bool) -> bool:
    if response.status_code in (404, 405):
        return True
    if anonymous and response.status_code == 302:
        return response["Location"].startswith("/login/")
    return anonymous and response.status_code == 401


def test_the_table_names_the_event_paths():
    routes = series_routes()
    for expected in (
        "chats/<str:hashtag>/events/<id:event_id>/",
        "chats/<str:hashtag>/events/<id:event_id>/transcript/export.<str:fmt>",
        "api/hashchat/v1/events/<event_id>/posts",
        "api/hashchat/v1/events/<event_id>.ics",
    ):
        assert expected in routes, routes


@pytest.mark.parametrize("who", ["anonymous", "olly"])
def test_outsiders_get_404_on_every_path_of_a_private_series(private, olly, who):
    client = Client()
    if who == "olly":
        client.force_login(olly.user)
    leaks = []
    for route in series_routes():
        path = fill(route, private.params)
        response = client.get(path)
        if not refused(response, who == "anonymous"):
            leaks.append((path, response.status_code))
    assert leaks == []


def test_the_hosts_still_see_it(private, hana, ngac):
    client = Client()
    client.force_login(hana.user)
    for path in (
        f"/chats/auslibchat/events/{private.event.id}/",
        f"/chats/auslibchat/events/{private.event.id}/event.ics",
        f"/chats/auslibchat/events/{private.event.id}/transcript/",
        f"/api/hashchat/v1/events/{private.event.id}",
        f"/api/hashchat/v1/events/{private.event.id}/posts",
    ):
        assert client.get(path).status_code == 200, path


def test_the_feeds_leave_a_private_series_out(private):
    for path in ("/transcripts.atom", "/chats/auslibchat/transcripts.atom", "/"):
        response = Client().get(path)
        assert TOPIC not in response.content.decode(), path


def test_an_outsider_cannot_rsvp_to_an_event_of_a_private_series(private, olly):
    client = Client()
    client.force_login(olly.user)
    response = client.post(f"/chats/auslibchat/events/{private.next_event.id}/rsvp/", {})
    assert response.status_code == 404
    assert not Rsvp.objects.filter(profile=olly.profile).exists()
