"""Bring a test server's data to a realistic moment for screenshots: the demo is
seeded (last month's chat with its transcript), and this month's demo chat
started 38 minutes ago with everything up to then already posted (Q4 is the
current question). Run inside `hashchat manage shell` against the server's data:

    from tests.browser.demo_state import seed_midway; seed_midway()

It moves the clock of its own process only (time-machine), never the server's.
"""

import json
from datetime import timedelta

import time_machine
from django.utils import timezone

from demo import live_steps, plan_live_event
from demo.play import Player, post_due_now
from demo.seed import past_event, seed

PARTICIPANTS = 80


def seed_midway(minutes: float = 38.0) -> dict:
    series, past = seed(seed=7, participants=PARTICIPANTS, log=lambda *_: None)
    event = plan_live_event(lead=timedelta(minutes=-minutes))
    steps = [s for s in live_steps(event, seed=7, participants=PARTICIPANTS) if s.at <= minutes]
    with time_machine.travel(event.starts_at, tick=False) as traveller:
        Player(event, steps, wait_until=traveller.move_to, post_timed=post_due_now).run()
    assert past_event(series) == past
    state = {
        "tag": series.hashtag,
        "live": str(event.id),
        "past": str(past.id),
        "now": timezone.now().isoformat(),
    }
    print(json.dumps(state))
    return state
