"""Archives in hashchat's own API (/api/hashchat/v1/):

POST /series/{hashtag}/archives   {"starts_at", "ends_at", "host_acct", "servers", "topic"}
                                  queue an archive (a host of the series); 201
GET  /archives/{id}               its state and progress, and its event once made
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from chats.api import READS, WRITES, _check_token_hosts, _need_user, _series, caller
from core.errors import NotFound
from core.ids import parse_id
from gathering import archive as archives
from gathering.models import Archive

router = Router(tags=["archives"])


class ArchiveIn(Schema):
    starts_at: datetime
    ends_at: datetime
    host_acct: str
    servers: list[str]
    topic: str = ""


def archive_dict(row: Archive) -> dict:
    return {
        "id": str(row.pk),
        "hashtag": row.series.hashtag,
        "topic": row.topic,
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "host_acct": row.host_acct,
        "servers": row.servers,
        "state": row.state,
        "progress": {
            "pages_read": row.pages_read,
            "found": row.found,
            "imported": row.imported,
            "skipped": row.skipped,
            "questions": row.questions,
            "percent": row.percent,
        },
        "problems": row.problems,
        "event_id": str(row.event_id) if row.event_id else None,
    }


@router.post(
    "/series/{hashtag}/archives",
    response={201: dict},
    summary="Archive a chat",
    openapi_extra=WRITES,
)
def create_archive(request: HttpRequest, hashtag: str, body: ArchiveIn):
    who = caller(request, write=True)
    series = _series(hashtag, who)
    # A token acts as its one profile: that profile must host the series.
    _check_token_hosts(who, series)
    row = archives.request_archive(
        user=_need_user(who.user),
        profile=who.profile,
        series=series,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        host_acct=body.host_acct,
        servers=body.servers,
        topic=body.topic,
    )
    return Status(201, archive_dict(row))


@router.get(
    "/archives/{archive_id}", response=dict, summary="An archive's progress", openapi_extra=READS
)
def get_archive(request: HttpRequest, archive_id: str):
    who = caller(request)
    pk = parse_id(archive_id)
    row = Archive.objects.select_related("series").filter(pk=pk).first() if pk is not None else None
    if row is None or not who.hosts(row.series):
        raise NotFound("No such archive.")
    return archive_dict(row)
