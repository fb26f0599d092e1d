"""The export files as HTTP responses, shared by the page and the API."""

from django.http import HttpResponse

from chats.models import Event
from transcripts.building import build
from transcripts.exports import as_csv, as_json, markdown
from transcripts.highlights import highlights_markdown
from transcripts.standalone import standalone_html
from transcripts.statistics import compute

# format -> (content type, file extension)
FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "json": ("application/json; charset=utf-8", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    # Only what the hosts highlighted, for a short blog post.
    "highlights.md": ("text/markdown; charset=utf-8", "md"),
}

# The export carries its own styles (and the chart inline); it never runs a script.
EXPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


def render_export(event: Event, fmt: str) -> str:
    built = build(event)
    if fmt == "csv":
        return as_csv(built)
    if fmt == "highlights.md":
        return highlights_markdown(built)
    stats = compute(built)
    if fmt == "md":
        return markdown(built, stats)
    if fmt == "html":
        return standalone_html(built, stats)
    return as_json(built, stats)


def filename(event: Event, fmt: str) -> str:
    kind = "highlights" if fmt == "highlights.md" else "transcript"
    return f"{event.series.hashtag}-{event.starts_at:%Y-%m-%d}-{kind}.{FORMATS[fmt][1]}"


def export_response(event: Event, fmt: str) -> HttpResponse:
    response = HttpResponse(render_export(event, fmt), content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{filename(event, fmt)}"'
    if fmt == "html":
        response["Content-Security-Policy"] = EXPORT_CSP
    return response
