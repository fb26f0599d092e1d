"""GET /api/hashchat/v1/events/{id}/transcript?format=json|md|html|csv"""

from typing import Literal, cast

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from accounts.models import User
from chats.models import Event
from core.errors import NotFound
from core.ids import parse_id
from transcripts.actions import can_curate
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
)
def transcript(request: HttpRequest, event_id: str, query: Query[TranscriptQuery]) -> HttpResponse:
    pk = parse_id(event_id)
    event = Event.objects.select_related("series").filter(pk=pk).first() if pk is not None else None
    if event is None:
        raise NotFound("No such event.")
    hidden = event.state == Event.State.DRAFT or not event.series.is_public
    if hidden and not can_curate(cast(User, request.user), event.series):
        raise NotFound("No such event.")
    return export_response(event, query.format)
