"""A series' own account, @auslibchat@chat-a.test: a Group actor that anyone on any
server follows to follow the chat; it boosts the chat's posts (Announce), un-boosts
what a host hides (Undo Announce), never boosts twice, and follows back."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from accounts.models import Follow, Profile
from chats import accounts as chat_accounts
from chats import actions, scheduler
from chats.models import ChatPost, Question
from federation import chat_account
from federation.models import Delivery
from federation.moderation import block_domain
from posts.models import Post
from tests.chats.conftest import FEB_CHAT, clock, event, series  # noqa: F401 (fixtures)
from tests.federation.conftest import AS_JSON, THERE, signed_post
from tests.federation.test_inbox import PAT, activity, create

HERE = "https://chat-a.test"
ACCOUNT = f"{HERE}/@auslibchat"


def sent(kind: str) -> list[dict]:
    bodies = [json.loads(d.body) for d in Delivery.objects.order_by("id")]
    return [b for b in bodies if b["type"] == kind]


@pytest.fixture
def followed(series, chat_b, django_capture_on_commit_callbacks):  # noqa: F811
    """Pat on chat-b.test follows @auslibchat (and is followed back)."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_post("/@auslibchat/inbox", activity("Follow", ACCOUNT))
    assert answer.status_code == 202
    return series


@pytest.fixture
def live(clock, event, followed, django_capture_on_commit_callbacks):  # noqa: F811
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.run_due()
    return event


def test_the_series_account_is_a_group_actor_found_by_webfinger(series, federation_on):  # noqa: F811
    account = series.account
    assert account is not None and account.handle == "auslibchat" and account.is_chat_account
    finger = Client().get("/.well-known/webfinger", {"resource": "acct:auslibchat@chat-a.test"})
    assert finger.status_code == 200
    assert {"rel": "self", "type": AS_JSON, "href": ACCOUNT} in finger.json()["links"]
    actor = Client().get("/@auslibchat", HTTP_ACCEPT=AS_JSON).json()
    assert actor["type"] == "Group"
    assert actor["url"] == f"{HERE}/chats/auslibchat/"
    assert actor["preferredUsername"] == "auslibchat"
    assert actor["icon"]["url"].startswith(HERE)
    assert "Australian library chat" in actor["summary"]
    names = {a["name"] for a in actor["attachment"]}
    assert "Chat" in names


def test_the_actor_names_the_next_event(event, federation_on):  # noqa: F811
    actor = Client().get("/@auslibchat", HTTP_ACCEPT=AS_JSON).json()
    next_chat = [a for a in actor["attachment"] if a["name"] == "Next chat"]
    assert next_chat == [
        {"type": "PropertyValue", "name": "Next chat", "value": "2027-02-02 11:00 UTC"}
    ]
    assert "Customer Service" in actor["summary"]


def test_the_mastodon_api_shows_the_account_as_a_group(series, as_hana):  # noqa: F811
    found = as_hana.get("/api/v1/accounts/lookup", {"acct": "auslibchat"})
    assert found.status_code == 200
    assert found.json()["group"] is True
    assert as_hana.get("/api/v1/accounts/lookup", {"acct": "NGAC"}).json()["group"] is False


def test_a_hashtag_that_is_a_taken_handle_gets_no_account(clock, hana, ngac):  # noqa: F811
    taken = actions.create_series(
        user=hana.user,
        organiser=ngac,
        hashtag="ngac",
        title="NGAC's own chat",
        timezone="UTC",
        rrule="FREQ=WEEKLY",
        start_time="10:00",
    )
    assert taken.account is None
    assert Profile.objects.filter(handle__iexact="ngac").count() == 1


def test_a_remote_follower_is_accepted_and_followed_back(followed, chat_b):
    account = followed.account
    pat = Profile.objects.get(uri=PAT)
    assert Follow.objects.filter(follower=pat, followee=account).exists()
    assert Follow.objects.filter(follower=account, followee=pat).exists()
    assert [a["object"]["actor"] for a in sent("Accept")] == [PAT]
    assert [(a["actor"], a["object"]) for a in sent("Follow")] == [(ACCOUNT, PAT)]


def test_follow_back_can_be_turned_off(series, chat_b, hana, django_capture_on_commit_callbacks):  # noqa: F811
    chat_accounts.set_options(user=hana.user, series=series, follow_back=False)
    with django_capture_on_commit_callbacks(execute=True):
        signed_post("/@auslibchat/inbox", activity("Follow", ACCOUNT))
    assert sent("Accept") and not sent("Follow")


def test_questions_are_boosted_to_the_followers(live):
    account = live.series.account
    welcome = Question.objects.get(event=live, kind="welcome").post
    q1 = Question.objects.get(event=live, number=1).post
    boosted = set(Post.objects.filter(author=account).values_list("repost_of_id", flat=True))
    assert boosted == {welcome.id, q1.id}
    announces = sent("Announce")
    assert {a["object"] for a in announces} == {
        f"{HERE}/@NGAC/{welcome.id}",
        f"{HERE}/@NGAC/{q1.id}",
    }
    assert all(a["actor"] == ACCOUNT for a in announces)
    assert {d.inbox for d in Delivery.objects.filter(body__contains='"Announce"')} == {
        f"{THERE}/inbox"
    }


def remote_note(chat_b, number: int, content: str, **extra) -> dict:
    return chat_b.note(
        number,
        content,
        published=(FEB_CHAT + timedelta(minutes=6)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **extra,
    )


def test_a_remote_hashtag_post_is_boosted_once(live, chat_b, django_capture_on_commit_callbacks):
    note = remote_note(
        chat_b,
        5,
        "<p>A1 Smiles first #auslibchat</p>",
        tag=[{"type": "Hashtag", "name": "#auslibchat"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", create(note)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    assert ChatPost.objects.get(post=post).question.number == 1
    again = chat_account.boost(post)
    assert again is not None and again.author == live.series.account
    assert Post.objects.filter(repost_of=post).count() == 1
    assert [a["object"] for a in sent("Announce")].count(note["id"]) == 1


def test_a_post_that_only_mentions_the_account_joins_the_chat(
    live, chat_b, django_capture_on_commit_callbacks
):
    note = remote_note(
        chat_b,
        6,
        '<p><a href="https://chat-a.test/@auslibchat" class="mention">@auslibchat</a> hello all</p>',
        tag=[{"type": "Mention", "href": ACCOUNT, "name": "@auslibchat@chat-a.test"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", create(note)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    link = ChatPost.objects.get(post=post)
    assert link.event == live and link.via == "mention" and link.question is None
    assert note["id"] in [a["object"] for a in sent("Announce")]


def test_a_hidden_post_is_unboosted(live, chat_b, hana, django_capture_on_commit_callbacks):
    note = remote_note(chat_b, 7, "<p>Buy my thing #auslibchat</p>")
    with django_capture_on_commit_callbacks(execute=True):
        signed_post("/inbox", create(note))
    post = Post.objects.get(uri=note["id"])
    assert Post.objects.filter(repost_of=post).exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide_post(user=hana.user, profile=live.series.organiser, event=live, post=post)
    assert not Post.objects.filter(repost_of=post).exists()
    undone = sent("Undo")
    assert [(u["actor"], u["object"]["type"], u["object"]["object"]) for u in undone] == [
        (ACCOUNT, "Announce", note["id"])
    ]
    # Boosting it again does nothing: a hidden post stays un-boosted.
    assert chat_account.boost(Post.objects.get(pk=post.pk)) is None


def test_outside_events_hashtag_posts_are_boosted_only_when_turned_on(
    followed, chat_b, hana, django_capture_on_commit_callbacks
):
    first = chat_b.note(8, "<p>Between chats #auslibchat</p>")
    with django_capture_on_commit_callbacks(execute=True):
        signed_post("/inbox", create(first))
    assert not Post.objects.filter(repost_of__uri=first["id"]).exists()
    chat_accounts.set_options(user=hana.user, series=followed, boost_outside_events=True)
    second = chat_b.note(9, "<p>Still here #auslibchat</p>")
    with django_capture_on_commit_callbacks(execute=True):
        signed_post("/inbox", create(second))
    assert Post.objects.filter(repost_of__uri=second["id"], author=followed.account).exists()


def test_the_series_page_shows_how_to_follow_from_another_server(series, federation_on):  # noqa: F811
    page = Client().get("/chats/auslibchat/")
    html = page.content.decode()
    assert "@auslibchat@chat-a.test" in html
    assert 'data-copy="@auslibchat@chat-a.test"' in html
    assert "form-action 'self' https:" in page["Content-Security-Policy"]
    answer = Client().post("/chats/auslibchat/follow/", {"server": "@pat@chat-b.test"})
    assert answer.status_code == 302
    assert answer["Location"] == (
        "https://chat-b.test/authorize_interaction?uri=acct%3Aauslibchat%40chat-a.test"
    )
    bad = Client().post("/chats/auslibchat/follow/", {"server": "not a server"})
    assert bad.status_code == 400
    assert 'id="id_server_error"' in bad.content.decode()
    assert "not a server&#x27;s address" in bad.content.decode()


def test_without_federation_the_page_offers_no_remote_follow(series):  # noqa: F811
    assert "authorize" not in Client().get("/chats/auslibchat/").content.decode()
    assert Client().get("/chats/auslibchat/follow/").status_code == 404


def test_a_host_changes_the_account_settings(series, hana, federation_on):  # noqa: F811
    client = Client()
    client.force_login(hana.user)
    answer = client.post("/chats/auslibchat/account/", {"boost_outside_events": "on"})
    assert answer.status_code == 302
    series.refresh_from_db()
    assert series.boost_outside_events and not series.follow_back
    assert Client().post("/chats/auslibchat/account/", {}).status_code in (302, 404)
    series.refresh_from_db()
    assert series.boost_outside_events


def test_a_blocked_domains_post_mentioning_the_account_stays_out(
    live, chat_b, hana, django_capture_on_commit_callbacks
):
    hana.user.is_staff = True
    hana.user.save(update_fields=["is_staff"])
    block_domain(admin=hana.user, domain="chat-b.test")
    note = remote_note(
        chat_b,
        10,
        '<p><a href="https://chat-a.test/@auslibchat" class="mention">@auslibchat</a> blocked #auslibchat</p>',
        tag=[{"type": "Mention", "href": ACCOUNT, "name": "@auslibchat@chat-a.test"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", create(note)).status_code == 403
    assert not Post.objects.filter(uri=note["id"]).exists()
    assert note["id"] not in [a["object"] for a in sent("Announce")]


def test_the_room_shows_each_post_once_without_the_accounts_boosts(
    live, chat_b, django_capture_on_commit_callbacks
):
    from chats.room import room_page
    from chats.room_stream import leaving_out_boosts_by
    from live.envelope import Envelope
    from tests.chats.test_room_page_sql import room_posts

    note = remote_note(
        chat_b,
        6,
        "<p>A1 Quiet corners #auslibchat</p>",
        tag=[{"type": "Hashtag", "name": "#auslibchat"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", create(note)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    boost = Post.objects.get(repost_of=post, author=live.series.account)
    shown = set(room_posts(live).values_list("id", flat=True))
    assert post.id in shown and boost.id not in shown
    assert {p.id for p in room_page(live, None, limit=100)} == shown
    # Someone else's repost still shows, as before.
    accept = leaving_out_boosts_by(live.series.account_id)
    account = str(live.series.account_id)
    assert not accept(Envelope(1, [], "update", "{}", author_id=account, is_repost=True))
    assert accept(Envelope(2, [], "update", "{}", author_id=account, is_repost=False))
    assert accept(Envelope(3, [], "update", "{}", author_id="42", is_repost=True))
