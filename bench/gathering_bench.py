"""What watching five servers costs while a chat is live and nothing new is posted: the
worker's gathering job runs every second for `--seconds`, each server is read every 5 s and
answers 304 (Not Modified) from a loopback server in this process; the process's CPU time
over the wall time (the loopback server's own work included, so an upper bound).

    .venv/bin/python bench/gathering_bench.py --servers 5 --seconds 30
"""

import argparse
import os
import platform
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from federation_bench import setup, sink_address  # noqa: E402


class NotModified(BaseHTTPRequestHandler):
    reads = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        NotModified.reads += 1
        if self.headers.get("if-none-match") == '"same"':
            self.send_response(304)
            self.send_header("etag", '"same"')
            self.end_headers()
            return
        body = b"[]"
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("etag", '"same"')
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    setup(args.servers)
    server = ThreadingHTTPServer(("0.0.0.0", 0), NotModified)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    from django.utils import timezone

    from accounts import actions as account_actions
    from chats import actions as chat_actions
    from gathering import watching

    user = account_actions.sign_up(
        username=f"host{int(time.time())}", email="host@example.org", password="bench-pass-42!"
    )
    host = user.personal_profile
    assert host is not None
    series = chat_actions.create_series(
        user=user, organiser=host, hashtag=f"watch{int(time.time())}", title="Watched",
        timezone="UTC", rrule="FREQ=DAILY", start_time="10:00",
    )  # fmt: skip
    chat_actions.create_event(
        user=user,
        series=series,
        starts_at=timezone.now() - timedelta(seconds=5),
        topic="Live",
        # Real questions: an event whose questions are placeholders stays a draft,
        # and a draft's window is not watched.
        questions=[
            {"kind": "question", "text": f"Watched question {n}", "offset": 10 * n}
            for n in range(1, 6)
        ],
    )
    for n in range(args.servers):
        watching.watch(user=user, series=series, server=f"http://{sink_address(n)}:{port}")
    watching.poll_due()  # the first read of each (200, with the ETag)
    cpu, wall = time.process_time(), time.perf_counter()
    end = wall + args.seconds
    while time.perf_counter() < end:
        watching.poll_due()
        time.sleep(1.0)
    used = time.process_time() - cpu
    elapsed = time.perf_counter() - wall
    server.shutdown()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"| watching {args.servers} servers while live, idle | {NotModified.reads} reads in "
        f"{elapsed:.0f} s, CPU {100 * used / elapsed:.1f}% of a core |"
    )


if __name__ == "__main__":
    main()
