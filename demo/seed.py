"""Seed the demo, idempotently: the cast, the #libchat series, and one past event
with a full hour of posts (so its transcript is complete).

The past hour is played with the clock moved to each step's time (time-machine),
so posts, likes and the scheduler's questions carry the times they would have had.
That moves the clock of the whole process, so it runs where nothing else is
serving: in `hashchat demo` itself, or in the short seeding process that
`hashchat serve --with-demo` starts before it plays the live hour.
"""

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Membership, Profile, User
from chats import actions as chat_actions
from chats import scheduler
from chats.models import Event, Series
from demo import cast as demo_cast
from demo import script, topics
from demo.play import Player, Tally, post_due_now

HASHTAG = "libchat"
SERIES_TITLE = "#libchat: the library chat"
SERIES_ZONE = "Asia/Hong_Kong"
SERIES_RULE = "FREQ=MONTHLY;BYDAY=1TU"
SERIES_TIME = "19:00"
# The crowd's logins are never used to log in: their (random) passwords are hashed
# with a cheap hasher that the site does not accept, so seeding takes seconds.
CROWD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _email(username: str) -> str:
    return f"{username}@example.org"


def _login(username: str, password: str, handle: str, **profile: str) -> User:
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        user = account_actions.sign_up(
            username=username, email=_email(username), password=password, handle=handle, **profile
        )
    return user


def _person_fields(spec: dict) -> dict:
    keys = ("display_name", "location", "timezone", "bio")
    return {k: spec[k] for k in keys}


def ensure_cast(seed: int, size: int) -> dict:
    """The hosts, the organiser profile, the crowd and their organisations."""
    host = _login(
        demo_cast.HOST["username"],
        demo_cast.HOST["password"],
        demo_cast.HOST["handle"],
        **_person_fields(demo_cast.HOST),
    )
    cohost = _login(
        demo_cast.COHOST["username"],
        demo_cast.COHOST["password"],
        demo_cast.COHOST["handle"],
        **_person_fields(demo_cast.COHOST),
    )
    organiser = Profile.objects.by_handle(demo_cast.ORGANISER["handle"]).first()
    if organiser is None:
        organiser = account_actions.create_organisation(
            user=host, handle=demo_cast.ORGANISER["handle"], **_person_fields(demo_cast.ORGANISER)
        )
    if not Membership.objects.filter(user=cohost, profile=organiser).exists():
        account_actions.add_member(user=host, profile=organiser, username=cohost.username)

    people = demo_cast.build_cast(seed, size)
    participant = people[0]
    _login(
        participant.username,
        demo_cast.PARTICIPANT["password"],
        participant.handle,
        **_person_fields(demo_cast.PARTICIPANT),
    )
    existing = {h.lower() for h in Profile.objects.values_list("handle", flat=True)}
    with override_settings(PASSWORD_HASHERS=CROWD_HASHERS), transaction.atomic():
        for person in people[1:]:
            if person.handle.lower() in existing:
                continue
            account_actions.sign_up(
                username=person.username,
                email=_email(person.username),
                password=secrets.token_urlsafe(24),
                handle=person.handle,
                display_name=person.display_name,
                location=person.location,
                timezone=person.timezone,
                bio=person.bio,
            )
    by_handle = {p.handle: p for p in people}
    for handle, name, city, zone, bio in demo_cast.ORGANISATIONS:
        if Profile.objects.by_handle(handle).exists():
            continue
        owner_person = next(p for p in people if handle in p.organisations)
        owner = User.objects.get(username__iexact=owner_person.username)
        account_actions.create_organisation(
            user=owner, handle=handle, display_name=name, location=city, timezone=zone, bio=bio
        )
        # The printed participant manages Harbour City Libraries too (a second voice).
        if (
            owner_person is not by_handle[participant.handle]
            and handle in participant.organisations
        ):
            account_actions.add_member(
                user=owner,
                profile=Profile.objects.by_handle(handle).get(),
                username=participant.username,
            )
    return {"host": host, "cohost": cohost, "organiser": organiser, "people": people}


def last_occurrence(now: datetime) -> datetime:
    """The series' latest occurrence that ended at least an hour before `now` (UTC)."""
    zone = ZoneInfo(SERIES_ZONE)
    local_now = now.astimezone(zone)
    start = (local_now - timedelta(days=80)).replace(hour=19, minute=0, second=0, microsecond=0)
    rule = rrulestr(SERIES_RULE, dtstart=start.replace(tzinfo=None))
    found = None
    for moment in rule.between(start.replace(tzinfo=None), local_now.replace(tzinfo=None)):
        aware = moment.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
        if aware + timedelta(hours=2) <= now:
            found = aware
    assert found is not None
    return found


def ensure_series(host: User, organiser: Profile, start_date) -> Series:
    series = Series.objects.filter(hashtag__iexact=HASHTAG).first()
    if series is None:
        series = chat_actions.create_series(
            user=host,
            organiser=organiser,
            hashtag=HASHTAG,
            title=SERIES_TITLE,
            description=(
                "A monthly hour for people who work in and love libraries: five questions, "
                "answers from every timezone. Answer with A1..A5 and #libchat."
            ),
            timezone=SERIES_ZONE,
            rrule=SERIES_RULE,
            start_time=SERIES_TIME,
            start_date=start_date,
            cohosts=[demo_cast.COHOST["handle"]],
        )
    return series


def past_event(series: Series) -> Event | None:
    return series.events.filter(topic=topics.PAST_TOPIC.title).first()


def seed(*, seed: int = 7, participants: int = 150, log=print, report=None) -> tuple[Series, Event]:
    """Create what is missing; return the series and its past event. `report(stage,
    done, total)`, when given, follows the past hour's steps (progress bars)."""
    # Only the demo moves the clock: time-machine loads when it seeds, not at start-up.
    import time_machine

    now = timezone.now()
    series = Series.objects.filter(hashtag__iexact=HASHTAG).first()
    if series is not None and (event := past_event(series)) is not None:
        ensure_cast(seed, participants)
        return series, event
    occurrence = last_occurrence(now)
    log(f"Seeding the demo: {participants} profiles and the past #{HASHTAG} event …")
    with time_machine.travel(occurrence - timedelta(days=3), tick=False) as traveller:
        cast = ensure_cast(seed, participants)
        local_start = occurrence.astimezone(ZoneInfo(SERIES_ZONE))
        series = ensure_series(cast["host"], cast["organiser"], local_start.date())
        traveller.move_to(occurrence - timedelta(days=2))
        event = chat_actions.create_event(
            user=cast["host"],
            series=series,
            topic=topics.PAST_TOPIC.title,
            description=topics.PAST_TOPIC.description,
            starts_at=occurrence,
            questions=script.plan(topics.PAST_TOPIC),
            questions_public=True,
        )
        steps = script.build(
            seed=seed,
            topic=topics.PAST_TOPIC,
            cast=cast["people"],
            hashtag=series.hashtag,
            organiser=cast["organiser"].handle,
            host=demo_cast.HOST["handle"],
            cohost=demo_cast.COHOST["handle"],
            participants=min(95, len(cast["people"])),
        )
        done = iter(range(1, len(steps) + 1))
        player = Player(
            event,
            steps,
            wait_until=traveller.move_to,
            post_timed=post_due_now,
            speed=1.0,
            on_step=(lambda step: report("seeding the past hour", next(done), len(steps)))
            if report
            else None,
        )
        # One transaction for the whole past hour: seconds instead of a commit per step.
        with transaction.atomic():
            tally: Tally = player.run()
        # Past the end: the scheduler announces it and records the state.
        traveller.move_to(event.ends_at + timedelta(minutes=1))
        scheduler.run_due(now=timezone.now(), worker="demo")
    scheduler.archive(timezone.now())
    log(f"  past event {event.starts_at:%Y-%m-%d}: {tally}")
    return series, event
