"""The activity chart: posts per minute over the hour, the questions marked,
drawn as SVG with pygal. The SVG carries its own styles and no script, so it
works as an <img> on the page and inline in the self-contained HTML export."""

import re

import pygal
from pygal.style import Style

from transcripts.statistics import Stats

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#111111",
    foreground_subtle="#888888",
    colors=("#2a6fdb", "#d9480f"),
    font_family="system-ui, sans-serif",
)


def activity_svg(stats: Stats, *, title: str = "Posts per minute") -> str:
    minutes = len(stats.per_minute)
    labels = [str(m) for m in range(minutes)]
    majors = {m: label for m, label in stats.markers}
    for m, label in majors.items():
        labels[m] = label
    chart = pygal.Line(
        width=900,
        height=320,
        style=STYLE,
        js=[],
        fill=True,
        show_dots=False,
        show_minor_x_labels=False,
        x_title="Minutes from the start (questions marked)",
        y_title="Posts",
        disable_xml_declaration=True,
        include_x_axis=True,
        legend_at_bottom=True,
        truncate_label=-1,
        min_scale=1,
    )
    chart.title = title
    chart.x_labels = labels
    chart.x_labels_major = [labels[m] for m in sorted(majors)] or [labels[0]]
    chart.add("Posts", stats.per_minute)
    peak = max(stats.per_minute, default=0) or 1
    step = max(1, -(-peak // 8))  # whole posts on the axis, at most about 8 labels
    chart.y_labels = list(range(0, peak + step, step))
    marks: list[int | None] = [None] * minutes
    for m in majors:
        marks[m] = peak
    chart.add("Question asked", marks, stroke=False, show_dots=True, dots_size=5)
    return _SCRIPT.sub("", chart.render(is_unicode=True))
