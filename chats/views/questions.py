"""The host's event form: an event and all its questions on one page, saved once
(chats.actions.create_event or save_event), every mistake shown beside its field
at the same time. Without JavaScript the rows are plain fields (minutes set the
order, a Remove box per row, one blank row to add); static/hashchat/host.js adds
moving rows by keyboard and drag, adding rows, and a warning before leaving
with unsaved changes."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from chats import actions, plans, queries
from chats.actions.events import start_problems
from chats.forms import EventEditForm, EventForm
from chats.models import Event, Series
from chats.permissions import can_host
from chats.timefmt import fmt
from chats.views.common import (
    apply_error,
    event_form_initial,
    host_event,
    host_page,
    visible_series,
)
from chats.views.plan_rows import Row, check_rows, rows_from_event, rows_from_plan, rows_from_post
from core.errors import ActionError, NotAllowed


def _parse_original(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if timezone.is_aware(moment) else None


def _render(request, template, series, form, rows, *, event=None, status=200, first=False):
    errors = sum(len(r.errors) for r in rows) + len(form.errors)
    return render(
        request,
        template,
        {
            "series": series,
            "event": event,
            "form": form,
            "rows": rows,
            "blank": Row(slot=False),
            "kinds": plans.KINDS,
            "error_count": errors,
            "first": first,
            "duration": series.duration_minutes,
        },
        status=status,
    )


START_FIELDS = {"starts_at": "starts_at", "occurrence_start": "occurrence"}


def _start_problems(form, series: Series, event: Event | None = None) -> None:
    """Check the start with the form's other fields, whatever else is wrong, and put
    what is wrong beside the start field: one submit shows every mistake."""
    data = getattr(form, "cleaned_data", None)
    if data is None or "starts_at" not in data:
        return  # the start field itself is in error already
    if "occurrence" in form.fields and "occurrence" not in data:
        return
    if event is None:
        occurrence = _parse_original(data["occurrence"])
        problems = start_problems(
            series,
            starts_at=None if occurrence else data["starts_at"],
            occurrence_start=occurrence,
        )
    else:
        problems = start_problems(
            series, starts_at=_changed_start(event, data["starts_at"]), event=event
        )
    for name, message in problems.items():
        field = START_FIELDS.get(name, "starts_at")
        form.add_error(field if field in form.fields else "starts_at", message)


def _plan_error(form, error: ActionError) -> None:
    """An action's error about the questions goes on the form (shown above them)."""
    if error.field in (None, "questions"):
        form.add_error(None, error.message)
    else:
        apply_error(form, error)


@login_required
@host_page
def event_new(request, hashtag):
    series = visible_series(request, hashtag)
    if not can_host(request.user, series):
        raise NotAllowed(f"Only the hosts of #{series.hashtag} can do that.")
    first = request.GET.get("first") == "1" or request.POST.get("first") == "1"
    free = [
        o for o in queries.upcoming(series, timezone.now(), 12) if o.event is None and o.original
    ]
    choices = [(o.original.isoformat(), fmt(o.starts_at, series.timezone)) for o in free]
    initial = {
        "occurrence": request.GET.get("occurrence", "") or (choices[0][0] if choices else ""),
        "questions_public": series.questions_public,
    }
    # Bound on every POST, an empty one too (it is then shown with its errors).
    bound = request.POST if request.method == "POST" else None
    form = EventForm(bound, occurrences=choices, initial=initial)
    if request.method != "POST":
        rows = rows_from_plan(plans.default_plan(series.default_plan))
        return _render(request, "chats/event_new.html", series, form, rows, first=first)
    with timezone.override(ZoneInfo(series.timezone)):
        form.is_valid()
    _start_problems(form, series)
    valid = form.is_bound and not form.errors
    draft = bool(form.cleaned_data.get("draft")) if valid else bool(request.POST.get("draft"))
    rows = rows_from_post(request.POST)
    items, rows_ok = check_rows(
        rows, duration=series.duration_minutes, hashtag=series.hashtag, draft=draft
    )
    if valid and rows_ok:
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
                questions=items,
                draft=draft,
            )
        except ActionError as e:
            _plan_error(form, e)
        else:
            _saved_message(request, event, created=True)
            if first:
                return redirect("chats:event", series.hashtag, event.id)
            return redirect("chats:event-edit", series.hashtag, event.id)
    return _render(request, "chats/event_new.html", series, form, rows, status=422, first=first)


def _saved_message(request, event: Event, *, created: bool) -> None:
    count = event.questions.filter(kind="question").count()
    done = "planned" if created else "saved"
    if event.state == Event.State.DRAFT:
        messages.success(
            request, f"“{event.topic}” is {done} as a draft: it is not announced or posted."
        )
    else:
        when = fmt(event.starts_at, event.series.timezone)
        messages.success(
            request,
            f"“{event.topic}” is {done} with {count} question{'s' if count != 1 else ''}: "
            f"scheduled for {when}. The questions are posted from "
            f"@{event.series.organiser.handle} on time.",
        )


@login_required
@host_page
def event_edit(request, hashtag, event_id):
    event = host_event(request, hashtag, event_id)
    series: Series = event.series
    bound = request.POST if request.method == "POST" else None
    form = EventEditForm(bound, initial=event_form_initial(event))
    if request.method != "POST":
        return _render(
            request, "chats/event_edit.html", series, form, rows_from_event(event), event=event
        )
    with timezone.override(ZoneInfo(series.timezone)):
        form.is_valid()
    _start_problems(form, series, event)
    valid = form.is_bound and not form.errors
    draft = bool(form.cleaned_data.get("draft")) if valid else bool(request.POST.get("draft"))
    rows = rows_from_post(request.POST)
    posted = {
        str(pk)
        for pk in event.questions.filter(claimed_at__isnull=False).values_list("pk", flat=True)
    }
    by_id = {row.id: row for row in rows_from_event(event)}
    for row in rows:
        if row.id in posted:  # a posted question comes back as it is
            row.kind, row.text, row.offset = (
                by_id[row.id].kind,
                by_id[row.id].text,
                by_id[row.id].offset,
            )
            row.posted = by_id[row.id].posted
    duration = int((event.ends_at - event.starts_at).total_seconds() // 60)
    items, rows_ok = check_rows(
        rows, duration=duration, hashtag=series.hashtag, draft=draft, posted_ids=posted
    )
    if valid and rows_ok:
        data = form.cleaned_data
        try:
            actions.save_event(
                user=request.user,
                event=event,
                questions=items,
                topic=data["topic"],
                description=data["description"],
                starts_at=_changed_start(event, data["starts_at"]),
                questions_public=data["questions_public"],
                state=_wanted_state(event, draft),
            )
        except ActionError as e:
            _plan_error(form, e)
        else:
            event.refresh_from_db()
            _saved_message(request, event, created=False)
            return redirect("chats:event-edit", series.hashtag, event.id)
    return _render(request, "chats/event_edit.html", series, form, rows, event=event, status=422)


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
