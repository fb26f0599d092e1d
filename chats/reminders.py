"""Reminders for RSVPs: each is claimed once with a conditional update, then sent
in-app (a "reminder" notification) and, when asked for, by e-mail through
Django's e-mail framework. Hosts are reminded the same way, once, a day before
an event whose questions are still placeholders ("Question N")."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from chats import plans
from chats.actions.rsvps import MAX_REMIND_MINUTES
from chats.models import Event, Rsvp
from chats.timefmt import fmt
from posts.actions import notify

logger = logging.getLogger("hashchat.chats.reminders")


def event_url(event: Event) -> str:
    return reverse("chats:event", args=[event.series.hashtag, event.id])


def message_for(event: Event, now: datetime) -> str:
    minutes = max(0, round((event.starts_at - now).total_seconds() / 60))
    if minutes >= 120:
        when = f"in {round(minutes / 60)} hours"
    elif minutes > 0:
        when = f"in {minutes} minutes"
    else:
        return f"#{event.series.hashtag} has started: {event.topic}"[:300]
    return f"#{event.series.hashtag} starts {when}: {event.topic}"[:300]


def _emails(rsvp: Rsvp) -> list[str]:
    """The addresses of the logins that own the RSVP's profile."""
    return sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                profile=rsvp.profile, role=Membership.Role.OWNER
            ).select_related("user")
            if m.user.email and m.user.is_active
        }
    )


def send_one(rsvp: Rsvp, now: datetime) -> bool:
    """Claim and send one reminder; False when it was claimed already."""
    event = rsvp.event
    with transaction.atomic():
        claimed = Rsvp.objects.filter(pk=rsvp.pk, reminded_at__isnull=True).update(reminded_at=now)
        if claimed != 1:
            return False
        message = message_for(event, now)
        link = event_url(event)
        notify(recipient=rsvp.profile, kind="reminder", message=message, link=link)
    if rsvp.remind_email:
        addresses = _emails(rsvp)
        if addresses:
            body = (
                f"{message}\n\n"
                f"Starts: {fmt(event.starts_at, rsvp.profile.timezone)} your time\n"
                f"        {fmt(event.starts_at, event.series.timezone)} for the organiser\n\n"
                f"{settings.BASE_URL}{link}\n"
            )
            try:
                send_mail(
                    subject=message,
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=addresses,
                )
            except OSError:
                logger.exception("could not e-mail the reminder for RSVP %s", rsvp.pk)
    return True


HOST_NOTICE = timedelta(hours=24)


def placeholder_labels(event: Event) -> list[str]:
    return plans.placeholder_labels(
        [
            {"kind": q.kind, "text": q.text, "offset": q.offset_minutes}
            for q in event.questions.all()
        ]
    )


def remind_hosts(now: datetime) -> int:
    """Tell the organiser profile (in-app) and its owners and managers (by e-mail),
    once, when an event starting within a day still has placeholder questions."""
    sent = 0
    events = (
        Event.objects.filter(
            placeholders_reminded_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + HOST_NOTICE,
        )
        .filter(state__in=(Event.State.DRAFT, Event.State.SCHEDULED))
        .select_related("series__organiser")
    )
    for event in events:
        labels = placeholder_labels(event)
        if not labels:
            continue
        with transaction.atomic():
            claimed = Event.objects.filter(
                pk=event.pk, placeholders_reminded_at__isnull=True
            ).update(placeholders_reminded_at=now)
            if claimed != 1:
                continue
            series = event.series
            verb = "is" if len(labels) == 1 else "are"
            message = (
                f"#{series.hashtag} “{event.topic}” starts within a day and "
                f"{plans.listed(labels)} {verb} still a placeholder: "
                "write the questions, or they will not be posted."
            )[:300]
            link = reverse("chats:event-edit", args=[series.hashtag, event.id])
            notify(recipient=series.organiser, kind="reminder", message=message, link=link)
        addresses = sorted(
            {
                m.user.email
                for m in Membership.objects.filter(profile=series.organiser).select_related("user")
                if m.user.email and m.user.is_active
            }
        )
        if addresses:
            try:
                send_mail(
                    subject=f"#{series.hashtag}: questions missing for “{event.topic}”"[:200],
                    message=f"{message}\n\n{settings.BASE_URL}{link}\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=addresses,
                )
            except OSError:
                logger.exception("could not e-mail the hosts of event %s", event.pk)
        sent += 1
    return sent


def send_due(now: datetime | None = None) -> int:
    """Send every reminder whose time has come (RSVPs, and hosts whose questions
    are missing); return how many were sent."""
    now = now or timezone.now()
    hosts_told = remind_hosts(now)
    candidates = (
        Rsvp.objects.filter(
            reminded_at__isnull=True,
            remind_minutes__isnull=False,
            event__starts_at__lte=now + timedelta(minutes=MAX_REMIND_MINUTES),
            event__ends_at__gt=now,
        )
        .exclude(event__state=Event.State.DRAFT)
        .select_related("event__series", "profile")
    )
    sent = 0
    for rsvp in candidates:
        due = rsvp.event.starts_at - timedelta(minutes=rsvp.remind_minutes or 0)
        if due <= now and send_one(rsvp, now):
            sent += 1
    return sent + hosts_told
