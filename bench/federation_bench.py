"""Benchmark of federation (not a test): what verifying an incoming signature costs,
and how long one post takes to reach 1,000 remote followers over 200 inboxes.

    .venv/bin/python bench/federation_bench.py
    .venv/bin/python bench/federation_bench.py --followers 1000 --inboxes 200 --verifies 2000

It uses a fresh SQLite data dir (or DATABASE_URL when set) and runs with
HASHCHAT_BASE_URL=https://bench.example. The delivery sink is an HTTP server on
loopback that verifies every signature it receives with the sender's public key;
each inbox has an address of its own (127.0.0.2 ... on Linux's loopback /8), so the
per-domain cap applies as it would to 200 servers. It prints Markdown table rows.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def sink_address(n: int) -> str:
    """The n-th inbox's own loopback address (127.0.1.2, 127.0.1.3, ...)."""
    return f"127.0.{1 + n // 250}.{2 + n % 250}"


def key_pair():
    """A fresh RSA-2048 private key and its public key in PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, pem


def signed_create(actor: str, n: int, html: str, tag: str, private) -> tuple[bytes, dict]:
    """The body and signed headers (Host bench.example) of `actor`'s n-th public
    Create of a Note with `html` and the hashtag `tag`, to the shared inbox."""
    from federation import signatures

    note = {
        "id": f"{actor}/statuses/{n}",
        "type": "Note",
        "attributedTo": actor,
        "content": html,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "tag": [{"type": "Hashtag", "name": f"#{tag}"}],
    }
    body = json.dumps(
        {"id": f"{note['id']}/activity", "type": "Create", "actor": actor, "object": note}
    ).encode()
    headers = signatures.sign_request(
        method="POST",
        host="bench.example",
        target="/inbox",
        headers={"content-type": "application/activity+json"},
        body=body,
        key_id=f"{actor}#main-key",
        private_key=private,
    )
    return body, headers


def setup(inboxes: int) -> None:
    os.environ.setdefault("HASHCHAT_DATA_DIR", tempfile.mkdtemp(prefix="hashchat-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hashchat.settings"
    os.environ["HASHCHAT_BASE_URL"] = "https://bench.example"
    os.environ["HASHCHAT_FEDERATION_ALLOWED_HOSTS"] = ",".join(
        sink_address(n) for n in range(inboxes)
    )
    from hashchat.cli import migrate, setup_django

    setup_django()
    migrate()


class Sink(BaseHTTPRequestHandler):
    """Takes deliveries, verifying each signature; counts the good and the bad."""

    public_key: Any = None
    good = 0
    bad = 0
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        from django.utils import timezone

        from federation import signatures

        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            signatures.check_request(
                method="POST",
                target=self.path,
                headers=headers,
                body=body,
                get_key=lambda key_id, refresh: Sink.public_key,
                now=timezone.now(),
                window=300,
            )
            ok = True
        except signatures.SignatureError:
            ok = False
        with Sink.lock:
            if ok:
                Sink.good += 1
            else:
                Sink.bad += 1
        self.send_response(202 if ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def bench_verify(count: int) -> tuple[float, float]:
    """Microseconds per check_request (cached key) and per bare RSA verify."""
    from django.utils import timezone

    from federation import keys, signatures

    private, public_pem = key_pair()
    body, headers = signed_create("https://remote.example/users/a", 0, "x" * 500, "bench", private)
    now = timezone.now()
    start = time.perf_counter()
    for _ in range(count):
        signatures.check_request(
            method="POST",
            target="/inbox",
            headers=headers,
            body=body,
            get_key=lambda key_id, refresh: keys.load_public(public_pem),
            now=now,
            window=300,
        )
    full = (time.perf_counter() - start) / count * 1e6
    parsed = signatures.parse(headers["signature"])
    text = signatures.signing_string("POST", "/inbox", headers, parsed.headers)
    public = keys.load_public(public_pem)
    start = time.perf_counter()
    for _ in range(count):
        signatures.verify(parsed, text, public)
    bare = (time.perf_counter() - start) / count * 1e6
    return full, bare


def follow_from_sinks(target, followers: int, inboxes: int, port: int) -> None:
    """`followers` remote profiles over `inboxes` servers follow `target`; every
    shared inbox is one of the loopback sinks."""
    from accounts.models import Follow, Profile
    from federation import keys

    Sink.public_key = keys.load_public(keys.key_for(target).public_key_pem)
    remote = Profile.objects.bulk_create(
        [
            Profile(
                handle=f"f{n}@r{n % inboxes}.example",
                domain=f"r{n % inboxes}.example",
                uri=f"https://r{n % inboxes}.example/users/f{n}",
                inbox_url=f"https://r{n % inboxes}.example/users/f{n}/inbox",
                shared_inbox_url=f"http://{sink_address(n % inboxes)}:{port}/inbox",
            )
            for n in range(followers)
        ]
    )
    Follow.objects.bulk_create([Follow(follower=p, followee=target) for p in remote])


def deliver_all() -> None:
    """Run the deliveries until none is queued or failing."""
    from federation import delivery
    from federation.models import Delivery

    while Delivery.objects.exclude(
        state__in=[Delivery.State.DELIVERED, Delivery.State.GIVEN_UP]
    ).exists():
        if not delivery.run_due():
            time.sleep(0.01)


def bench_delivery(followers: int, inboxes: int, port: int) -> tuple[float, int]:
    from django.db import transaction

    from accounts import actions as account_actions
    from federation.models import Delivery
    from posts import actions as post_actions

    user = account_actions.sign_up(
        username=f"host{int(time.time())}", email="host@example.org", password="bench-pass-42!"
    )
    host = user.personal_profile
    assert host is not None
    follow_from_sinks(host, followers, inboxes, port)
    start = time.perf_counter()
    with transaction.atomic():
        post_actions.create_post(
            user=user, profile=host, text="Q1 What makes a library welcoming? #libchat"
        )
    queued = Delivery.objects.filter(state=Delivery.State.QUEUED).count()
    deliver_all()
    return time.perf_counter() - start, queued


def bench_inbox(count: int) -> tuple[float, float, float, float]:
    """Signed Creates from one remote actor through the shared inbox, in process,
    each processed by the worker's pass (federation.inbox_queue.run_due) right after
    its 202: milliseconds from the POST to the 202 and to the stored post (median,
    p99 of each), the sender's key already known."""
    from django.test import Client

    from accounts.models import Profile
    from federation import inbox_queue

    private, pem = key_pair()
    actor = "https://sender.example/users/ana"
    Profile.objects.create(
        handle="ana@sender.example",
        domain="sender.example",
        uri=actor,
        inbox_url=f"{actor}/inbox",
        public_key_id=f"{actor}#main-key",
        public_key_pem=pem,
    )
    client = Client()
    times, processed = [], []
    for n in range(count):
        body, headers = signed_create(
            actor, n, f"<p>A1 answer number {n} #libchat</p>", "libchat", private
        )
        headers.pop("host")
        start = time.perf_counter()
        answer = client.post(
            "/inbox",
            data=body,
            content_type="application/activity+json",
            headers=headers,
            HTTP_HOST="bench.example",
        )
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 202, answer.content
        assert inbox_queue.run_due() == 1
        processed.append((time.perf_counter() - start) * 1000)
    times.sort()
    processed.sort()
    p99 = min(len(times) - 1, int(len(times) * 0.99))
    return times[len(times) // 2], times[p99], processed[len(times) // 2], processed[p99]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--inboxes", type=int, default=200)
    parser.add_argument("--verifies", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=200)
    args = parser.parse_args()
    setup(args.inboxes)
    server = ThreadingHTTPServer(("0.0.0.0", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    full, bare = bench_verify(args.verifies)
    seconds, queued = bench_delivery(args.followers, args.inboxes, port)
    server.shutdown()
    median, p99, stored_median, stored_p99 = bench_inbox(args.activities)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print("| measure | result |")
    print("|---|---|")
    print(f"| check_request, cached key (µs) | {full:.0f} |")
    print(f"| bare RSA-2048 verify (µs) | {bare:.0f} |")
    print(
        f"| one post to {args.followers} followers over {args.inboxes} inboxes | "
        f"{queued} deliveries in {seconds:.2f} s, {Sink.good} verified, {Sink.bad} refused |"
    )
    print(
        f"| {args.activities} signed Creates through /inbox, one at a time (ms to the 202) | "
        f"median {median:.1f}, p99 {p99:.1f} |"
    )
    print(
        f"| the same, to the post stored by the worker's pass (ms) | "
        f"median {stored_median:.1f}, p99 {stored_p99:.1f} |"
    )


if __name__ == "__main__":
    main()
