"""The transcript follows late posts until the tail window closes, then freezes."""

from datetime import timedelta

from posts import actions as post_actions
from transcripts import actions
from transcripts.building import build
from transcripts.models import Transcript


def test_it_does_not_freeze_before_the_tail_window_closes(chat):
    chat.clock.move_to(chat.event.window_ends_at - timedelta(minutes=1))
    assert actions.freeze_due() == 0
    assert not build(chat.event).frozen


def test_the_periodic_job_freezes_it_once_after_the_tail_window(chat):
    chat.clock.move_to(chat.event.window_ends_at + timedelta(minutes=1))
    assert actions.freeze_due() == 1
    assert actions.freeze_due() == 0
    transcript = Transcript.objects.get(event=chat.event)
    assert transcript.frozen_at == chat.event.window_ends_at + timedelta(minutes=1)
    assert len(transcript.participant_ids) == 6


def test_a_frozen_transcript_keeps_its_membership(chat, olly, hana):
    before = build(chat.event)
    chat.clock.move_to(chat.event.window_ends_at + timedelta(hours=1))
    actions.freeze_due()
    # Olly becomes a co-host: a live build would now take his off-topic post.
    chat.event.series.cohosts.add(olly.profile)
    assert chat.posts["off_topic"].id in build(chat.event, live=True).items
    frozen = build(chat.event)
    assert frozen.frozen
    assert set(frozen.items) == set(before.items)
    assert {i.group for i in frozen.items.values()} == {i.group for i in before.items.values()}
    assert len(frozen.reposts) == 2
    # A host's rebuild takes the posts as they are now.
    actions.rebuild(user=hana.user, event=chat.event)
    rebuilt = build(chat.event)
    assert rebuilt.frozen
    assert chat.posts["off_topic"].id in rebuilt.items


def test_edits_after_freezing_show_but_do_not_move_posts(chat, pat):
    chat.clock.move_to(chat.event.window_ends_at + timedelta(hours=1))
    actions.freeze_due()
    post_actions.edit_post(user=pat.user, post=chat.posts["a1_late"], text="A2 changed my mind")
    item = build(chat.event).items[chat.posts["a1_late"].id]
    assert (item.text, item.group) == ("A2 changed my mind", "q1")


def test_rebuilding_before_the_window_closes_keeps_following(chat, hana):
    transcript = actions.rebuild(user=hana.user, event=chat.event)
    assert not transcript.is_frozen
