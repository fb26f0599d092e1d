from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Profile
from chats import actions, recurrence
from chats.models import Series
from core.errors import InvalidInput

HKT = ZoneInfo("Asia/Hong_Kong")


def test_first_tuesday_at_19_hong_kong_for_twelve_months(db):
    series = Series.objects.create(
        hashtag="auslibchat",
        title="t",
        organiser=Profile.objects.create(handle="org"),
        timezone="Asia/Hong_Kong",
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        start_time=time(19, 0),
        start_date=date(2027, 1, 1),
    )
    found = recurrence.occurrences(series, datetime(2027, 1, 1, tzinfo=UTC), 12)
    local = [m.astimezone(HKT) for m in found]
    assert [d.date() for d in local] == [
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
        date(2027, 4, 6),
        date(2027, 5, 4),
        date(2027, 6, 1),
        date(2027, 7, 6),
        date(2027, 8, 3),
        date(2027, 9, 7),
        date(2027, 10, 5),
        date(2027, 11, 2),
        date(2027, 12, 7),
    ]
    assert all(d.weekday() == 1 and d.day <= 7 for d in local)
    assert {(d.hour, d.minute) for d in local} == {(19, 0)}
    # Hong Kong has no daylight saving: always 11:00 UTC.
    assert {(m.hour, m.minute, m.utcoffset()) for m in found} == {(11, 0, timedelta(0))}


def test_sydney_chat_keeps_21_local_across_dst_and_moves_in_hong_kong(db):
    series = Series.objects.create(
        hashtag="ozchat",
        title="t",
        organiser=Profile.objects.create(handle="oz"),
        timezone="Australia/Sydney",
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        start_time=time(21, 0),
        start_date=date(2026, 9, 1),
    )
    found = recurrence.occurrences(series, datetime(2026, 9, 1, tzinfo=UTC), 9)
    sydney = [m.astimezone(ZoneInfo("Australia/Sydney")) for m in found]
    hk = [m.astimezone(HKT) for m in found]
    assert {(d.hour, d.minute) for d in sydney} == {(21, 0)}
    # Before the first Sunday of October (AEST, UTC+10): 19:00 in Hong Kong.
    assert (found[0], hk[0].hour) == (datetime(2026, 9, 1, 11, 0, tzinfo=UTC), 19)
    # October to March (AEDT, UTC+11): the same chat is at 18:00 in Hong Kong.
    assert (found[1], hk[1].hour) == (datetime(2026, 10, 6, 10, 0, tzinfo=UTC), 18)
    assert found[6] == datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
    # After the first Sunday of April 2027 (back to AEST): 19:00 in Hong Kong again.
    assert (found[7], hk[7].hour) == (datetime(2027, 4, 6, 11, 0, tzinfo=UTC), 19)
    assert [h.hour for h in hk] == [19, 18, 18, 18, 18, 18, 18, 19, 19]


def test_a_start_inside_the_spring_forward_gap_is_the_instant_after_it(db):
    series = Series.objects.create(
        hashtag="earlybird",
        title="t",
        organiser=Profile.objects.create(handle="eb"),
        timezone="Australia/Sydney",
        rrule="FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
        start_time=time(2, 30),
        start_date=date(2026, 1, 1),
    )
    (found,) = recurrence.occurrences(series, datetime(2026, 1, 1, tzinfo=UTC), 1)
    assert found == datetime(2026, 10, 3, 16, 30, tzinfo=UTC)


def test_skipped_and_moved_occurrences(clock, series, hana):
    jan, feb, mar = recurrence.occurrences(series, datetime(2027, 1, 1, tzinfo=UTC), 3)
    actions.skip_occurrence(user=hana.user, series=series, original=feb)
    moved = mar + timedelta(days=1)
    actions.move_occurrence(user=hana.user, series=series, original=mar, new_start=moved)
    found = recurrence.occurrences(series, datetime(2027, 1, 21, tzinfo=UTC), 3)
    assert found == [
        moved,
        datetime(2027, 4, 6, 11, 0, tzinfo=UTC),
        datetime(2027, 5, 4, 11, 0, tzinfo=UTC),
    ]
    actions.restore_occurrence(user=hana.user, series=series, original=feb)
    assert recurrence.occurrences(series, datetime(2027, 1, 21, tzinfo=UTC), 1) == [feb]


def test_it_cannot_skip_a_time_that_is_not_an_occurrence(clock, series, hana):
    with pytest.raises(InvalidInput):
        actions.skip_occurrence(
            user=hana.user, series=series, original=datetime(2027, 2, 3, 11, 0, tzinfo=UTC)
        )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=FORTNIGHTLY",
        "BYDAY=1TU",
        "FREQ=MONTHLY;BYDAY=9XX",
        "FREQ=HOURLY",
        "FREQ=MONTHLY;BYHOUR=3",
        "",
        "nonsense",
        "FREQ=MONTHLY;UNTIL=20200101T000000Z",
    ],
)
def test_invalid_rules_are_refused(rule):
    with pytest.raises(InvalidInput) as e:
        recurrence.validate(rule, "Asia/Hong_Kong", date(2026, 1, 1), time(19, 0))
    assert e.value.field == "rrule"


def test_unknown_timezone_is_refused():
    with pytest.raises(InvalidInput) as e:
        recurrence.validate("FREQ=WEEKLY", "Mars/Olympus_Mons", date(2026, 1, 1), time(19, 0))
    assert e.value.field == "timezone"


def test_rule_is_normalised():
    assert (
        recurrence.validate("rrule:freq=monthly; byday=1tu", "UTC", date(2026, 1, 1), time(9, 0))
        == "FREQ=MONTHLY;BYDAY=1TU"
    )


@pytest.mark.parametrize(
    "rule,words",
    [
        ("FREQ=MONTHLY;BYDAY=1TU", "The first Tuesday of every month"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "The last Friday of every month"),
        ("FREQ=WEEKLY;BYDAY=WE", "Every Wednesday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "Every other Thursday"),
        ("FREQ=DAILY", "Every day"),
        ("FREQ=MONTHLY;BYMONTHDAY=3", "FREQ=MONTHLY;BYMONTHDAY=3"),
    ],
)
def test_rules_in_words(rule, words):
    assert recurrence.describe(rule) == words
