"""Grouping by question: welcome, Q1..Qn, the closing post, after the hour."""

from transcripts.building import build


def keys(built):
    return [g.key for g in built.groups]


def group_of(built, post):
    return built.items[post.id].group


def test_groups_come_in_the_order_of_the_hour(chat):
    built = build(chat.event)
    assert keys(built) == ["welcome", "q1", "q2", "q3", "closing", "after"]
    assert built.groups[0].title == "Welcome and introductions"
    assert built.groups[1].title == "Q1: What does good service look like?"
    assert built.groups[-1].title == "After the hour"


def test_each_question_post_heads_its_group(chat):
    built = build(chat.event)
    for key in ("welcome", "q1", "q2", "q3", "closing"):
        assert built.group(key).heading.id == chat.posts[key].id


def test_an_answer_with_a_prefix_goes_to_its_question_even_when_late(chat):
    built = build(chat.event)
    assert group_of(built, chat.posts["a1_pat"]) == "q1"
    # Posted during Q2, but it says "a1".
    assert group_of(built, chat.posts["a1_late"]) == "q1"
    assert group_of(built, chat.posts["a2_olly"]) == "q2"


def test_a_reply_to_a_question_answers_it_and_is_listed_as_an_answer(chat):
    built = build(chat.event)
    hk = built.items[chat.posts["a1_hk"].id]
    assert hk.group == "q1"
    assert hk in built.group("q1").items


def test_introductions_go_under_welcome_and_unprefixed_posts_follow_the_clock(chat):
    built = build(chat.event)
    assert group_of(built, chat.posts["intro_pat"]) == "welcome"
    assert group_of(built, chat.posts["hello_olly"]) == "welcome"
    assert group_of(built, chat.posts["q3_hana"]) == "q3"
    assert group_of(built, chat.posts["after"]) == "after"


def test_within_a_group_threads_are_oldest_first(chat):
    built = build(chat.event)
    items = built.group("q1").items
    assert [i.id for i in items] == sorted(i.id for i in items)
