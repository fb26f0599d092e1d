"""{% series_trend series as trend %}: participants per event and the share returning,
for templates/transcripts/_series_trend.html (included on the series page)."""

from django import template

from chats.models import Series
from transcripts.statistics import TrendPoint, series_trend

register = template.Library()


@register.simple_tag
def series_trend_points(series: Series) -> list[TrendPoint]:
    return series_trend(series)


@register.filter
def bar_step(value: int, peak: int) -> int:
    """0..10, for the CSS bar width classes (no inline styles under the CSP)."""
    return round(10 * value / peak) if peak else 0
