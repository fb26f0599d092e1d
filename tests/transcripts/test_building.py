"""Which posts a transcript holds, and where each one sits."""

from posts import actions as post_actions
from transcripts.building import build


def ids(built):
    return set(built.items)


def test_a_reply_without_the_hashtag_lands_in_its_thread(chat):
    built = build(chat.event)
    reply = built.items[chat.posts["a1_reply"].id]
    assert "#" not in reply.text
    assert reply.parent is built.items[chat.posts["a1_pat"].id]
    assert reply.group == "q1"
    deeper = built.items[chat.posts["a1_reply2"].id]
    assert deeper.parent is reply


def test_a_late_reply_in_the_tail_window_joins_the_thread(chat):
    built = build(chat.event)
    late = built.items[chat.posts["late_reply"].id]
    assert late.parent is built.items[chat.posts["a2_olly"].id]
    assert late.group == "q2"


def test_it_leaves_out_posts_outside_the_window_and_unrelated_posts(chat):
    built = build(chat.event)
    assert chat.posts["early"].id not in ids(built)
    assert chat.posts["off_topic"].id not in ids(built)


def test_it_takes_the_hosts_own_posts_in_the_window_without_the_hashtag(chat, hana, ngac):
    post = chat.post("host_aside", 40, hana, "Great answers so far, everyone", profile=ngac)
    built = build(chat.event)
    assert post.id in ids(built)
    assert built.items[post.id].is_host


def test_reposts_are_counted_not_repeated(chat):
    built = build(chat.event)
    assert len(built.reposts) == 2
    assert all(r.id not in built.items for r in built.reposts)
    assert built.items[chat.posts["a2_olly"].id].reposts == 1
    assert built.items[chat.posts["a1_pat"].id].reposts == 1


def test_a_deleted_post_goes_and_its_replies_move_up(chat, olly):
    post_actions.delete_post(user=olly.user, post=chat.posts["a1_reply"])
    built = build(chat.event)
    assert chat.posts["a1_reply"].id not in built.items
    moved = built.items[chat.posts["a1_reply2"].id]
    assert moved.parent is built.items[chat.posts["a1_pat"].id]


def test_a_post_after_the_tail_window_is_not_in_the_transcript(chat, pat):
    chat.at(60 * 24 * 4)  # the window closes 72 hours after the end
    post = post_actions.create_post(
        user=pat.user, profile=pat.profile, text="Too late", in_reply_to=chat.posts["a1_pat"]
    )
    assert post.id not in build(chat.event).items


def test_it_builds_with_a_fixed_number_of_queries(chat, pat, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        build(chat.event)
    for n in range(30):
        chat.post(f"more{n}", 40 + n / 10, pat, f"A3 more {n} #auslibchat")
    event = type(chat.event).objects.select_related("series").get(pk=chat.event.pk)
    with django_assert_max_num_queries(12):
        build(event)
