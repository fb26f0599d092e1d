"""{% live_now %}: the public chats that are on now, each with a Join button (the
home page, the landing page and the directory show it)."""

from django import template
from django.utils import timezone

from chats.models import Event

register = template.Library()


def live_events(limit: int = 6) -> list[Event]:
    now = timezone.now()
    return list(
        Event.objects.filter(series__is_public=True, starts_at__lte=now, ends_at__gt=now)
        .exclude(state=Event.State.DRAFT)
        .select_related("series__organiser")
        .order_by("starts_at")[:limit]
    )


@register.inclusion_tag("chats/_live_now.html")
def live_now(limit: int = 6) -> dict:
    return {"live": live_events(limit)}
