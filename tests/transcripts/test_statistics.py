"""Statistics, exact on the fixture chat (see conftest for who posts what)."""

from datetime import UTC, datetime

from tests.conftest import make_person
from tests.transcripts.conftest import plan_event
from transcripts.building import build
from transcripts.statistics import compute, series_trend

MARCH = datetime(2027, 3, 2, 11, 0, tzinfo=UTC)


def test_it_counts_posts_and_participants(chat):
    stats = compute(build(chat.event))
    # 18 posts in the transcript (Wendy's withheld answer counted) and 2 reposts.
    assert (stats.posts, stats.originals, stats.replies, stats.reposts) == (20, 12, 6, 2)
    # NGAC, Pat, HKLibConnect, Olly, Wendy and Hana.
    assert stats.participants == 6
    assert (stats.new_participants, stats.returning_participants) == (6, 0)


def test_it_counts_posts_per_question(chat):
    stats = compute(build(chat.event))
    # The posts under each question as its group shows them: the question itself
    # and hidden posts are not counted, so the page and the statistics agree.
    built = build(chat.event)
    assert [(g.key, g.posts, g.participants) for g in stats.per_group] == [
        ("welcome", 2, 2),
        ("q1", 7, 4),
        ("q2", 2, 2),
        ("q3", 1, 1),
        ("closing", 0, 0),
        ("after", 1, 1),
    ]
    assert [g.posts for g in stats.per_group] == [g.post_count for g in built.groups]


def test_named_lists_leave_out_withheld_authors(chat):
    stats = compute(build(chat.event))
    assert [(c.handle, c.posts) for c in stats.top_contributors] == [
        ("NGAC", 5),
        ("olly", 5),
        ("pat", 5),
        ("hana", 1),
        ("HKLibConnect", 1),
    ]
    # Wendy's answer has the most likes (3) but is withheld.
    assert [(i.id, i.like_count) for i in stats.most_liked] == [
        (chat.posts["a1_pat"].id, 2),
        (chat.posts["a2_olly"].id, 1),
    ]
    assert [i.id for i in stats.most_reposted] == [
        chat.posts["a1_pat"].id,
        chat.posts["a2_olly"].id,
    ]
    assert stats.locations == [("Copenhagen", 1), ("Hong Kong", 1), ("Sydney", 1)]
    assert [(lk.url, lk.count, lk.first.id) for lk in stats.links] == [
        ("https://example.org/listen", 2, chat.posts["a1_pat"].id),
        ("https://example.org/queues", 1, chat.posts["a2_olly"].id),
    ]


def test_it_counts_posts_per_minute_with_the_questions_marked(chat):
    stats = compute(build(chat.event))
    expected = [0] * 60
    for minute, n in {
        0: 1,
        1: 1,
        2: 1,
        5: 1,
        6: 1,
        7: 2,
        8: 1,
        9: 2,
        15: 1,
        16: 1,
        17: 1,
        25: 1,
        30: 1,
        55: 1,
    }.items():
        expected[minute] = n
    assert stats.per_minute == expected
    assert stats.after_the_hour == 2
    assert stats.markers == [(0, "Welcome"), (5, "Q1"), (15, "Q2"), (25, "Q3"), (55, "Closing")]


def test_the_activity_chart_is_svg_without_script(chat):
    from transcripts.charts import activity_svg

    svg = activity_svg(compute(build(chat.event)))
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "Q2" in svg


def test_participants_of_an_earlier_event_are_returning(chat, hana, pat, olly):
    march = plan_event(hana, chat.event.series, start=MARCH, topic="Outreach")
    newcomer = make_person("nia", display_name="Nia")
    chat.event = march
    chat.ask(0, "welcome")
    chat.post("m_pat", 1, pat, "Back again #auslibchat")
    chat.post("m_olly", 2, olly, "Me too #auslibchat")
    chat.post("m_nia", 3, newcomer, "First time! #auslibchat")
    stats = compute(build(march))
    # NGAC, Pat and Olly were there in February; Nia is new.
    assert (stats.participants, stats.returning_participants, stats.new_participants) == (4, 3, 1)
    chat.at(60 * 24)
    trend = series_trend(march.series)
    assert [(p.participants, p.returning) for p in trend] == [(6, 0), (4, 3)]
    assert trend[1].percent_returning == 75
