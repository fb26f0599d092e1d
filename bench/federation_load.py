"""Federation under a live chat (not a test): a real `hashchat serve` (the embedded
default: SQLite; its worker a process of its own, or with --worker thread a thread of
the web process) runs a live #benchchat event with
Server-Sent-Events subscribers on its room's event stream, while

1. delivery: the host posts once to 1,000 remote followers over 200 inboxes (the
   loopback sinks of bench/federation_bench.py, which verify every signature) as a
   participant keeps posting to the room; it measures how long the deliveries take
   and the room's stream latency meanwhile;
2. burst: ten remote servers send signed Creates to /inbox, 50 a second in all; it
   measures from each POST to the post's event on the stream, and counts what was
   stored against what was sent.

    .venv/bin/python bench/federation_load.py
    .venv/bin/python bench/federation_load.py --subscribers 100 --burst-rate 50 --seconds 10
    .venv/bin/python bench/federation_load.py --worker thread   # serve --in-process-worker

Latency = when a subscriber read the post's event - when its request was sent.
It prints Markdown table rows; nothing here asserts.
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import signal
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.endpoints_bench import _tree_cpu  # noqa: E402
from bench.federation_bench import Sink, key_pair, signed_create, sink_address  # noqa: E402
from bench.live_fanout import TAG, measure, paced, post_all, token_for  # noqa: E402

SENDERS = 10

SETUP = """
import json
from datetime import time, timedelta
from django.utils import timezone
from accounts import actions as accounts
from accounts.models import Follow, Profile
from chats import actions as chats
from federation import keys
host = accounts.sign_up(username="benchhost", email="bench@example.org",
                        password="bench-secret-pw", timezone="UTC")
accounts.sign_up(username="benchtalker", email="talker@example.org",
                 password="bench-secret-pw", timezone="UTC")
series = chats.create_series(user=host, organiser=host.personal_profile, hashtag="{tag}",
    title="Bench", timezone="UTC", rrule="FREQ=DAILY", start_time=time(0, 0))
event = chats.create_event(user=host, series=series, topic="Federation",
    starts_at=timezone.now() - timedelta(minutes=1), questions=[])
followers = Profile.objects.bulk_create([
    Profile(handle=f"f{{n}}@r{{n % {inboxes}}}.example", domain=f"r{{n % {inboxes}}}.example",
            uri=f"https://r{{n % {inboxes}}}.example/users/f{{n}}",
            inbox_url=f"https://r{{n % {inboxes}}}.example/users/f{{n}}/inbox",
            shared_inbox_url=inboxes_at[n % {inboxes}])
    for n in range({followers})])
Follow.objects.bulk_create(
    [Follow(follower=p, followee=host.personal_profile) for p in followers])
for n in range({senders}):
    actor = f"https://s{{n}}.example/users/p{{n}}"
    Profile.objects.create(handle=f"p{{n}}@s{{n}}.example", domain=f"s{{n}}.example", uri=actor,
        inbox_url=actor + "/inbox", public_key_id=actor + "#main-key",
        public_key_pem=sender_pem)
print(json.dumps({{"event": str(event.id),
                  "key": keys.key_for(host.personal_profile).public_key_pem}}))
"""

COUNT_STORED = """
from federation.models import IncomingActivity
from posts.models import Post
burst = IncomingActivity.objects.filter(activity_id__contains=".example/users/p")
done = burst.filter(state=IncomingActivity.State.DONE).count()
print("counts", done, burst.count() - done,
      Post.objects.filter(uri__contains=".example/users/p").count())
"""


def start(args, sink_port: int, sender_pem: str):
    from federation import keys
    from tests.server import start_server

    server = start_server(
        data_dir=Path(tempfile.mkdtemp(prefix="hashchat-bench-")),
        env={
            "HASHCHAT_BASE_URL": "https://bench.example",
            "HASHCHAT_FEDERATION_ALLOWED_HOSTS": ",".join(
                sink_address(n) for n in range(args.inboxes)
            ),
            "HASHCHAT_RATE_LIMITS": "post:profile=0/60,post:ip=0/60,api=1000000/300",
            "HASHCHAT_LOG_LEVEL": "WARNING",
        },
        args=("--in-process-worker",) if args.worker == "thread" else (),
    )
    inboxes_at = [f"http://{sink_address(n)}:{sink_port}/inbox" for n in range(args.inboxes)]
    script = SETUP.format(tag=TAG, inboxes=args.inboxes, followers=args.followers, senders=SENDERS)
    done = server.hashchat(
        "manage",
        "shell",
        "-c",
        f"inboxes_at = {inboxes_at!r}\nsender_pem = {sender_pem!r}\n{script}",
    )
    made = json.loads(done.stdout.strip().splitlines()[-1])
    Sink.public_key = keys.load_public(made["key"])
    return server, made["event"]


def delivery_phase(server, args, room: str) -> tuple[dict, float, int]:
    """The host's one post to every follower while the talker posts to the room: the
    room's latencies, the seconds until the last inbox had its delivery, and how many
    inboxes had one."""
    import httpx

    host = token_for(server.url, "benchhost", "bench-secret-pw")
    talker = token_for(server.url, "benchtalker", "bench-secret-pw")
    auth = {
        "client": {"headers": {"Authorization": f"Bearer {talker}"}},
        "path": "/api/v1/statuses",
        "body": lambda text: {"json": {"status": text}},
    }
    receipts: list[float] = []
    Sink.good = Sink.bad = 0
    started: list[float] = []

    def host_posts() -> None:
        time.sleep(2.0)
        started.append(time.time())
        answer = httpx.post(
            server.url + "/api/v1/statuses",
            json={"status": f"Q1 What makes a library welcoming? #{TAG}"},
            headers={"Authorization": f"Bearer {host}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        while Sink.good + Sink.bad < args.inboxes and time.time() - started[0] < 120:
            time.sleep(0.01)
        receipts.append(time.time())

    def send(sent: dict[int, float]) -> int:
        poster = threading.Thread(target=host_posts)
        poster.start()
        total = int(args.talk_rate * args.seconds)
        ok = asyncio.run(post_all([server.url], auth, total, args.talk_rate, sent))
        poster.join()
        return ok

    seen = measure([server], args.subscribers, send, room)
    return seen, receipts[0] - started[0], Sink.good + Sink.bad


def burst_phase(server, args, private, room: str) -> dict:
    """Signed Creates from SENDERS servers to the shared inbox at `burst_rate` a second."""
    import httpx

    async def post_burst(sent: dict[int, float]) -> int:
        accepted = 0
        async with httpx.AsyncClient(timeout=30) as client:

            async def one(seq: int) -> None:
                nonlocal accepted
                n = seq % SENDERS
                html = f"<p>bench-{seq}- A1 from afar #{TAG}</p>"
                body, headers = signed_create(
                    f"https://s{n}.example/users/p{n}", seq, html, TAG, private
                )
                sent[seq] = time.time()
                answer = await client.post(server.url + "/inbox", content=body, headers=headers)
                if answer.status_code == 202:
                    accepted += 1
                else:
                    sent.pop(seq, None)
                    print(f"  activity {seq}: {answer.status_code} {answer.text[:80]}")

            await paced(int(args.burst_rate * args.seconds), args.burst_rate, one)
        return accepted

    cpu = _tree_cpu(server.process.pid)
    result = measure([server], args.subscribers, lambda sent: asyncio.run(post_burst(sent)), room)
    result["cpu_ms"] = (_tree_cpu(server.process.pid) - cpu) * 1000 / max(result["posted"], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--inboxes", type=int, default=200)
    parser.add_argument("--talk-rate", type=float, default=5.0, help="room posts a second")
    parser.add_argument("--burst-rate", type=float, default=50.0, help="activities a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--worker",
        choices=["process", "thread"],
        default="process",
        help="serve's worker as a process of its own (its default on 2 cores) or a thread",
    )
    args = parser.parse_args()
    os.environ.setdefault("HASHCHAT_DATA_DIR", tempfile.mkdtemp(prefix="hashchat-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hashchat.settings"
    from hashchat.cli import setup_django

    setup_django()  # for signing and verifying here; the server has its own data
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sink = ThreadingHTTPServer(("0.0.0.0", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    private, pem = key_pair()
    server, event = start(args, sink.server_address[1], pem)
    # The chat room's own event stream, as the room page opens it.
    path = f"/chats/{TAG}/events/{event}/room/stream"
    try:
        room, seconds, inboxes = delivery_phase(server, args, path)
        burst = burst_phase(server, args, private, path)
        counted = server.hashchat("manage", "shell", "-c", COUNT_STORED).stdout
        stored = counted.strip().splitlines()[-1].split()[1:]
    finally:
        server.kill(signal.SIGTERM)
        sink.shutdown()
    print(
        f"# federation under a live chat, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{args.subscribers} subscribers on the room's event stream; the worker as a {args.worker}"
    )
    print("| measure | result |")
    print("|---|---|")
    print(
        f"| one post to {args.followers} followers over {args.inboxes} inboxes, "
        f"as the room gets {args.talk_rate:g} posts/s | {inboxes} inboxes reached in "
        f"{seconds:.2f} s, {Sink.good} verified, {Sink.bad} refused |"
    )
    print(
        f"| the room's stream meanwhile (ms) | p50 {room['p50']:.0f}, p99 {room['p99']:.0f}, "
        f"max {room['max']:.0f}; {room['posted']} posts, {room['missed']} missed |"
    )
    print(
        f"| {args.burst_rate:g} signed Creates/s from {SENDERS} servers for "
        f"{args.seconds:g} s, POST to the stream (ms) | p50 {burst['p50']:.0f}, "
        f"p99 {burst['p99']:.0f}, max {burst['max']:.0f}; {burst['posted']} accepted, "
        f"{burst['missed']} missed; server CPU {burst['cpu_ms']:.1f} ms per activity |"
    )
    print(
        f"| what the server holds after the burst | {stored[0]} activities done, "
        f"{stored[1]} not, {stored[2]} remote posts stored |"
    )


if __name__ == "__main__":
    main()
