"""`hashchat demo`: a demo chat anyone can watch.

It seeds (idempotently) the #libchat series with its hosts, about 150 participants
and a past event with a full transcript, then plans an event that starts a minute
later and plays its hour compressed (20 times faster by default: about three
minutes), everything through the actions layer. See docs/demo.md.
"""

import argparse
import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from chats import actions as chat_actions
from chats.models import Series
from core.errors import ActionError
from demo import cast as demo_cast
from demo import script, topics
from demo.play import Player, post_timed_now
from demo.seed import HASHTAG, past_event
from demo.seed import seed as seed_demo  # (not `seed`: that name is the module demo.seed)

logger = logging.getLogger("demo")

DEFAULT_SEED = 7
DEFAULT_SPEED = 20.0
DEFAULT_PARTICIPANTS = 150
LEAD = timedelta(minutes=1)


def room_path(hashtag: str, event_id: int) -> str:
    return f"/chats/{hashtag}/events/{event_id}/room/"


def event_path(hashtag: str, event_id: int) -> str:
    return f"/chats/{hashtag}/events/{event_id}/"


def transcript_path(hashtag: str, event_id: int) -> str:
    return f"/chats/{hashtag}/events/{event_id}/transcript/"


def plan_live_event(*, lead: timedelta = LEAD, now: datetime | None = None):
    """A new live demo event starting `lead` from now. Earlier demo events that
    never began are removed first (one upcoming demo event at a time)."""
    series = Series.objects.get(hashtag__iexact=HASHTAG)
    owner = series.organiser.memberships.filter(role="owner").select_related("user").first()
    if owner is None:
        raise RuntimeError(f"@{series.organiser.handle} has no owner to host the demo.")
    host = owner.user
    now = now or timezone.now()
    for old in series.events.filter(topic=topics.LIVE_TOPIC.title, starts_at__gt=now):
        try:
            chat_actions.delete_event(user=host, event=old)
        except ActionError:
            pass
    return chat_actions.create_event(
        user=host,
        series=series,
        topic=topics.LIVE_TOPIC.title,
        description=topics.LIVE_TOPIC.description,
        starts_at=(now + lead).replace(microsecond=0),
        questions=script.plan(topics.LIVE_TOPIC),
        questions_public=True,
    )


def live_steps(event, *, seed: int, participants: int):
    people = demo_cast.build_cast(seed, participants)
    series = event.series
    return script.build(
        seed=seed + 1,
        topic=topics.LIVE_TOPIC,
        cast=people,
        hashtag=series.hashtag,
        organiser=series.organiser.handle,
        host=demo_cast.HOST["handle"],
        cohost=demo_cast.COHOST["handle"],
        participants=min(115, len(people)),
        pre_chat=True,
    )


def print_urls(base_url: str, live_event, past_event, log: Callable[[str], object]) -> None:
    tag = live_event.series.hashtag
    log("")
    wait = max(0, round((live_event.starts_at - timezone.now()).total_seconds()))
    log(f"The #{tag} demo chat starts at {live_event.starts_at:%H:%M:%S} UTC (in {wait} s).")
    log(f"  room:        {base_url}{room_path(tag, live_event.id)}")
    log(f"  event:       {base_url}{event_path(tag, live_event.id)}")
    log(f"  transcript:  {base_url}{transcript_path(tag, past_event.id)}  (last month's chat)")
    log(f"  host login:        {demo_cast.HOST['username']} / {demo_cast.HOST['password']}")
    log(
        f"  participant login: {demo_cast.PARTICIPANT['username']} / "
        f"{demo_cast.PARTICIPANT['password']}"
    )
    log("")


def real_wait(stop: threading.Event | None = None) -> Callable[[datetime], object]:
    stop = stop or threading.Event()

    def wait_until(moment: datetime) -> None:
        delay = (moment - timezone.now()).total_seconds()
        if delay > 0:
            stop.wait(delay)
        if stop.is_set():
            raise SystemExit(0)

    return wait_until


def play_live(
    *,
    seed: int = DEFAULT_SEED,
    participants: int = DEFAULT_PARTICIPANTS,
    speed: float = DEFAULT_SPEED,
    base_url: str | None = None,
    wait_until: Callable[[datetime], object] | None = None,
    lead: timedelta = LEAD,
    log: Callable[[str], object] = print,
    report: Callable[[str, int, int | None], object] | None = None,
):
    """Plan the live event, print where to watch it, and play its hour (`report`
    follows its steps, for a progress bar)."""
    event = plan_live_event(lead=lead)
    series = Series.objects.get(hashtag__iexact=HASHTAG)
    print_urls(base_url or settings.BASE_URL, event, past_event(series), log)
    steps = live_steps(event, seed=seed, participants=participants)
    done = iter(range(1, len(steps) + 1))
    player = Player(
        event,
        steps,
        wait_until=wait_until or real_wait(),
        post_timed=post_timed_now,
        speed=speed,
        on_step=(lambda step: report("playing the live hour", next(done), len(steps)))
        if report
        else None,
    )
    tally = player.run()
    log(f"The demo hour of #{series.hashtag} is over: {tally}.")
    return event, tally


def run_demo(args: argparse.Namespace, report=None) -> None:
    """`hashchat demo`: seed, then (unless --no-live) play the live hour here."""
    seed_demo(seed=args.seed, participants=args.participants, report=report)
    if args.no_live:
        return
    play_live(
        seed=args.seed,
        participants=args.participants,
        speed=args.speed,
        base_url=args.base_url,
        report=report,
    )


def start_with_server(args: argparse.Namespace, base_url: str) -> threading.Thread:
    """For `hashchat serve --with-demo`: seed in a separate short process (it moves
    its own clock), then play the live hour in a thread of the serving process, so
    every post reaches the room through this process's live hub."""

    def run() -> None:
        try:
            seeding = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "hashchat.cli",
                    "demo",
                    "--no-live",
                    "--seed",
                    str(args.demo_seed),
                    "--participants",
                    str(args.demo_participants),
                ],
                check=False,
            )
            if seeding.returncode != 0:
                logger.error("the demo could not be seeded (exit %s)", seeding.returncode)
                return
            play_live(
                seed=args.demo_seed,
                participants=args.demo_participants,
                speed=args.demo_speed,
                base_url=base_url,
                log=lambda line: print(line, flush=True),
            )
        except SystemExit:
            pass
        except Exception:
            logger.exception("the demo stopped")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="hashchat-demo", daemon=True)
    thread.start()
    return thread
