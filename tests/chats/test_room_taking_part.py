"""The room, as a participant and a host use it: what is typed is what is posted,
replies keep their context, filtering by question asks the server, and every
manager of the hosting organisation moderates."""

from datetime import timedelta

from accounts.models import Membership
from chats.models import ChatPost
from posts.actions import create_post
from posts.models import Post
from tests.chats.conftest import FEB_CHAT

DURING = FEB_CHAT + timedelta(minutes=20)


def room_url(event) -> str:
    return f"/chats/{event.series.hashtag}/events/{event.id}/room/"


TAG = " #auslibchat"


def post_as(client, event, text, **extra):
    return client.post(
        room_url(event) + "post", {"text": text, **extra}, HTTP_ACCEPT="application/json"
    )


def test_a_reply_is_posted_exactly_as_typed_even_with_a_question_chosen(
    client, clock, event, pat, hana, ngac
):
    clock.move_to(DURING)
    answer = create_post(user=hana.user, profile=ngac, text="A1 Smiles" + TAG)
    client.force_login(pat.user)
    response = post_as(client, event, "So true, and quick too", answer="1", in_reply_to=answer.id)
    assert response.status_code == 201
    post = Post.objects.get(pk=response.json()["item"]["id"])
    assert post.text == "So true, and quick too" + TAG
    assert post.in_reply_to_id == answer.id


def test_500_characters_with_the_hashtag_post_and_501_are_refused(client, clock, event, pat):
    clock.move_to(DURING)
    client.force_login(pat.user)
    # The room's box holds the label and the hashtag: 500 characters in all.
    exactly = "A1 " + "x" * (500 - 3 - len(TAG)) + TAG
    assert post_as(client, event, exactly, answer="1").status_code == 201
    assert Post.objects.filter(text=exactly).exists()
    over = "y" * (501 - len(TAG)) + TAG
    refused = post_as(client, event, over)
    assert refused.status_code == 422
    assert "at most 500 characters; this one has 501" in refused.json()["error"]


def test_a_reply_shows_what_it_answers(client, clock, event, pat, hana, ngac):
    clock.move_to(DURING)
    answer = create_post(user=pat.user, profile=pat.profile, text="A1 Smiles at the desk" + TAG)
    reply = create_post(user=hana.user, profile=ngac, text="Yes!", in_reply_to=answer)
    items = client.get(room_url(event) + "posts.json").json()["items"]
    shown = next(i for i in items if i["id"] == str(reply.id))
    assert shown["reply_to"] == {
        "id": str(answer.id),
        "acct": "pat",
        "excerpt": "A1 Smiles at the desk #auslibchat",
    }
    html = client.get(room_url(event)).content.decode()
    article = html.split(f'id="post-{reply.id}"', 1)[1].split("</article>", 1)[0]
    assert f'href="/posts/{answer.id}/">↩ @pat</a>: <q>A1 Smiles at the desk' in article


def test_filtering_by_question_asks_the_server_for_every_answer(client, clock, event, pat, olly):
    clock.move_to(DURING)
    q2_answers = [
        create_post(user=olly.user, profile=olly.profile, text=f"A2 Answer {n}" + TAG)
        for n in range(3)
    ]
    # Many newer posts: the Q2 answers are far beyond the first page of the room.
    for n in range(45):
        create_post(user=pat.user, profile=pat.profile, text=f"A1 Chatter {n}" + TAG)
    assert ChatPost.objects.filter(question__number=2).count() == 3
    page = client.get(room_url(event) + "posts.json?limit=30&question=2").json()
    assert [i["id"] for i in page["items"]] == [str(p.id) for p in reversed(q2_answers)]
    assert page["more"] is False
    assert client.get(room_url(event) + "posts.json?question=x").status_code == 400


def test_every_manager_of_the_hosting_organisation_moderates(
    client, clock, event, hana, ngac, pat, olly
):
    clock.move_to(DURING)
    Membership.objects.create(user=olly.user, profile=ngac, role=Membership.Role.MANAGER)
    rude = create_post(user=pat.user, profile=pat.profile, text="Something rude" + TAG)
    client.force_login(olly.user)
    # Olly posts as himself (his active profile), yet manages NGAC: Hide is there.
    html = client.get(room_url(event)).content.decode()
    assert 'data-verb="hide"' in html and 'data-is-host="1"' in html
    response = client.post(
        room_url(event) + f"posts/{rude.id}/hide",
        {"profile": str(olly.profile.id)},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    rude.refresh_from_db()
    assert rude.hidden_at is not None and rude.hidden_by_id == ngac.id
    # Pat manages no host profile: no Hide, and a hide is refused.
    client.force_login(pat.user)
    assert 'data-verb="hide"' not in client.get(room_url(event)).content.decode()
    other = create_post(user=olly.user, profile=olly.profile, text="Fine post" + TAG)
    refused = client.post(
        room_url(event) + f"posts/{other.id}/hide", HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 403


def test_every_manager_hides_from_the_event_page_whatever_profile_they_post_as(
    client, clock, event, hana, ngac, pat, olly
):
    clock.move_to(DURING)
    Membership.objects.create(user=olly.user, profile=ngac, role=Membership.Role.MANAGER)
    rude = create_post(user=pat.user, profile=pat.profile, text="Something rude" + TAG)
    page = f"/chats/auslibchat/events/{event.id}/"
    client.force_login(olly.user)
    # Olly posts as himself; the page offers Hide all the same, with no profile to pick.
    html = client.get(page).content.decode()
    assert "Hide from the chat" in html and 'name="as"' not in html
    response = client.post(page + f"posts/{rude.id}/hide/")
    assert response.status_code == 302 and response["Location"] == page
    rude.refresh_from_db()
    assert rude.hidden_at is not None and rude.hidden_by_id == ngac.id
    # An old form that still names his own profile hides too, as NGAC.
    second = create_post(user=pat.user, profile=pat.profile, text="Rude again" + TAG)
    client.post(page + f"posts/{second.id}/hide/", {"as": str(olly.profile.id)})
    second.refresh_from_db()
    assert second.hidden_by_id == ngac.id
    # Pat manages no host profile: no Hide on the page, and a hide gets a plain 403.
    client.force_login(pat.user)
    assert "Hide from the chat" not in client.get(page).content.decode()
    other = create_post(user=olly.user, profile=olly.profile, text="Fine post" + TAG)
    refused = client.post(page + f"posts/{other.id}/hide/", {"as": str(ngac.id)})
    assert refused.status_code == 403
    assert "Only the hosts of #auslibchat can hide posts." in refused.content.decode()
    other.refresh_from_db()
    assert other.hidden_at is None
