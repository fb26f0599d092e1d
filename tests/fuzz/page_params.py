"""Every page route (by URL name) with the query parameters its view reads and the
form fields it takes, for the page fuzzer (test_pages.py). A page route without a
row here fails test_every_page_is_in_the_table.

Form fields come from the Django forms themselves (fields_of), plus the extra
names the views read from request.POST. Kinds as in the Mastodon table, plus
"date", "time", "datetime" and "next" (a redirect target).
"""

from django import forms

from accounts.forms import (
    AddMemberForm,
    LoginForm,
    OrganisationForm,
    PasswordForm,
    ProfileForm,
    SignUpForm,
)
from chats.forms import (
    EventEditForm,
    EventForm,
    OccurrenceMoveForm,
    RsvpForm,
    SeriesForm,
)
from chats.views.follow import FollowFromServerForm
from gathering.views import ArchiveForm
from moderation.forms import CloseReportForm, SuspendForm

KIND_OF_FIELD = [
    (forms.SplitDateTimeField, "datetime"),
    (forms.DateTimeField, "datetime"),
    (forms.DateField, "date"),
    (forms.TimeField, "time"),
    (forms.IntegerField, "int"),
    (forms.BooleanField, "bool"),
    (forms.FileField, None),
]


def fields_of(form_class: type[forms.Form], prefix: str = "") -> dict[str, str]:
    """{field name: kind} of a form (file fields left out: uploads are tested apart)."""
    found = {}
    for name, field in form_class.base_fields.items():
        kind: str | None = "text"
        for field_class, field_kind in KIND_OF_FIELD:
            if isinstance(field, field_class):
                kind = field_kind
                break
        if kind is not None:
            found[f"{prefix}{name}"] = kind
    return found


NEXT = {"next": "next"}
# The question rows of the event forms (chats/views/plan_rows.py), two of them.
QUESTION_ROWS = {"q-total": "int"} | {
    f"q-{n}-{name}": kind
    for n in (0, 1)
    for name, kind in (
        ("kind", "text"),
        ("text", "text"),
        ("offset", "int"),
        ("id", "id"),
        ("slot", "bool"),
        ("remove", "bool"),
    )
}
BEFORE = {"before": "id"}

# url name -> {"GET": query parameters, "POST": form fields}
PAGES: dict[str, dict[str, dict[str, str]]] = {
    "signup": {"GET": NEXT, "POST": {**fields_of(SignUpForm), **NEXT}},
    "login": {"GET": NEXT, "POST": {**fields_of(LoginForm), **NEXT}},
    "logout": {"POST": {}},
    "settings": {"GET": {}, "POST": fields_of(ProfileForm)},
    "change-password": {"GET": {}, "POST": fields_of(PasswordForm)},
    "members": {
        "GET": {},
        "POST": {**fields_of(AddMemberForm), "op": "text", "member": "id", "role": "text"},
    },
    "new-organisation": {"GET": {}, "POST": fields_of(OrganisationForm)},
    "switch-profile": {"POST": {"profile": "id", **NEXT}},
    "profile": {"GET": BEFORE},
    "follow": {"POST": NEXT},
    "unfollow": {"POST": NEXT},
    "avatar-initials": {"GET": {}},
    "home": {"GET": BEFORE},
    "compose": {
        "GET": {"in_reply_to": "id"},
        "POST": {"text": "text", "profile": "id", "idempotency_key": "text", "in_reply_to": "id"},
    },
    "post": {"GET": {}},
    "post-by-handle": {"GET": {}},
    "edit-post": {"GET": {}, "POST": {"text": "text"}},
    "delete-post": {"POST": NEXT},
    "like": {"POST": NEXT},
    "unlike": {"POST": NEXT},
    "repost": {"POST": NEXT},
    "unrepost": {"POST": NEXT},
    "tag": {"GET": BEFORE},
    "follow-tag": {"POST": NEXT},
    "unfollow-tag": {"POST": NEXT},
    "notifications": {"GET": BEFORE},
    "clear-notifications": {"POST": {}},
    "mark-notifications-read": {"POST": {"up_to": "id"}},
    "dismiss-notification": {"POST": NEXT},
    "directory": {"GET": {"q": "text", "weekday": "text", "time": "text", "tz": "text"}},
    "series-new": {"GET": {}, "POST": fields_of(SeriesForm)},
    "host": {"GET": {}},
    "how-to-take-part": {"GET": {}},
    "recurrence-preview": {
        "GET": {
            "repeat": "text",
            "week_of_month": "text",
            "weekday": "text",
            "rrule": "text",
            "timezone": "text",
            "start_date": "date",
            "start_time": "time",
        }
    },
    "series": {"GET": {"tz": "text"}},
    "series-edit": {"GET": {}, "POST": fields_of(SeriesForm)},
    "series-ics": {"GET": {}},
    "follow-from-server": {"GET": {}, "POST": fields_of(FollowFromServerForm)},
    "account-options": {"POST": {"boost_outside_events": "bool", "follow_back": "bool"}},
    "archive-new": {"GET": {}, "POST": fields_of(ArchiveForm)},
    "archive": {"GET": {"error": "text"}},
    "archive-mark-question": {"POST": {"post": "id", "number": "int"}},
    "watch": {"POST": {"server": "text", "access_token": "text", "event": "id"}},
    "unwatch": {"POST": {"event": "id"}},
    "occurrence-change": {
        "POST": {"original": "datetime", "action": "text", **fields_of(OccurrenceMoveForm)}
    },
    "event-new": {
        "GET": {"occurrence": "datetime", "first": "text"},
        "POST": {**fields_of(EventForm), **QUESTION_ROWS, "first": "text"},
    },
    "event": {"GET": {"question": "int", "tz": "text"}},
    # The event and its questions are one form: rows q-<n>-kind, -text, -offset, -id.
    "event-edit": {"GET": {}, "POST": {**fields_of(EventEditForm), **QUESTION_ROWS}},
    "event-ics": {"GET": {}},
    "event-delete": {"POST": {}},
    "event-log": {"GET": {"tz": "text"}},
    "rsvp": {"POST": {**fields_of(RsvpForm), "cancel": "text", "as": "id"}},
    "hide-post": {"POST": {"hidden": "bool", **NEXT}},
    "room": {"GET": {"before": "id", "reply": "id"}},
    "room-post": {
        "POST": {
            "profile": "id",
            "answer": "id",
            "text": "text",
            "in_reply_to": "id",
            "idempotency_key": "text",
        }
    },
    "room-posts": {"GET": {"before": "id", "after": "id", "limit": "int"}},
    "room-state": {"GET": {}},
    "room-react": {"POST": {}},
    "transcript": {"GET": {"part": "int", "fragment": "text"}},
    "transcript-chart": {"GET": {}},
    "transcript-export": {"GET": {}},
    "transcript-curate": {
        "GET": {},
        "POST": {
            "part": "int",
            "action": "text",
            "post": "id",
            "group": "text",
            "note": "text",
            "introduction": "text",
        },
    },
    "transcripts-series-feed": {"GET": {}},
    "transcripts-feed": {"GET": {}},
    "metrics": {"GET": {}},
    "follow-requests": {"GET": {}, "POST": {"approve": "bool"}},
    "follow-request-accept": {"POST": {}},
    "follow-request-reject": {"POST": {}},
    "search": {"GET": {"q": "text"}},
    "search-look-up": {"POST": {"q": "text"}},
    "moderation-reports": {"GET": {}},
    "moderation-close-report": {"POST": fields_of(CloseReportForm)},
    "moderation-profiles": {
        "GET": {"handle": "text", "action": "text"},
        "POST": fields_of(SuspendForm),
    },
    "moderation-log": {"GET": {"handle": "text", "page": "text"}},
}
