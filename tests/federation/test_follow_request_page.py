"""The follow requests page: a profile that approves its followers sees who asked
and accepts or rejects each with a plain form; Accept and Reject go out through
the delivery queue."""

import json

from django.test import Client

from accounts.models import Follow, Profile
from federation import delivery
from federation.models import Delivery, FollowRequest
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import activity

PAT = f"{THERE}/users/pat"
PAGE = "/settings/follow-requests/"


def logged_in(person) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(person.user)
    return client


def csrf_client(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person.user)
    return client


def ask_to_follow(chat_b, hana, number: int = 1) -> dict:
    Profile.objects.filter(pk=hana.profile.pk).update(manually_approves_followers=True)
    follow = activity("Follow", "https://chat-a.test/@hana", number)
    assert signed_post("/inbox", follow).status_code == 202
    return follow


def test_the_page_lists_pending_requests_with_accept_and_reject_forms(chat_b, hana):
    ask_to_follow(chat_b, hana)
    page = logged_in(hana).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    pat = Profile.objects.get(uri=PAT)
    assert "@pat@chat-b.test" in html
    assert f'action="/settings/follow-requests/{pat.id}/accept/"' in html
    assert f'action="/settings/follow-requests/{pat.id}/reject/"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 3  # the setting and both buttons
    assert 'href="/settings/follow-requests/"' in html and 'aria-current="page"' in html


def test_accepting_makes_the_follow_and_queues_an_accept(
    chat_b, hana, django_capture_on_commit_callbacks
):
    follow = ask_to_follow(chat_b, hana)
    pat = Profile.objects.get(uri=PAT)
    assert not Follow.objects.filter(followee=hana.profile).exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = logged_in(hana).post(f"{PAGE}{pat.id}/accept/")
    assert answer.status_code == 302 and answer["Location"] == PAGE
    assert Follow.objects.filter(followee=hana.profile, follower=pat).exists()
    row = Delivery.objects.get(inbox=f"{THERE}/inbox")
    sent = json.loads(row.body)
    assert sent["type"] == "Accept" and sent["object"]["id"] == follow["id"]
    delivery.run_due()
    assert [json.loads(s.body)["type"] for s in chat_b.received] == ["Accept"]
    page = logged_in(hana).get(PAGE).content.decode()
    assert "No one is waiting" in page


def test_rejecting_queues_a_reject_and_makes_no_follow(chat_b, hana):
    ask_to_follow(chat_b, hana)
    pat = Profile.objects.get(uri=PAT)
    answer = logged_in(hana).post(f"{PAGE}{pat.id}/reject/", follow=True)
    assert "Rejected @pat@chat-b.test" in answer.content.decode()
    assert FollowRequest.objects.get(follower=pat).state == FollowRequest.State.REJECTED
    assert not Follow.objects.filter(followee=hana.profile).exists()
    assert json.loads(Delivery.objects.get(inbox=f"{THERE}/inbox").body)["type"] == "Reject"
    # Answered already: a second answer is refused with a message and changes nothing.
    again = logged_in(hana).post(f"{PAGE}{pat.id}/accept/", follow=True)
    assert "has not asked to follow" in again.content.decode()
    assert not Follow.objects.filter(followee=hana.profile).exists()


def test_someone_else_cannot_answer_hanas_requests(chat_b, hana, pat):
    ask_to_follow(chat_b, hana)
    remote = Profile.objects.get(uri=PAT)
    answer = logged_in(pat).post(f"{PAGE}{remote.id}/accept/", follow=True)
    assert "has not asked to follow @pat" in answer.content.decode()
    assert FollowRequest.objects.get(follower=remote).state == FollowRequest.State.PENDING
    assert not Delivery.objects.exists()


def test_the_buttons_need_a_post_with_csrf_and_a_login(chat_b, hana):
    ask_to_follow(chat_b, hana)
    pat = Profile.objects.get(uri=PAT)
    assert logged_in(hana).get(f"{PAGE}{pat.id}/accept/").status_code == 405
    assert csrf_client(hana).post(f"{PAGE}{pat.id}/accept/").status_code == 403
    anonymous = Client().post(f"{PAGE}{pat.id}/accept/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert Client().get(PAGE)["Location"].startswith("/login/")
    assert FollowRequest.objects.get(follower=pat).state == FollowRequest.State.PENDING


def test_the_page_turns_approval_on_and_off(chat_b, hana):
    client = logged_in(hana)
    assert 'name="approve" checked' not in client.get(PAGE).content.decode()
    client.post(PAGE, {"approve": "on"})
    assert 'name="approve" checked' in client.get(PAGE).content.decode()
    hana.profile.refresh_from_db()
    assert hana.profile.manually_approves_followers is True
    # Now a follow waits, and shows on the page.
    follow = activity("Follow", "https://chat-a.test/@hana")
    assert signed_post("/inbox", follow).status_code == 202
    assert "@pat@chat-b.test" in client.get(PAGE).content.decode()
    client.post(PAGE, {})
    hana.profile.refresh_from_db()
    assert hana.profile.manually_approves_followers is False


def test_the_settings_link_to_the_page(hana):
    assert f'href="{PAGE}"' in logged_in(hana).get("/settings/").content.decode()
