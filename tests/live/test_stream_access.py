"""A stream opened with a token lasts only as long as the token's access
(issue 15.4): a suspension ends the profile's open streams at once, in every
process (a CLOSE event through the hub), and at every heartbeat a stream asks
again whether its token still authenticates (a revoked token, a lost membership)."""

import functools
from types import SimpleNamespace

import pytest

from accounts import actions as account_actions
from live import database, streaming
from live.envelope import CLOSE
from live.hub import Hub, get_hub
from live.streams import Viewer, access_stream, still_valid, viewer_for_token
from mastodon_api import actions as api_actions


def viewer_of(profile_id: int) -> Viewer:
    return Viewer(profile=SimpleNamespace(id=profile_id), scopes=frozenset({"read"}))


async def test_a_close_event_ends_the_streams_of_that_profile_only():
    hub = Hub()
    pat, hana = hub.open(), hub.open()
    for subscriber, profile_id in ((pat, 1), (hana, 2)):
        hub.add(subscriber, ("user",), {f"user:{profile_id}"})
        streaming.watch_access(hub, subscriber, viewer_of(profile_id))

    start = hub.current_id()
    hub.emit([access_stream(1)], CLOSE, "{}")
    hub.emit(["user:2"], "notification", "{}")
    await hub.drained()

    assert pat.closed and not pat.dropped
    assert not hana.closed
    ((envelope, labels),) = await hana.next()
    assert envelope.name == "notification"
    # A CLOSE is never sent nor kept for a resume.
    assert hub.replay({access_stream(1), "user:1"}, start) == []


def test_suspending_a_profile_closes_its_streams_after_commit(
    pat, capture_events, django_capture_on_commit_callbacks
):
    admin = account_actions.sign_up(
        username="ada", email="ada@example.org", password="ada-secret-pw"
    )
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.suspend(admin=admin, profile=pat.profile)
    assert ([access_stream(pat.profile.id)], {"type": CLOSE}) in capture_events


@pytest.fixture
def token(transactional_db, pat):
    app = api_actions.register_app(
        name="stream test", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read"
    )
    issued = api_actions.issue_token(
        app=app, user=pat.user, profile=pat.profile, scopes=frozenset({"read"})
    )
    return SimpleNamespace(app=app, access_token=issued.access_token)


def test_a_revoked_token_or_a_suspended_profile_is_no_longer_valid(token, pat):
    viewer = viewer_for_token(token.access_token)
    assert viewer is not None and viewer.profile_id == pat.profile.id
    assert still_valid(viewer)

    api_actions.revoke(
        app=token.app,
        token=token.access_token,
    )
    assert not still_valid(viewer)


def test_a_suspended_profile_is_no_longer_valid(token, pat):
    viewer = viewer_for_token(token.access_token)
    pat.profile.is_suspended = True
    pat.profile.save(update_fields=["is_suspended"])
    assert not still_valid(viewer)


async def test_at_a_heartbeat_a_stream_with_a_revoked_token_ends(token):
    viewer = await database.run(viewer_for_token, token.access_token)
    subscriber = get_hub().open()
    try:
        # Between heartbeats nothing is asked.
        assert not await streaming.access_lost(subscriber, viewer)
        subscriber.mark(heartbeat=True)
        assert not await streaming.access_lost(subscriber, viewer)

        await database.run(
            functools.partial(
                api_actions.revoke,
                app=token.app,
                token=token.access_token,
            )
        )
        assert await streaming.access_lost(subscriber, viewer)
        # A stream without a token (public, a room) is never asked.
        assert not await streaming.access_lost(subscriber, None)
    finally:
        get_hub().close(subscriber)
