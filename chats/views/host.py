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

from accounts.models import Profile
from chats import actions, plans, queries
from chats.forms import ZONE_CHOICES, EventEditForm, EventForm, OccurrenceMoveForm, SeriesForm
from chats.models import Event
from chats.permissions import can_edit_series, can_host
from chats.timefmt import fmt
from chats.views.common import (
    apply_error,
    event_form_initial,
    host_event,
    host_page,
    visible_series,
)
from chats.views.questions import edit_page
from core.errors import ActionError, NotAllowed


def _series_initial(series) -> dict:
    return {
        "organiser": str(series.organiser_id),
        "hashtag": series.hashtag,
        "title": series.title,
        "description": series.description,
        "timezone": series.timezone,
        "rrule": series.rrule,
        "start_time": series.start_time,
        "start_date": series.start_date,
        "duration_minutes": series.duration_minutes,
        "tail_hours": series.tail_hours,
        "cohosts": " ".join(p.handle for p in series.cohosts.all()),
        "questions_public": series.questions_public,
        "is_public": series.is_public,
        **plans.text_from_plan(series.default_plan),
    }


def _default_plan(data: dict) -> list | None:
    """The plan from the form's three text fields (None: the standard plan)."""
    texts = (data["welcome_text"], data["questions_text"], data["closing_text"])
    if not any(t.strip() for t in texts):
        return None
    return plans.plan_from_text(*texts, duration_minutes=data["duration_minutes"] or 60)


PLAN_FIELDS = ("welcome_text", "questions_text", "closing_text")


@login_required
@host_page
def series_new(request):
    organisers = list(Profile.objects.managed_by(request.user).order_by("kind", "handle"))
    initial = {
        "timezone": getattr(request.profile, "timezone", "UTC"),
        "rrule": "FREQ=MONTHLY;BYDAY=1TU",
        "start_date": timezone.now().date(),
        **plans.text_from_plan(plans.default_plan(None)),
    }
    form = SeriesForm(request.POST or None, organisers=organisers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organiser = next(p for p in organisers if str(p.id) == data["organiser"])
        try:
            series = actions.create_series(
                user=request.user,
                organiser=organiser,
                hashtag=data["hashtag"],
                title=data["title"],
                description=data["description"],
                timezone=data["timezone"],
                rrule=data["rrule"],
                start_time=data["start_time"],
                start_date=data["start_date"],
                duration_minutes=data["duration_minutes"],
                tail_hours=data["tail_hours"],
                cohosts=data["cohosts"],
                questions_public=data["questions_public"],
                is_public=data["is_public"],
                default_plan=_default_plan(data),
            )
        except ActionError as e:
            apply_error(form, e)
        else:
            messages.success(request, f"#{series.hashtag} is ready. Plan its first event.")
            return redirect("chats:series", series.hashtag)
    return render(
        request, "chats/series_form.html", {"form": form, "zones": _zones(), "series": None}
    )


def _zones() -> list[str]:
    return ZONE_CHOICES


@login_required
@host_page
def series_edit(request, hashtag):
    series = visible_series(request, hashtag)
    if not can_edit_series(request.user, series):
        raise NotAllowed(f"Only the organiser @{series.organiser.handle} can edit this series.")
    organisers = [series.organiser]
    form = SeriesForm(request.POST or None, organisers=organisers, initial=_series_initial(series))
    form.fields["organiser"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: v for k, v in data.items() if k != "organiser" and k not in PLAN_FIELDS}
        changes["default_plan"] = _default_plan(data)
        try:
            series = actions.update_series(user=request.user, series=series, **changes)
        except ActionError as e:
            apply_error(form, e)
        else:
            messages.success(request, "Saved.")
            return redirect("chats:series", series.hashtag)
    return render(
        request, "chats/series_form.html", {"form": form, "zones": _zones(), "series": series}
    )


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
@host_page
def event_new(request, hashtag):
    series = visible_series(request, hashtag)
    if not can_host(request.user, series):
        raise NotAllowed(f"Only the hosts of #{series.hashtag} can do that.")
    now = timezone.now()
    free = [o for o in queries.upcoming(series, now, 12) if o.event is None and o.original]
    choices = [(o.original.isoformat(), fmt(o.starts_at, series.timezone)) for o in free]
    wanted = request.GET.get("occurrence", "")
    initial = {
        "occurrence": wanted or (choices[0][0] if choices else ""),
        "questions_public": series.questions_public,
    }
    form = EventForm(request.POST or None, occurrences=choices, initial=initial)
    if request.method == "POST":
        with timezone.override(ZoneInfo(series.timezone)):
            valid = form.is_valid()
        if valid:
            data = form.cleaned_data
            try:
                event = actions.create_event(
                    user=request.user,
                    series=series,
                    topic=data["topic"],
                    description=data["description"],
                    occurrence_start=_parse_original(data["occurrence"]),
                    starts_at=None if data["occurrence"] else data["starts_at"],
                    questions_public=data["questions_public"],
                    draft=data["draft"],
                )
            except ActionError as e:
                apply_error(form, e)
            else:
                messages.success(request, "Event planned: now write its questions.")
                return redirect("chats:event-edit", series.hashtag, event.id)
    return render(request, "chats/event_new.html", {"form": form, "series": series})


@login_required
@host_page
def event_edit(request, hashtag, event_id):
    event = host_event(request, hashtag, event_id)
    series = event.series
    zone = ZoneInfo(series.timezone)
    form = EventEditForm(request.POST or None, initial=event_form_initial(event))
    if request.method == "POST":
        with timezone.override(zone):
            valid = form.is_valid()
        if valid:
            data = form.cleaned_data
            try:
                actions.update_event(
                    user=request.user,
                    event=event,
                    topic=data["topic"],
                    description=data["description"],
                    starts_at=_changed_start(event, data["starts_at"]),
                    questions_public=data["questions_public"],
                    state=_wanted_state(event, data["draft"]),
                )
            except ActionError as e:
                apply_error(form, e)
            else:
                messages.success(request, "Saved.")
                return redirect("chats:event-edit", series.hashtag, event.id)
    return edit_page(request, event, form)


def _changed_start(event: Event, wanted: datetime | None) -> datetime | None:
    """The new start, or None when the form gave back the current one (it shows
    minutes only)."""
    if wanted is None or wanted == event.starts_at.replace(second=0, microsecond=0):
        return None
    return wanted


def _wanted_state(event: Event, draft: bool) -> str | None:
    if draft:
        return Event.State.DRAFT
    if event.state == Event.State.DRAFT:
        return Event.State.SCHEDULED
    return None


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
