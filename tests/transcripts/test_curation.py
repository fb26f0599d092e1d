"""The hosts' curation: hide, highlight, reorder, notes, introduction; it survives
a rebuild; only hosts may curate."""

import pytest

from accounts.models import Membership
from core.errors import InvalidInput, NotAllowed
from transcripts import actions
from transcripts.building import build
from transcripts.models import PostCuration


def order(event, key):
    return [i.id for i in build(event).group(key).items]


def test_a_host_hides_a_post_and_its_replies(chat, hana):
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a1_reply"].id, hidden=True
    )
    built = build(chat.event)
    public = [i.id for i, _ in built.walk(built.group("q1"))]
    assert chat.posts["a1_reply"].id not in public
    assert chat.posts["a1_reply2"].id not in public
    assert chat.posts["a1_pat"].id in public
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a1_reply"].id, hidden=False
    )
    built = build(chat.event)
    assert chat.posts["a1_reply2"].id in [i.id for i, _ in built.walk(built.group("q1"))]


def test_a_host_highlights_a_post(chat, hana):
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a1_hk"].id, highlighted=True
    )
    assert build(chat.event).items[chat.posts["a1_hk"].id].highlighted


def test_a_host_moves_a_thread_up_and_down_within_its_group(chat, hana):
    before = order(chat.event, "q1")
    late = chat.posts["a1_late"].id
    assert before[-1] == late
    actions.move_post(user=hana.user, event=chat.event, post_id=late, direction="up")
    after = order(chat.event, "q1")
    assert after == before[:-2] + [late, before[-2]]
    actions.move_post(user=hana.user, event=chat.event, post_id=late, direction="down")
    assert order(chat.event, "q1") == before


def test_only_the_top_of_a_thread_can_be_moved(chat, hana):
    with pytest.raises(InvalidInput):
        actions.move_post(
            user=hana.user, event=chat.event, post_id=chat.posts["a1_reply"].id, direction="up"
        )


def test_a_host_writes_notes_and_an_introduction(chat, hana):
    actions.set_note(user=hana.user, event=chat.event, group="q2", note="Queues came up a lot.")
    actions.set_introduction(user=hana.user, event=chat.event, text="Our February chat.")
    built = build(chat.event)
    assert built.group("q2").note == "Queues came up a lot."
    assert built.transcript.introduction == "Our February chat."
    with pytest.raises(InvalidInput):
        actions.set_note(user=hana.user, event=chat.event, group="q9", note="No such question")


def test_curation_survives_a_rebuild(chat, hana, pat):
    q1 = chat.posts["a1_late"].id
    actions.move_post(user=hana.user, event=chat.event, post_id=q1, direction="up")
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a2_olly"].id, hidden=True
    )
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a1_hk"].id, highlighted=True
    )
    actions.set_note(user=hana.user, event=chat.event, group="welcome", note="Hello!")
    expected = order(chat.event, "q1")
    chat.at(60 * 24 * 5)
    assert actions.freeze(chat.event)
    transcript = actions.rebuild(user=hana.user, event=chat.event)
    assert transcript.is_frozen
    built = build(chat.event)
    assert [i.id for i in built.group("q1").items] == expected
    assert built.items[chat.posts["a2_olly"].id].hidden
    assert built.items[chat.posts["a1_hk"].id].highlighted
    assert built.group("welcome").note == "Hello!"


def test_a_cohost_may_curate(chat, hana, pat):
    chat.event.series.cohosts.add(pat.profile)
    actions.mark_post(
        user=pat.user, event=chat.event, post_id=chat.posts["q3_hana"].id, highlighted=True
    )
    assert build(chat.event).items[chat.posts["q3_hana"].id].highlighted


def test_olly_cannot_curate(chat, olly):
    post = chat.posts["a1_pat"].id
    with pytest.raises(NotAllowed):
        actions.mark_post(user=olly.user, event=chat.event, post_id=post, hidden=True)
    with pytest.raises(NotAllowed):
        actions.move_post(user=olly.user, event=chat.event, post_id=post, direction="up")
    with pytest.raises(NotAllowed):
        actions.set_note(user=olly.user, event=chat.event, group="q1", note="Mine now")
    with pytest.raises(NotAllowed):
        actions.set_introduction(user=olly.user, event=chat.event, text="Mine now")
    with pytest.raises(NotAllowed):
        actions.rebuild(user=olly.user, event=chat.event)
    assert not PostCuration.objects.exists()


def test_olly_cannot_curate_through_the_page(chat, olly, client):
    client.force_login(olly.user)
    url = f"/chats/auslibchat/events/{chat.event.id}/transcript/"
    page = client.get(url).content.decode()
    assert 'value="hide"' not in page
    response = client.post(
        url + "curate/", {"action": "hide", "post": chat.posts["a1_pat"].id}, follow=True
    )
    assert "Only the hosts of #auslibchat" in response.content.decode()
    assert not PostCuration.objects.exists()


def test_a_host_curates_through_the_page_without_javascript(chat, hana, client):
    client.force_login(hana.user)
    url = f"/chats/auslibchat/events/{chat.event.id}/transcript/"
    assert 'value="hide"' in client.get(url).content.decode()
    post = chat.posts["a1_late"].id
    response = client.post(url + "curate/", {"action": "up", "post": post})
    assert response.status_code == 302 and response["Location"].endswith(f"#p{post}")
    assert order(chat.event, "q1")[-2] == post
    client.post(url + "curate/", {"action": "note", "group": "q1", "note": "Listening!"})
    assert build(chat.event).group("q1").note == "Listening!"


def test_a_post_outside_the_transcript_cannot_be_marked(chat, hana):
    with pytest.raises(InvalidInput):
        actions.mark_post(
            user=hana.user, event=chat.event, post_id=chat.posts["off_topic"].id, hidden=True
        )


def test_a_manager_posting_as_themselves_highlights_through_the_page(chat, ngac, olly, client):
    Membership.objects.create(user=olly.user, profile=ngac, role=Membership.Role.MANAGER)
    client.force_login(olly.user)  # posting as his personal profile
    url = f"/chats/auslibchat/events/{chat.event.id}/transcript/"
    assert 'value="highlight"' in client.get(url).content.decode()
    post = chat.posts["a1_hk"].id
    response = client.post(url + "curate/", {"action": "highlight", "post": post})
    assert response.status_code == 302
    assert build(chat.event).items[post].highlighted
