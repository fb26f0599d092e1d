"""Forms for the host pages. They only gather input; the actions check it, and
their errors are put back on the form (see views.common.apply_error)."""

import re

from django import forms

from chats.actions.rsvps import REMIND_CHOICES
from chats.plans import KINDS
from chats.recurrence import known_zones

ZONE_CHOICES = sorted(known_zones())


REPEAT_CHOICES = [
    ("monthly", "Monthly, on one weekday (e.g. the first Tuesday)"),
    ("weekly", "Weekly"),
    ("fortnightly", "Every other week"),
    ("once", "Once"),
    ("advanced", "Advanced: an RRULE of my own"),
]
WEEK_CHOICES = [("1", "first"), ("2", "second"), ("3", "third"), ("4", "fourth"), ("-1", "last")]
WEEKDAY_CHOICES = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
ONCE_RULE = "FREQ=DAILY;COUNT=1"


def rule_from_choices(repeat: str, week: str, weekday: str, rrule: str) -> str:
    """The RRULE for the form's recurrence choices ("advanced": the text as given)."""
    if repeat == "monthly":
        return f"FREQ=MONTHLY;BYDAY={week}{weekday}"
    if repeat == "weekly":
        return f"FREQ=WEEKLY;BYDAY={weekday}"
    if repeat == "fortnightly":
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
    if repeat == "once":
        return ONCE_RULE
    return rrule


def choices_from_rule(rule: str) -> dict[str, str]:
    """The form's choices for a stored rule; "advanced" when none fits."""
    text = "".join((rule or "").split()).upper().removeprefix("RRULE:")
    found = re.fullmatch(r"FREQ=MONTHLY;BYDAY=(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)", text)
    if found:
        return {"repeat": "monthly", "week_of_month": found[1], "weekday": found[2]}
    found = re.fullmatch(r"FREQ=WEEKLY;(INTERVAL=2;)?BYDAY=(MO|TU|WE|TH|FR|SA|SU)", text)
    if found:
        repeat = "fortnightly" if found[1] else "weekly"
        return {"repeat": repeat, "week_of_month": "1", "weekday": found[2]}
    if text == ONCE_RULE:
        return {"repeat": "once", "week_of_month": "1", "weekday": "TU"}
    return {"repeat": "advanced", "week_of_month": "1", "weekday": "TU"}


class SeriesForm(forms.Form):
    """A series; `new_organisation` adds the choice of creating an organisation
    profile on the spot (the "Host a chat" path)."""

    organiser = forms.ChoiceField(
        label="Who hosts it",
        help_text="The profile that posts the welcome, the questions and the thanks.",
        widget=forms.Select(attrs={"data-organiser-choice": ""}),
    )
    new_org_handle = forms.CharField(
        label="Handle of the new organisation profile",
        required=False,
        max_length=30,
        help_text="Letters, digits and underscores, e.g. LibChatTeam.",
    )
    new_org_name = forms.CharField(
        label="Its display name", required=False, max_length=100, help_text="e.g. Library Chat Team"
    )
    hashtag = forms.CharField(max_length=101, help_text="Without or with the #, e.g. auslibchat.")
    title = forms.CharField(max_length=200, help_text="e.g. The Australian library chat")
    repeat = forms.ChoiceField(
        label="How often", choices=REPEAT_CHOICES, initial="monthly", widget=forms.RadioSelect
    )
    week_of_month = forms.ChoiceField(label="Which week", choices=WEEK_CHOICES, initial="1")
    weekday = forms.ChoiceField(label="Day", choices=WEEKDAY_CHOICES, initial="TU")
    rrule = forms.CharField(
        label="RRULE (RFC 5545)",
        required=False,
        max_length=500,
        help_text="FREQ=MONTHLY;BYDAY=1TU is the first Tuesday of each month; "
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH every other Thursday.",
    )
    start_time = forms.TimeField(
        label="Start time", widget=forms.TimeInput(attrs={"type": "time"}), initial="19:00"
    )
    start_date = forms.DateField(
        label="First possible date",
        help_text="The chat recurs from this day on (for “Once”: its day).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    timezone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="Type to search, e.g. Hong_Kong or Sydney. The chat keeps its local time "
        "in this zone across daylight saving.",
        widget=forms.TextInput(attrs={"list": "zones", "autocomplete": "off"}),
    )
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    duration_minutes = forms.IntegerField(label="Duration (minutes)", initial=60)
    tail_hours = forms.IntegerField(
        label="Tail window (hours)",
        initial=72,
        help_text="Posts this long after the end still belong to the chat and its transcript.",
    )
    cohosts = forms.CharField(
        label="Co-hosts",
        required=False,
        help_text="Handles of co-host profiles, separated by spaces or commas.",
    )
    questions_public = forms.BooleanField(
        label="Show questions before they are posted", required=False
    )
    is_public = forms.BooleanField(label="List in the directory", required=False, initial=True)
    welcome_text = forms.CharField(
        label="Default welcome post",
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Posted at the start of each event.",
    )
    questions_text = forms.CharField(
        label="Default questions, one per line",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Spread evenly from minute 5 (five questions: 5, 15, 25, 35, 45). "
        "Each event starts with these; change them per event.",
    )
    closing_text = forms.CharField(
        label="Default closing post",
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Posted five minutes before the end.",
    )

    ESSENTIAL = ("organiser", "new_org_handle", "new_org_name", "hashtag", "title")
    WHEN = ("repeat", "week_of_month", "weekday", "start_time", "timezone", "start_date")
    MORE = (
        "description",
        "duration_minutes",
        "tail_hours",
        "cohosts",
        "questions_public",
        "is_public",
        "welcome_text",
        "questions_text",
        "closing_text",
    )

    def __init__(self, *args, organisers=(), new_organisation=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (
                str(p.id),
                f"@{p.handle}" + (" (organisation)" if p.kind == "organisation" else " (you)"),
            )
            for p in organisers
        ]
        if new_organisation:
            choices.append(("new", "A new organisation profile…"))
        else:
            for name in ("new_org_handle", "new_org_name"):
                del self.fields[name]
        self.fields["organiser"].choices = choices

    def group(self, names):
        return [self[name] for name in names if name in self.fields]

    def essential(self):
        return self.group(self.ESSENTIAL)

    def when(self):
        return self.group(self.WHEN)

    def more(self):
        return self.group(self.MORE)

    def clean(self):
        data = super().clean()
        if data.get("organiser") == "new":
            if not (data.get("new_org_handle") or "").strip():
                self.add_error("new_org_handle", "Give the new organisation profile a handle.")
            if not (data.get("new_org_name") or "").strip():
                self.add_error("new_org_name", "Give the new organisation profile a name.")
        if data.get("repeat") == "advanced" and not (data.get("rrule") or "").strip():
            self.add_error("rrule", "Write the RRULE, or choose one of the other ways to repeat.")
        data["rule"] = rule_from_choices(
            data.get("repeat", ""),
            data.get("week_of_month", "1"),
            data.get("weekday", "TU"),
            data.get("rrule", ""),
        )
        return data


class EventForm(forms.Form):
    occurrence = forms.ChoiceField(
        label="Occurrence",
        required=False,
        help_text="One of the series' dates; or leave it empty and give a start below.",
    )
    starts_at = forms.DateTimeField(
        label="Or a start time (in the series' timezone)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    topic = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    questions_public = forms.BooleanField(
        label="Show questions before they are posted", required=False
    )
    draft = forms.BooleanField(label="Draft (not announced, never posted)", required=False)

    def __init__(self, *args, occurrences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].choices = [("", "(a start time of its own)")] + list(occurrences)


class EventEditForm(forms.Form):
    topic = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    starts_at = forms.DateTimeField(
        label="Start (in the series' timezone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    questions_public = forms.BooleanField(
        label="Show questions before they are posted", required=False
    )
    draft = forms.BooleanField(label="Draft (not announced, never posted)", required=False)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k.title()) for k in KINDS], initial="question")
    text = forms.CharField(max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    offset = forms.IntegerField(label="Minutes after the start", min_value=0)


class RsvpForm(forms.Form):
    remind_minutes = forms.TypedChoiceField(
        label="Remind me",
        choices=[("", "No reminder")]
        + [(str(m), f"{label} before") for m, label in REMIND_CHOICES],
        required=False,
        coerce=int,
        empty_value=None,
    )
    remind_email = forms.BooleanField(label="Also by e-mail", required=False, initial=True)


class OccurrenceMoveForm(forms.Form):
    new_start = forms.DateTimeField(
        label="New start (in the series' timezone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
