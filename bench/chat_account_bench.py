"""How long a series' own account takes to boost one chat post to 1,000 remote followers
over 200 inboxes (the loopback sink of bench/federation_bench.py, which verifies every
signature): from the post's commit to the last Announce delivered.

    .venv/bin/python bench/chat_account_bench.py --followers 1000 --inboxes 200
"""

import argparse
import os
import platform
import sys
import threading
import time
from datetime import timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from federation_bench import Sink, deliver_all, follow_from_sinks, setup  # noqa: E402


def bench_boost(followers: int, inboxes: int, port: int) -> tuple[float, int]:
    from django.db import transaction
    from django.utils import timezone

    from accounts import actions as account_actions
    from chats import actions as chat_actions
    from federation.models import Delivery
    from posts import actions as post_actions

    user = account_actions.sign_up(
        username=f"host{int(time.time())}", email="host@example.org", password="bench-pass-42!"
    )
    host = user.personal_profile
    assert host is not None
    tag = f"benchchat{int(time.time())}"
    series = chat_actions.create_series(
        user=user, organiser=host, hashtag=tag, title="Bench chat", timezone="UTC",
        rrule="FREQ=DAILY", start_time="10:00",
    )  # fmt: skip
    chat_actions.create_event(
        user=user,
        series=series,
        starts_at=timezone.now() - timedelta(seconds=5),
        topic="Bench",
        # Real questions: an event whose questions are placeholders stays a draft.
        questions=[
            {"kind": "question", "text": f"Bench question {n}", "offset": 10 * n}
            for n in range(1, 6)
        ],
    )
    account = series.account
    assert account is not None
    follow_from_sinks(account, followers, inboxes, port)
    start = time.perf_counter()
    with transaction.atomic():
        # Posted as the organiser without federation's own followers: only the boost goes out.
        post_actions.create_post(
            user=None, profile=host, text=f"Q1 What makes a library welcoming? #{tag}", system=True
        )
    queued = Delivery.objects.filter(body__contains='"Announce"').count()
    deliver_all()
    return time.perf_counter() - start, queued


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--inboxes", type=int, default=200)
    args = parser.parse_args()
    setup(args.inboxes)
    server = ThreadingHTTPServer(("0.0.0.0", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seconds, queued = bench_boost(args.followers, args.inboxes, server.server_address[1])
    server.shutdown()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"| one chat post boosted to {args.followers} followers over {args.inboxes} inboxes | "
        f"{queued} Announce deliveries in {seconds:.2f} s, {Sink.good} verified, "
        f"{Sink.bad} refused |"
    )


if __name__ == "__main__":
    main()
