"""A locked profile approves or refuses follows from other servers."""

import json

from accounts.models import Follow, Profile
from federation.models import Delivery, FollowRequest
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import activity

PAT = f"{THERE}/users/pat"


def test_a_locked_profile_approves_a_remote_follow(
    chat_b,
    as_hana,
    hana,
    django_capture_on_commit_callbacks,
):
    answer = as_hana.patch("/api/v1/accounts/update_credentials", {"locked": "true"})
    assert answer.status_code == 200 and answer.json()["locked"] is True
    follow = activity("Follow", "https://chat-a.test/@hana")
    assert signed_post("/inbox", follow).status_code == 202
    assert not Follow.objects.filter(followee=hana.profile).exists()
    pending = as_hana.get("/api/v1/follow_requests").json()
    assert [a["acct"] for a in pending] == ["pat@chat-b.test"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_hana.post(f"/api/v1/follow_requests/{pending[0]['id']}/authorize")
    assert answer.status_code == 200 and answer.json()["followed_by"] is True
    assert Follow.objects.filter(followee=hana.profile, follower__uri=PAT).exists()
    accept = json.loads(Delivery.objects.get(inbox=f"{THERE}/inbox").body)
    assert accept["type"] == "Accept" and accept["object"]["id"] == follow["id"]
    assert as_hana.get("/api/v1/follow_requests").json() == []


def test_a_locked_profile_refuses_a_remote_follow(chat_b, as_hana, hana):
    as_hana.patch("/api/v1/accounts/update_credentials", {"locked": "true"})
    signed_post("/inbox", activity("Follow", "https://chat-a.test/@hana"))
    pat = Profile.objects.get(uri=PAT)
    answer = as_hana.post(f"/api/v1/follow_requests/{pat.id}/reject")
    assert answer.status_code == 200 and answer.json()["followed_by"] is False
    assert FollowRequest.objects.get(follower=pat).state == FollowRequest.State.REJECTED
    reject = json.loads(Delivery.objects.get(inbox=f"{THERE}/inbox").body)
    assert reject["type"] == "Reject"
    assert as_hana.post(f"/api/v1/follow_requests/{pat.id}/authorize").status_code == 404


def test_lookup_finds_a_known_remote_account(chat_b, as_hana):
    signed_post("/inbox", activity("Follow", "https://chat-a.test/@hana"))
    found = as_hana.get("/api/v1/accounts/lookup", {"acct": "pat@chat-b.test"})
    assert found.status_code == 200 and found.json()["acct"] == "pat@chat-b.test"
    assert as_hana.get("/api/v1/accounts/lookup", {"acct": "nobody@chat-b.test"}).status_code == 404


def test_a_follow_of_a_remote_profile_is_requested_until_accepted(
    chat_b, as_hana, hana, django_capture_on_commit_callbacks
):
    signed_post("/inbox", activity("Follow", "https://chat-a.test/@hana"))
    pat = Profile.objects.get(uri=PAT)
    with django_capture_on_commit_callbacks(execute=True):
        followed = as_hana.post(f"/api/v1/accounts/{pat.id}/follow")
    assert followed.status_code == 200
    [relation] = as_hana.get("/api/v1/accounts/relationships", {"id[]": [pat.id]}).json()
    assert (relation["following"], relation["requested"]) == (False, True)
    sent = json.loads(Delivery.objects.get(activity_id__contains="#follows/").body)
    signed_post("/inbox", activity("Accept", sent, 2))
    [relation] = as_hana.get("/api/v1/accounts/relationships", {"id[]": [pat.id]}).json()
    assert (relation["following"], relation["requested"], relation["followed_by"]) == (
        True,
        False,
        True,
    )
