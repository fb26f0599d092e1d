"""RSVPs: a profile says it will join an event, optionally with a reminder."""

from typing import Any

from django.db import transaction

from accounts.models import Profile, User
from accounts.permissions import check_act_as
from chats.models import Event, Rsvp
from core.errors import InvalidInput

# Reminder choices offered on pages (minutes before the start); the API takes any
# whole number of minutes up to MAX_REMIND_MINUTES.
REMIND_CHOICES = [(10, "10 minutes"), (30, "30 minutes"), (60, "1 hour"), (1440, "1 day")]
MAX_REMIND_MINUTES = 7 * 24 * 60


def _clean_minutes(value: Any) -> int | None:
    if value in (None, "", "none"):
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("A reminder is a whole number of minutes.", field="remind_minutes")
    if not 1 <= minutes <= MAX_REMIND_MINUTES:
        raise InvalidInput(
            f"A reminder can be 1 to {MAX_REMIND_MINUTES} minutes before the start.",
            field="remind_minutes",
        )
    return minutes


def rsvp(
    *,
    user: User,
    profile: Profile,
    event: Event,
    remind_minutes: Any = None,
    remind_email: bool = True,
) -> Rsvp:
    """Join (or change the reminder of) `profile`'s RSVP to `event`. A changed
    reminder time is sent again at its new time."""
    check_act_as(user, profile)
    if event.state == Event.State.DRAFT:
        raise InvalidInput("This event is not open yet.")
    minutes = _clean_minutes(remind_minutes)
    with transaction.atomic():
        row, created = Rsvp.objects.get_or_create(
            profile=profile,
            event=event,
            defaults={"remind_minutes": minutes, "remind_email": bool(remind_email)},
        )
        if not created:
            fields = ["remind_email"]
            if row.remind_minutes != minutes:
                row.remind_minutes = minutes
                row.reminded_at = None
                fields += ["remind_minutes", "reminded_at"]
            row.remind_email = bool(remind_email)
            row.save(update_fields=fields)
    return row


def cancel_rsvp(*, user: User, profile: Profile, event: Event) -> None:
    check_act_as(user, profile)
    Rsvp.objects.filter(profile=profile, event=event).delete()
