"""Incoming activities, processed on the worker (every half second, and at once
when an inbox request commits one: core.worker.nudge).

The inbox stores each verified activity as an IncomingActivity and answers 202;
nothing acknowledged is lost: a row waits in the database until a worker claims
it (a batch at a time, in one transaction that skips rows another worker is
claiming, so two workers never process the same one; a claim older than a few
minutes, left by a worker that stopped, is taken back). The activities of one actor
are processed in the order they arrived; different actors' in parallel on
PostgreSQL, one after another on SQLite (THREADS). A failure that may pass (a remote
fetch, the database) is retried after 10 s, 20 s, 40 s ... (at most an hour apart) until
FEDERATION["INBOX_ATTEMPTS"] attempts, then given up; an activity that can never
be processed (hostile, blocked, of a suspended actor) is refused at once.
/admin/federation/incomingactivity/ shows them all.
"""

import json
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Profile
from core import worker
from core.errors import ActionError
from federation import conf, http, incoming, jsonld, remote
from federation.jsonld import HostileObject
from federation.models import IncomingActivity
from federation.notes import NotStored

logger = logging.getLogger("federation.incoming")

JOB = "federation.inbox_queue.run_due"
BATCH = 100
# Actors processed side by side. SQLite takes one writer at a time, and a writer that
# finds the lock taken sleeps in its busy handler while the lock stands idle: one
# thread there kept a burst of 50 activities a second under 1 s at p99, where four
# took 1.2 s (docs/performance.md).
THREADS = {"sqlite": 1}
THREADS_DEFAULT = 4
STALE_CLAIM = timedelta(minutes=5)
# Failures that will not pass however often the activity is tried.
PERMANENT = (HostileObject, remote.Blocked, ActionError, NotStored)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 3600))


def store(activity: dict, actor: Profile, inbox: str) -> IncomingActivity | None:
    """Keep a verified activity for the worker; None when its id was received before
    (it is processed once). The worker is nudged once the row is committed."""
    activity_id = incoming.check(activity, actor)
    try:
        with transaction.atomic():
            row = IncomingActivity.objects.create(
                activity_id=activity_id,
                actor=actor,
                domain=actor.domain,
                kind=",".join(sorted(jsonld.types(activity)))[:100],
                inbox=inbox[:200],
                body=json.dumps(activity, ensure_ascii=False),
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: worker.nudge(JOB))
    return row


def claim_due(now=None) -> list[IncomingActivity]:
    """The activities this worker will process now, claimed, oldest first: one write
    transaction, which first takes back the claims of a worker that stopped. Rows
    another worker is claiming are skipped (on PostgreSQL, SKIP LOCKED; SQLite runs
    one writer at a time)."""
    now = now or timezone.now()
    with transaction.atomic():
        IncomingActivity.objects.filter(
            state=IncomingActivity.State.PROCESSING, claimed_at__lt=now - STALE_CLAIM
        ).update(state=IncomingActivity.State.FAILING, claimed_at=None)
        claimed = list(
            IncomingActivity.objects.select_for_update(skip_locked=True)
            .filter(
                Q(state=IncomingActivity.State.QUEUED) | Q(state=IncomingActivity.State.FAILING),
                next_attempt_at__lte=now,
            )
            .order_by("id")[:BATCH]
        )
        if claimed:
            IncomingActivity.objects.filter(pk__in=[row.pk for row in claimed]).update(
                state=IncomingActivity.State.PROCESSING, claimed_at=now
            )
    return claimed


def process(row: IncomingActivity) -> IncomingActivity.State:
    """Process one claimed activity and record what came of it."""
    attempts = row.attempts + 1
    try:
        actor = Profile.objects.get(pk=row.actor_id)
        if actor.is_suspended:
            raise ActionError(f"{actor.handle} is suspended on this server.")
        remote.check_domain(actor.uri)
        result = incoming.process(json.loads(row.body), actor)
        state = IncomingActivity.State.DONE
    except PERMANENT as e:
        state, result = IncomingActivity.State.REFUSED, f"refused: {e}"
    except Exception as e:
        # A remote server or the database that may answer later: try again.
        result = f"{type(e).__name__}: {e}"
        if attempts >= conf.limit("INBOX_ATTEMPTS"):
            state = IncomingActivity.State.GIVEN_UP
        else:
            state = IncomingActivity.State.FAILING
        # A remote server or the database is expected to fail now and then; anything
        # else is a fault here, logged with its traceback.
        expected = isinstance(e, (http.FetchError, DatabaseError))
        logger.warning(
            "inbox %s (attempt %d): %s", row.activity_id, attempts, result, exc_info=not expected
        )
    IncomingActivity.objects.filter(pk=row.pk).update(
        state=state,
        attempts=attempts,
        result=result[:500],
        claimed_at=None,
        next_attempt_at=timezone.now() + backoff(attempts),
        updated_at=timezone.now(),
    )
    logger.info("inbox %s from %s: %s (%s)", row.activity_id, row.domain, state, result)
    return state


def _process_in_order(rows: list[IncomingActivity]) -> None:
    try:
        for row in rows:
            process(row)
    finally:
        # The pool's threads end with this run: their connections close with them.
        connection.close()


def run_due() -> int:
    """Claim and process what is due; answer how many were processed (tried)."""
    rows = claim_due()
    if not rows:
        return 0
    by_actor: dict[int, list[IncomingActivity]] = defaultdict(list)
    for row in rows:
        by_actor[row.actor_id].append(row)
    threads = THREADS.get(connection.vendor, THREADS_DEFAULT)
    if len(by_actor) == 1 or threads == 1 or connection.in_atomic_block:
        # (Inside a transaction, in tests, other threads could not see its rows.)
        for row in rows:
            process(row)
    else:
        with ThreadPoolExecutor(max_workers=min(threads, len(by_actor))) as pool:
            list(pool.map(_process_in_order, by_actor.values()))
    return len(rows)


def retry(queryset) -> int:
    """Process the chosen failing or given-up activities again, now (the admin's action)."""
    return queryset.filter(
        state__in=[IncomingActivity.State.FAILING, IncomingActivity.State.GIVEN_UP]
    ).update(state=IncomingActivity.State.FAILING, next_attempt_at=timezone.now(), attempts=0)


def prune(now=None) -> int:
    """Forget activities processed, refused or given up 30 days ago (senders do not
    retry that long, so their ids need not be remembered longer)."""
    now = now or timezone.now()
    finished = [
        IncomingActivity.State.DONE,
        IncomingActivity.State.REFUSED,
        IncomingActivity.State.GIVEN_UP,
    ]
    gone, _ = IncomingActivity.objects.filter(
        state__in=finished, updated_at__lt=now - timedelta(days=30)
    ).delete()
    return gone
