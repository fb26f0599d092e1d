"""Host pages: create and edit series and events, plan and reorder questions,
skip or move occurrences, and see what was posted and when."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chats import actions
from chats.forms import OccurrenceMoveForm
from chats.models import Event
from chats.timefmt import fmt
from chats.views.common import host_event, host_page, visible_series
from core.errors import ActionError


def _parse_original(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if timezone.is_aware(moment) else None


@login_required
@require_POST
@host_page
def occurrence_change(request, hashtag):
    """Skip, move or restore one occurrence (forms on the series page)."""
    series = visible_series(request, hashtag)
    original = _parse_original(request.POST.get("original", ""))
    what = request.POST.get("action")
    back = redirect("chats:series", series.hashtag)
    if original is None or what not in ("skip", "move", "restore"):
        messages.error(request, "Choose an occurrence and what to do with it.")
        return back
    try:
        if what == "skip":
            actions.skip_occurrence(user=request.user, series=series, original=original)
            messages.success(request, f"Skipped {fmt(original, series.timezone)}.")
        elif what == "restore":
            actions.restore_occurrence(user=request.user, series=series, original=original)
            messages.success(request, f"Restored {fmt(original, series.timezone)}.")
        else:
            form = OccurrenceMoveForm(request.POST)
            with timezone.override(ZoneInfo(series.timezone)):
                valid = form.is_valid()
            if not valid:
                messages.error(request, "Give the new start as a date and time.")
                return back
            actions.move_occurrence(
                user=request.user,
                series=series,
                original=original,
                new_start=form.cleaned_data["new_start"],
            )
            messages.success(request, "Moved.")
    except ActionError as e:
        messages.error(request, e.message)
    return back


@login_required
@require_POST
@host_page
def event_delete(request, hashtag, event_id):
    event = host_event(request, hashtag, event_id)
    try:
        actions.delete_event(user=request.user, event=event)
    except ActionError as e:
        messages.error(request, e.message)
        return redirect("chats:event-edit", event.series.hashtag, event.id)
    messages.success(request, f"Deleted “{event.topic}”.")
    return redirect("chats:series", event.series.hashtag)


@login_required
@host_page
def event_log(request, hashtag, event_id):
    """What was posted and when: each timed post's due time, posting time and delay."""
    event = host_event(request, hashtag, event_id)
    counts = _answer_counts(event)
    zone = ZoneInfo(event.series.timezone)

    def clock(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%H:%M:%S") if moment else ""

    rows = [
        {
            "question": q,
            "due": clock(q.due_at()),
            "posted": clock(q.posted_at),
            "late_day": bool(q.posted_at)
            and q.posted_at.astimezone(zone).date() != q.due_at().astimezone(zone).date(),
            "answers": counts.get(q.pk, 0),
        }
        for q in event.questions.select_related("post")
    ]
    return render(
        request,
        "chats/event_log.html",
        {
            "event": event,
            "series": event.series,
            "rows": rows,
            "state": event.current_state(timezone.now()),
            "day": fmt(event.starts_at, event.series.timezone),
        },
    )


def _answer_counts(event: Event) -> dict[int, int]:
    return {
        row["question"]: row["n"]
        for row in event.chat_posts.exclude(question=None)
        .exclude(via="question")
        .values("question")
        .annotate(n=Count("id"))
    }
