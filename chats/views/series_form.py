"""Starting and editing a series: the "Host a chat" path (/host/ -> sign-up ->
/chats/new/ -> the first event -> its page), recurrence as choices a person can
set with the next five dates shown, and every mistake shown at once."""

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Profile
from chats import actions, plans, recurrence
from chats.actions.hosting import series_problems, start_series
from chats.forms import ZONE_CHOICES, SeriesForm, choices_from_rule, rule_from_choices
from chats.permissions import can_edit_series
from chats.timefmt import fmt
from chats.views.common import apply_error, host_page, visible_series
from core.errors import ActionError, InvalidInput, NotAllowed

PLAN_FIELDS = ("welcome_text", "questions_text", "closing_text")
SERIES_KEYS = (
    "hashtag",
    "title",
    "description",
    "timezone",
    "start_time",
    "start_date",
    "duration_minutes",
    "tail_hours",
    "cohosts",
    "questions_public",
    "is_public",
)


def host_a_chat(request):
    """The "Host a chat" call to action: sign up first when needed, then the form."""
    if not request.user.is_authenticated:
        return redirect("/signup/?next=/chats/new/")
    return redirect("chats:series-new")


def _default_plan(data: dict) -> list | None:
    """The plan from the form's three text fields (None: the standard plan)."""
    texts = [data.get(name) or "" for name in PLAN_FIELDS]
    if not any(t.strip() for t in texts):
        return None
    questions = texts[1]
    if not questions.strip():
        # Five stand-ins, written per event (a placeholder is never posted).
        questions = "\n".join(f"Question {n}" for n in range(1, 6))
    return plans.plan_from_text(texts[0], questions, texts[2], data.get("duration_minutes") or 60)


def _values(data: dict) -> dict:
    """The series' values from the form (those that passed the form's own checks)."""
    values = {key: data[key] for key in SERIES_KEYS if key in data}
    if data.get("rule"):
        values["rrule"] = data["rule"]
    values["default_plan"] = _default_plan(data)
    return values


def _problems(form: SeriesForm, values: dict, **kwargs) -> bool:
    """Check the series' values whatever else is wrong, and put every problem on
    the form beside its field, so one submit shows them all; True when the form
    or the values have any."""
    data = form.cleaned_data
    problems = series_problems(values, **kwargs)
    needed = ("rrule", "timezone", "start_date", "start_time")
    if data.get("repeat") == "once" and all(k in values for k in needed):
        start = _first_start(values)
        if start is not None and start <= timezone.now():
            problems["start_date"] = "That day and time have passed: choose a later date."
    for name, message in problems.items():
        if name == "rrule" and data.get("repeat") != "advanced":
            name = "repeat"
        field = name if name in form.fields else None
        if field is None or field not in form.errors:
            form.add_error(field, message)
    return bool(form.errors)


def _first_start(values: dict) -> datetime | None:
    try:
        zone = recurrence.get_zone(values["timezone"])
        parsed = recurrence.build_rule(
            values["rrule"],
            recurrence.local_start(values["start_date"], values["start_time"], zone),
        )
    except InvalidInput:
        return None
    first = parsed.after(
        recurrence.local_start(values["start_date"], values["start_time"], zone), inc=True
    )
    return recurrence.to_utc(first) if first else None


def _render(request, form, series, status=200):
    return render(
        request,
        "chats/series_form.html",
        {
            "form": form,
            "zones": ZONE_CHOICES,
            "series": series,
            "error_count": len(form.errors),
            "preview": preview_of(form),
        },
        status=status,
    )


@login_required
@host_page
def series_new(request):
    organisers = list(Profile.objects.managed_by(request.user).order_by("kind", "handle"))
    profile_zone = getattr(request.profile, "timezone", "") or "UTC"
    initial = {
        "organiser": str(request.profile.id) if getattr(request, "profile", None) else "",
        "timezone": profile_zone,
        "start_date": timezone.now().date(),
        **plans.text_from_plan(plans.default_plan(None)),
        "questions_text": "",
    }
    # Bound on every POST, an empty one too (`request.POST or None` would leave an
    # empty POST unbound, without cleaned_data).
    bound = request.POST if request.method == "POST" else None
    form = SeriesForm(bound, organisers=organisers, new_organisation=True, initial=initial)
    # The browser's zone is the default when the profile names none of its own.
    form.fields["timezone"].widget.attrs["data-browser-zone"] = (
        "1" if not request.POST and profile_zone == "UTC" else ""
    )
    if request.method == "POST":
        form.is_valid()
        data = form.cleaned_data
        new = data.get("organiser") == "new"
        values = _values(data)
        handle = data.get("new_org_handle") if new else None
        if not _problems(form, values, new_org_handle=handle):
            organiser = next((p for p in organisers if str(p.id) == data["organiser"]), None)
            try:
                series = start_series(
                    user=request.user,
                    organiser=None if new else organiser,
                    new_organisation=(
                        {"handle": data["new_org_handle"], "display_name": data["new_org_name"]}
                        if new
                        else None
                    ),
                    **values,
                )
            except ActionError as e:
                apply_error(form, e)
            else:
                messages.success(
                    request,
                    f"#{series.hashtag} is ready. Now its first chat: a topic and five questions.",
                )
                return redirect(f"/chats/{series.hashtag}/events/new/?first=1")
    status = 422 if request.method == "POST" else 200
    return _render(request, form, None, status)


def _series_initial(series) -> dict:
    return {
        "organiser": str(series.organiser_id),
        "hashtag": series.hashtag,
        "title": series.title,
        "description": series.description,
        "timezone": series.timezone,
        "rrule": series.rrule,
        **choices_from_rule(series.rrule),
        "start_time": series.start_time,
        "start_date": series.start_date,
        "duration_minutes": series.duration_minutes,
        "tail_hours": series.tail_hours,
        "cohosts": " ".join(p.handle for p in series.cohosts.all()),
        "questions_public": series.questions_public,
        "is_public": series.is_public,
        **_plan_texts(series.default_plan),
    }


def _plan_texts(plan: list) -> dict[str, str]:
    texts = plans.text_from_plan(plan)
    lines = texts["questions_text"].splitlines()
    if all(plans.is_placeholder("question", line) for line in lines):
        texts["questions_text"] = ""
    return texts


@login_required
@host_page
def series_edit(request, hashtag):
    series = visible_series(request, hashtag)
    if not can_edit_series(request.user, series):
        raise NotAllowed(f"Only the organiser @{series.organiser.handle} can edit this series.")
    bound = request.POST if request.method == "POST" else None
    form = SeriesForm(bound, organisers=[series.organiser], initial=_series_initial(series))
    form.fields["organiser"].disabled = True
    if request.method == "POST":
        form.is_valid()
        values = _values(form.cleaned_data)
        if not _problems(form, values, series=series):
            try:
                series = actions.update_series(user=request.user, series=series, **values)
            except ActionError as e:
                apply_error(form, e)
            else:
                messages.success(request, "Saved.")
                return redirect("chats:series", series.hashtag)
    status = 422 if request.method == "POST" else 200
    return _render(request, form, series, status)


def _parse(value: str, kind: type) -> date | time | None:
    try:
        return kind.fromisoformat(value)  # type: ignore[attr-defined, no-any-return]
    except (TypeError, ValueError):
        return None


def preview_of(form: SeriesForm) -> dict:
    """The next five dates of the form's recurrence, in its zone and in UTC, or
    what is wrong with it."""
    data = form.data if form.is_bound else {**form.initial}
    get = (lambda name: data.get(name, "")) if form.is_bound else (lambda name: data.get(name, ""))
    return next_dates(
        rule_from_choices(
            get("repeat") or "monthly",
            str(get("week_of_month") or "1"),
            get("weekday") or "TU",
            get("rrule") or "",
        ),
        str(get("timezone") or "UTC"),
        get("start_date"),
        get("start_time") or "19:00",
    )


def next_dates(rule: str, zone_name: str, start_date, start_time, count: int = 5) -> dict:
    if not isinstance(start_date, date):
        start_date = _parse(str(start_date or ""), date) or timezone.now().date()
    if not isinstance(start_time, time):
        start_time = _parse(str(start_time or ""), time)
    if start_time is None:
        return {"error": "Give a start time (HH:MM)."}
    try:
        zone = recurrence.get_zone(zone_name)
        recurrence.validate(rule, zone_name, start_date, start_time)
        parsed = recurrence.build_rule(rule, recurrence.local_start(start_date, start_time, zone))
    except InvalidInput as e:
        return {"error": e.message}
    now_local = timezone.now().astimezone(zone)
    dates = []
    for local in parsed.xafter(now_local, inc=True):
        moment = recurrence.to_utc(local)
        dates.append({"local": fmt(moment, zone_name), "utc": fmt(moment, "UTC")})
        if len(dates) >= count:
            break
    return {
        "dates": dates,
        "zone": zone_name,
        "described": "Once" if rule == "FREQ=DAILY;COUNT=1" else recurrence.describe(rule),
    }


@require_GET
def recurrence_preview(request):
    """The next dates for the series form's choices (asked by host.js as they change)."""
    g = request.GET
    rule = rule_from_choices(
        g.get("repeat", "monthly"),
        g.get("week_of_month", "1"),
        g.get("weekday", "TU"),
        g.get("rrule", ""),
    )
    preview = next_dates(rule, g.get("timezone", "UTC"), g.get("start_date"), g.get("start_time"))
    return render(request, "chats/_recurrence_preview.html", {"preview": preview})
