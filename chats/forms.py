"""Forms for the host pages. They only gather input; the actions check it, and
their errors are put back on the form (see views.common.apply_error)."""

from django import forms

from chats.actions.rsvps import REMIND_CHOICES
from chats.plans import KINDS
from chats.recurrence import known_zones

ZONE_CHOICES = sorted(known_zones())


class SeriesForm(forms.Form):
    organiser = forms.ChoiceField(
        label="Organiser profile",
        help_text="The official profile that posts the welcome, the questions and the thanks.",
    )
    hashtag = forms.CharField(max_length=101, help_text="Without or with the #, e.g. auslibchat.")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    timezone = forms.CharField(
        max_length=64,
        help_text="The organiser's IANA timezone, e.g. Asia/Hong_Kong. "
        "The chat keeps its local time in it across daylight saving.",
        widget=forms.TextInput(attrs={"list": "zones", "autocomplete": "off"}),
    )
    rrule = forms.CharField(
        label="Recurrence (RFC 5545 RRULE)",
        max_length=500,
        help_text="FREQ=MONTHLY;BYDAY=1TU is the first Tuesday of each month; "
        "FREQ=WEEKLY;BYDAY=WE every Wednesday; "
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH every other Thursday.",
    )
    start_time = forms.TimeField(
        label="Local start time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    start_date = forms.DateField(
        label="First date the rule applies from", widget=forms.DateInput(attrs={"type": "date"})
    )
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

    def __init__(self, *args, organisers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = [(str(p.id), f"@{p.handle}") for p in organisers]


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
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    questions_public = forms.BooleanField(
        label="Show questions before they are posted", required=False
    )
    draft = forms.BooleanField(label="Draft (not announced, never posted)", required=False)

    def __init__(self, *args, occurrences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].choices = [("", "(a start time of its own)")] + list(occurrences)


class EventEditForm(forms.Form):
    topic = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
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
