"""search?resolve=true finds remote accounts and posts; the Mastodon API shows them
with their own addresses; admins block domains and suspend remote profiles."""

import json

import pytest

from accounts import actions as account_actions
from accounts.models import Follow, Profile
from federation import moderation
from federation.models import Delivery, DomainBlock
from posts import actions as post_actions
from posts.models import Post
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import create
from tests.mastodon_api.conftest import ApiClient, make_token

PAT = f"{THERE}/users/pat"


@pytest.fixture
def webfinger(chat_b):
    chat_b.objects[f"{THERE}/.well-known/webfinger?resource=acct:pat@chat-b.test"] = {
        "subject": "acct:pat@chat-b.test",
        "links": [{"rel": "self", "type": "application/activity+json", "href": PAT}],
    }
    return chat_b


def test_search_resolves_a_remote_account_by_its_handle(webfinger, as_hana):
    answer = as_hana.get("/api/v2/search", {"q": "@pat@chat-b.test", "resolve": "true"})
    assert answer.status_code == 200
    account = answer.json()["accounts"][0]
    assert account["acct"] == "pat@chat-b.test"
    assert account["username"] == "pat"
    assert account["uri"] == PAT
    assert account["url"] == f"{THERE}/@pat"
    # Known now: found again without resolving.
    again = as_hana.get("/api/v1/accounts/search", {"q": "pat@chat-b.test"}).json()
    assert [a["acct"] for a in again] == ["pat@chat-b.test"]


def test_search_without_resolve_fetches_nothing(webfinger, as_hana):
    answer = as_hana.get("/api/v2/search", {"q": "@pat@chat-b.test"})
    assert answer.json()["accounts"] == []
    assert webfinger.requests == []


def test_search_resolves_an_actor_url_and_a_post_url(chat_b, as_hana):
    accounts = as_hana.get("/api/v2/search", {"q": PAT, "resolve": "true"}).json()["accounts"]
    assert accounts[0]["acct"] == "pat@chat-b.test"
    note = chat_b.note(7, "<p>A1 a note to find #libchat</p>")
    found = as_hana.get(
        "/api/v2/search", {"q": note["id"], "resolve": "true", "type": "statuses"}
    ).json()["statuses"]
    assert len(found) == 1
    status = found[0]
    assert status["uri"] == note["id"]
    assert status["url"] == f"{THERE}/@pat/7"
    assert status["account"]["acct"] == "pat@chat-b.test"
    assert "A1 a note to find" in status["content"]


def test_missing_parents_are_fetched_up_to_the_depth_cap(chat_b, as_hana, settings):
    settings.FEDERATION = {**settings.FEDERATION, "THREAD_DEPTH": 2}
    chat_b.note(1, "<p>root</p>")
    for n in range(2, 6):
        chat_b.note(n, f"<p>reply {n}</p>", inReplyTo=f"{PAT}/statuses/{n - 1}")
    assert signed_post("/inbox", create(chat_b.objects[f"{PAT}/statuses/5"])).status_code == 202
    stored = sorted(
        int(uri.rsplit("/", 1)[1]) for uri in Post.objects.values_list("uri", flat=True)
    )
    assert stored == [3, 4, 5]
    top = Post.objects.get(uri=f"{PAT}/statuses/3")
    assert top.in_reply_to is None
    assert Post.objects.get(uri=f"{PAT}/statuses/5").in_reply_to.uri == f"{PAT}/statuses/4"


def test_resolving_a_private_address_finds_nothing(federation_on, as_hana):
    answer = as_hana.get("/api/v2/search", {"q": "https://127.0.0.1/users/x", "resolve": "true"})
    assert answer.status_code == 200
    assert answer.json()["accounts"] == [] and answer.json()["statuses"] == []


def test_an_admin_blocks_a_domain_through_the_mastodon_admin_api(
    chat_b, app, hana, pat, django_capture_on_commit_callbacks
):
    hana.user.is_staff = True
    hana.user.save(update_fields=["is_staff"])
    signed_post("/inbox", create(chat_b.note(1, "<p>before the block</p>")))
    remote = Profile.objects.get(uri=PAT)
    mine = post_actions.create_post(user=pat.user, profile=pat.profile, text="local")
    signed_post(
        "/inbox",
        {
            "id": f"{PAT}#like/1",
            "type": "Like",
            "actor": PAT,
            "object": f"https://chat-a.test/@pat/{mine.id}",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.follow(user=pat.user, profile=pat.profile, target=remote)
    assert Delivery.objects.filter(domain="chat-b.test").exists()

    admin = ApiClient(make_token(app, hana, scopes="read write admin:read admin:write"))
    answer = admin.post(
        "/api/v1/admin/domain_blocks", {"domain": "chat-b.test", "severity": "suspend"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["domain"] == "chat-b.test"
    assert [b["domain"] for b in admin.get("/api/v1/admin/domain_blocks").json()] == ["chat-b.test"]

    assert not Post.objects.filter(author=remote).exists()
    mine.refresh_from_db()
    assert mine.like_count == 0
    assert not Follow.objects.filter(followee=remote).exists()
    pat.profile.refresh_from_db()
    assert pat.profile.following_count == 0
    assert not Delivery.objects.filter(domain="chat-b.test", state="queued").exists()
    # Its next activity is refused, and stores nothing.
    answer = signed_post("/inbox", create(chat_b.note(2, "<p>after the block</p>")))
    assert answer.status_code == 403
    assert not Post.objects.filter(uri__startswith=THERE).exists()


def test_only_admins_block_domains(app, pat, db):
    client = ApiClient(make_token(app, pat, scopes="read write admin:read admin:write"))
    answer = client.post("/api/v1/admin/domain_blocks", {"domain": "chat-b.test"})
    assert answer.status_code == 403
    assert not DomainBlock.objects.exists()
    plain = ApiClient(make_token(app, pat))
    assert plain.get("/api/v1/admin/domain_blocks").status_code == 403


def test_a_suspended_remote_profile_is_refused(chat_b, hana):
    hana.user.is_staff = True
    signed_post("/inbox", create(chat_b.note(1, "<p>one</p>")))
    remote = Profile.objects.get(uri=PAT)
    moderation.suspend_remote_profile(admin=hana.user, profile=remote)
    assert signed_post("/inbox", create(chat_b.note(2, "<p>two</p>"))).status_code == 403
    assert Post.objects.filter(author=remote).count() == 1


def test_a_domain_sending_too_much_is_slowed_down(chat_b, db, settings):
    settings.FEDERATION = {**settings.FEDERATION, "INBOX_PER_DOMAIN_PER_MINUTE": 2}
    codes = [
        signed_post("/inbox", create(chat_b.note(n, f"<p>{n}</p>"))).status_code for n in range(3)
    ]
    assert codes == [202, 202, 429]
    assert "error" in json.loads(signed_post("/inbox", create(chat_b.note(9, "x"))).content)
