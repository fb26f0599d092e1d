from datetime import datetime

from django import template
from django.utils.html import format_html

from chats.timefmt import fmt

register = template.Library()


@register.filter
def in_zone(moment: datetime | None, zone_name: str) -> str:
    """{{ event.starts_at|in_zone:series.timezone }}"""
    return fmt(moment, zone_name)


@register.simple_tag
def local_time(moment: datetime | None, fallback_zone: str = "UTC"):
    """A <time> the browser rewrites into the viewer's zone (localtime.js); without
    JavaScript it reads in `fallback_zone`."""
    if moment is None:
        return ""
    return format_html(
        '<time datetime="{}" data-localtime>{}</time>',
        moment.isoformat(),
        fmt(moment, fallback_zone or "UTC"),
    )


@register.filter
def countdown_text(seconds: int) -> str:
    """3 days 4 hours, 2 hours 5 minutes, 12 minutes."""
    seconds = max(0, int(seconds or 0))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if days:
        return f"{unit(days, 'day')} {unit(hours, 'hour')}"
    if hours:
        return f"{unit(hours, 'hour')} {unit(minutes, 'minute')}"
    return unit(max(minutes, 1) if seconds else 0, "minute")
