"""Sending the queued deliveries (run by the worker every second).

Each Delivery is claimed with a conditional update, so two workers never send the
same one. At most FEDERATION["DELIVERY_PER_DOMAIN"] are in flight to one domain at
a time. A failure is retried after 30 s, 1 min, 2 min ... (doubling, at most 6 h
apart) until FEDERATION["DELIVERY_ATTEMPTS"] attempts (about a day and a half);
an answer that says the activity will never be taken (4xx other than 401, 408,
429) gives up at once. /admin/federation/delivery/ shows them all.
"""

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from federation import conf, http
from federation import metrics as delivery_metrics
from federation.models import ActorKey, Delivery

logger = logging.getLogger("federation.delivery")

BATCH = 50
THREADS = 8
STALE_CLAIM = timedelta(minutes=5)
RETRYABLE_4XX = {401, 408, 429}


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim_due(now=None) -> list[Delivery]:
    """The deliveries this worker will send now, claimed."""
    now = now or timezone.now()
    # Claims of a worker that died are taken back.
    Delivery.objects.filter(state=Delivery.State.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        state=Delivery.State.FAILING, claimed_at=None
    )
    in_flight = Counter(
        Delivery.objects.filter(state=Delivery.State.SENDING).values_list("domain", flat=True)
    )
    cap = conf.limit("DELIVERY_PER_DOMAIN")
    due = Delivery.objects.filter(
        Q(state=Delivery.State.QUEUED) | Q(state=Delivery.State.FAILING),
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at", "id")[: BATCH * 4]
    claimed = []
    for row in due:
        if in_flight[row.domain] >= cap:
            continue
        won = Delivery.objects.filter(pk=row.pk, state=row.state).update(
            state=Delivery.State.SENDING, claimed_at=now
        )
        if won:
            in_flight[row.domain] += 1
            claimed.append(row)
        if len(claimed) >= BATCH:
            break
    return claimed


def send(row: Delivery) -> None:
    """Send one claimed delivery and record what came of it."""
    try:
        key = ActorKey.objects.select_related("profile").get(name=row.key_name)
        answer = http.post_activity(row.inbox, row.body.encode(), key)
        status, error = answer.status, f"HTTP {answer.status}"
    except http.FederationOff:
        status, error = None, "federation is off"
    except (http.FetchError, ActorKey.DoesNotExist) as e:
        status, error = None, str(e)[:500]
    attempts = row.attempts + 1
    if status is not None and 200 <= status < 300:
        state, error = Delivery.State.DELIVERED, ""
    elif (
        (status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX)
        or attempts >= conf.limit("DELIVERY_ATTEMPTS")
        or error == "federation is off"
    ):
        state = Delivery.State.GIVEN_UP
    else:
        state = Delivery.State.FAILING
    Delivery.objects.filter(pk=row.pk).update(
        state=state,
        attempts=attempts,
        last_error=error,
        claimed_at=None,
        next_attempt_at=timezone.now() + backoff(attempts),
        updated_at=timezone.now(),
    )
    delivery_metrics.attempted(row.domain, state)
    if state != Delivery.State.DELIVERED:
        logger.info("delivery %s to %s: %s (%s)", row.activity_id, row.inbox, state, error)


def prune(now=None) -> int:
    """Forget deliveries done or given up two weeks ago."""
    now = now or timezone.now()
    done = [Delivery.State.DELIVERED, Delivery.State.GIVEN_UP]
    gone, _ = Delivery.objects.filter(
        state__in=done, updated_at__lt=now - timedelta(days=14)
    ).delete()
    return gone


def _send_in_thread(row: Delivery) -> None:
    try:
        send(row)
    finally:
        # The pool's threads end with this run: their connections close with them.
        connection.close()


def run_due() -> int:
    """Claim and send what is due; answer how many were sent (tried)."""
    rows = claim_due()
    if not rows:
        return 0
    if len(rows) == 1 or connection.in_atomic_block:
        # Inside a transaction (tests), other threads could not see its rows.
        for row in rows:
            send(row)
    else:
        with ThreadPoolExecutor(max_workers=min(THREADS, len(rows))) as pool:
            list(pool.map(_send_in_thread, rows))
    return len(rows)
