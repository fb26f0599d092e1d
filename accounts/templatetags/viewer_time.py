"""{% when moment %}: a time relative to now ("2 min"), with the exact time in the
viewer's zone (accounts.zones.viewer_zone, made current by the middleware) in its
title and its datetime attribute; localtime.js keeps the relative text fresh."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from accounts.zones import fmt, relative

register = template.Library()


@register.simple_tag
def when(moment: datetime | None, css_class: str = ""):
    if moment is None:
        return ""
    zone = timezone.get_current_timezone_name()
    exact = fmt(moment, zone)
    return format_html(
        '<time{} datetime="{}" data-relative title="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        moment.isoformat(),
        exact,
        relative(moment, zone_name=zone),
    )


@register.filter
def exact_time(moment: datetime | None) -> str:
    """The exact time in the viewer's zone: "Tue 2 Feb 2027, 19:00 HKT"."""
    return fmt(moment, timezone.get_current_timezone_name()) if moment else ""
