"""The own API (/api/hashchat/v1/) takes a bearer token as exactly one profile with
exactly its scopes: `write:chats` (or `write`) to change series and events,
`read:chats` (or `read`) to read them, and the token's profile, not its login,
decides whether it hosts."""

import json

import pytest
from django.test import Client

from chats.models import Series
from mastodon_api import actions as oauth
from tests.mastodon_api.conftest import make_token

SERIES = "/api/hashchat/v1/series/auslibchat"


@pytest.fixture
def app(db):
    return oauth.register_app(
        name="Own API client", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write"
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def patch(path: str, body: dict, token: str):
    return Client().patch(
        path, json.dumps(body), content_type="application/json", headers=bearer(token)
    )


def title(world) -> str:
    return Series.objects.get(pk=world.series.pk).title


def test_a_token_with_another_write_scope_cannot_change_a_series(world, app, hana, ngac):
    token = make_token(app, hana, scopes="write:bookmarks", profile=ngac)
    response = patch(SERIES, {"title": "hacked"}, token)
    assert response.status_code == 403, response.content
    assert "write:chats" in response.json()["error"]
    assert title(world) == "Australian library chat"


def test_a_token_for_the_hosts_personal_profile_cannot_act_as_the_organiser(world, app, hana):
    """Hana's login may act as NGAC, but this token acts as Hana's own profile."""
    token = make_token(app, hana, scopes="read write")
    response = patch(SERIES, {"title": "hacked"}, token)
    assert response.status_code in (403, 404), response.content
    assert "error" in response.json()
    response = patch(f"/api/hashchat/v1/events/{world.next_event.id}", {"topic": "hacked"}, token)
    assert response.status_code in (403, 404), response.content
    world.next_event.refresh_from_db()
    assert world.next_event.topic == "Reference desks"
    assert title(world) == "Australian library chat"


def test_a_token_cannot_create_a_series_for_another_profile_of_its_login(world, app, hana):
    token = make_token(app, hana, scopes="write:chats")
    response = Client().post(
        "/api/hashchat/v1/series",
        json.dumps(
            {
                "hashtag": "ngacextra",
                "title": "x",
                "organiser": "NGAC",
                "timezone": "UTC",
                "rrule": "FREQ=WEEKLY",
                "start_time": "10:00",
            }
        ),
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 403, response.content
    assert not Series.objects.filter(hashtag="ngacextra").exists()


def test_the_organisers_token_with_write_chats_changes_the_series(world, app, hana, ngac):
    token = make_token(app, hana, scopes="write:chats", profile=ngac)
    response = patch(SERIES, {"title": "Renamed"}, token)
    assert response.status_code == 200, response.content
    assert title(world) == "Renamed"


def test_reads_need_read_chats(world, app, hana, ngac):
    assert (
        Client().get(SERIES, headers=bearer(make_token(app, hana, "read:chats"))).status_code == 200
    )
    assert Client().get(SERIES, headers=bearer(make_token(app, hana, "read"))).status_code == 200
    response = Client().get(SERIES, headers=bearer(make_token(app, hana, "read:statuses")))
    assert response.status_code == 403
    assert "read:chats" in response.json()["error"]


def test_a_private_series_is_seen_by_the_token_of_a_host_profile_only(world, app, hana, ngac):
    Series.objects.filter(pk=world.series.pk).update(is_public=False)
    personal = make_token(app, hana, "read")
    official = make_token(app, hana, "read", profile=ngac)
    event = f"/api/hashchat/v1/events/{world.event.id}"
    for path in (SERIES, event, event + "/transcript"):
        assert Client().get(path, headers=bearer(personal)).status_code == 404, path
        assert Client().get(path, headers=bearer(official)).status_code == 200, path


def test_the_openapi_document_says_what_each_operation_needs():
    schema = Client().get("/api/hashchat/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    flow = schemes["token"]["flows"]["authorizationCode"]
    assert set(flow["scopes"]) == {"read:chats", "write:chats"}
    assert "read:chats" in schema["info"]["description"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            wanted = "read:chats" if method == "get" else "write:chats"
            assert {"token": [wanted]} in operation["security"], (method, path)
            assert ({} in operation["security"]) == (method == "get"), (method, path)


def test_an_app_may_ask_for_the_own_api_scopes(db):
    response = Client().post(
        "/api/v1/apps",
        {
            "client_name": "Chat planner",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read:chats write:chats",
        },
    )
    assert response.status_code == 200, response.content
    assert sorted(response.json()["scopes"]) == ["read:chats", "write:chats"]
    metadata = Client().get("/.well-known/oauth-authorization-server").json()
    assert {"read:chats", "write:chats"} <= set(metadata["scopes_supported"])


def test_a_cohost_profiles_token_runs_events_but_does_not_edit_the_series(
    world, app, hana, pat, hklibconnect
):
    from chats import actions as chat_actions

    chat_actions.update_series(user=hana.user, series=world.series, cohosts=["HKLibConnect"])
    cohost = make_token(app, pat, "write:chats", profile=hklibconnect)
    personal = make_token(app, pat, "write:chats")
    event = f"/api/hashchat/v1/events/{world.next_event.id}"
    assert patch(event, {"topic": "From the co-host"}, personal).status_code == 403
    assert patch(event, {"topic": "From the co-host"}, cohost).status_code == 200
    assert patch(SERIES, {"title": "hacked"}, cohost).status_code == 403
    assert title(world) == "Australian library chat"
