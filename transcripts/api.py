"""GET /api/hashchat/v1/events/{id}/transcript?format=json|md|html|csv

Authentication as in chats.api: a token needs `read:chats`; the transcript of a
private series or a draft event is for its hosts only."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from chats.api import READS, caller, find_event
from transcripts.downloads import export_response

router = Router(tags=["transcripts"])


class TranscriptQuery(Schema):
    format: Literal["json", "md", "html", "csv"] = "json"


@router.get(
    "/events/{event_id}/transcript",
    response={200: None},
    summary="A chat's transcript as JSON, Markdown, self-contained HTML or CSV",
    description=(
        "The JSON follows the schema in transcripts/transcript.schema.json. Posts hidden "
        "by a host and posts of authors who asked to be left out are never included."
    ),
    openapi_extra=READS,
)
def transcript(request: HttpRequest, event_id: int, query: Query[TranscriptQuery]) -> HttpResponse:
    event = find_event(event_id, caller(request))
    return export_response(event, query.format)
