"""Back up and restore a whole chat series as one JSON document.

    hashchat export --series auslibchat > auslibchat.json
    hashchat import auslibchat.json [--owner USERNAME]

What a series file holds (format "hashchat-series", version 1):
- the series (with its co-hosts) and its occurrence changes;
- every event with its questions in order (claims, posted times, delays);
- every post that belongs to an event (ChatPost links, the questions' own posts),
  the whole thread of each, and reposts of them, with hashtags, mentions, edit
  history, visibility, deletion and moderation marks and the like, repost and
  reply counts;
- the Q/A links (which post answers which question, and how it was linked);
- the transcripts: introduction, freeze, frozen membership and the hosts' curation;
- every profile involved (organiser, co-hosts, authors, mentioned, moderators),
  avatars included.
Logins (passwords, e-mail addresses), private bookmarks, notifications and the
individual likes are not part of a series: an imported profile has no login until
a site admin attaches one (`--owner` does it for the organiser).

Rows are written field by field from the models' own definitions, so a field added
to one of these models later travels without a change here. Primary keys that are
snowflake ids are kept; rows with plain auto-increment keys are written without
them and found again by their place (questions by their order in the event).
Export, import into an empty instance and export again gives the same document.
"""

import base64
import json
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.files import FieldFile

from accounts.models import Membership, Profile, User
from chats.models import ChatPost, Event, OccurrenceChange, Question, Series
from core.errors import Conflict, InvalidInput, NotFound
from core.fields import SnowflakeField
from core.hashtags import tag_key
from posts import stats
from posts.actions import get_or_create_hashtag
from posts.models import Mention, Post, PostEdit
from transcripts.models import GroupCuration, PostCuration, Transcript, TranscriptEntry

# report(stage, done, total): progress of a long export or import (hashchat.progress)
Report = Callable[[str, int, int | None], None]

FORMAT = "hashchat-series"
VERSION = 1


# Rows <-> JSON ------------------------------------------------------------------------


PROFILE_COUNTS = ("post_count", "last_post_at", "follower_count", "following_count")


def _is_snowflake(field: models.Field) -> bool:
    if isinstance(field, SnowflakeField):
        return True
    target = getattr(field, "target_field", None)
    return field.is_relation and isinstance(target, SnowflakeField)


def _fields(model: type[models.Model], exclude: tuple[str, ...] = ()) -> list[models.Field]:
    """The concrete fields a row is written with: not plain auto keys, not logins."""
    out = []
    for f in model._meta.concrete_fields:
        if f.name in exclude:
            continue
        if f.primary_key and isinstance(f, AutoFieldMixin):
            continue
        if f.is_relation and f.related_model is User:
            continue
        out.append(f)
    return out


def _encode(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if _is_snowflake(field):
        # As strings, so tools that read JSON numbers as doubles keep every digit.
        return str(value)
    return value


def dump(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f.attname: _encode(f, f.value_from_object(obj)) for f in _fields(type(obj), exclude)}


M = TypeVar("M", bound=models.Model)


def build(model: type[M], row: dict[str, Any], **extra: Any) -> M:
    """An unsaved instance from a written row; unknown keys are ignored, missing ones
    take the model's defaults."""
    values = {}
    for f in _fields(model):
        if f.attname in row:
            raw = row[f.attname]
            values[f.attname] = None if raw is None else f.to_python(raw)
    values.update(extra)
    return model(**values)


def _save(obj: models.Model) -> None:
    # raw: keep created_at and other automatic values exactly as they were.
    obj.save_base(raw=True, force_insert=True)


# Export -------------------------------------------------------------------------------


def _profile_refs(row: dict[str, Any], model: type[models.Model]) -> set[int]:
    ids = set()
    for f in _fields(model):
        if f.is_relation and f.related_model is Profile and row.get(f.attname):
            ids.add(int(row[f.attname]))
    return ids


def _series_posts(events: list[Event]) -> list[Post]:
    linked = set(ChatPost.objects.filter(event__in=events).values_list("post_id", flat=True))
    linked |= set(
        Question.objects.filter(event__in=events, post__isnull=False).values_list(
            "post_id", flat=True
        )
    )
    transcripts = Transcript.objects.filter(event__in=events)
    linked |= set(
        TranscriptEntry.objects.filter(transcript__in=transcripts).values_list("post_id", flat=True)
    )
    linked |= set(
        PostCuration.objects.filter(transcript__in=transcripts).values_list("post_id", flat=True)
    )
    roots = {
        root or pk
        for pk, root in Post.objects.filter(id__in=linked).values_list("id", "thread_root_id")
    }
    threads = set(
        Post.objects.filter(
            Q(id__in=linked) | Q(id__in=roots) | Q(thread_root_id__in=roots)
        ).values_list("id", flat=True)
    )
    reposts = set(Post.objects.filter(repost_of_id__in=threads).values_list("id", flat=True))
    return list(
        Post.objects.filter(id__in=threads | reposts)
        .prefetch_related("hashtags", "mentions", "edits")
        .order_by("id")
    )


def _avatar(profile: Profile) -> dict[str, str] | None:
    name = profile.avatar.name if profile.avatar else ""
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return {"name": name, "data": base64.b64encode(data).decode()}


def export_series(hashtag: str, report: Report | None = None) -> dict[str, Any]:
    """The whole series as a JSON-ready dict (see the module's docstring); `report`
    follows the posts written (progress bars)."""
    series = Series.objects.filter(hashtag_key=tag_key(hashtag)).first()
    if series is None:
        raise NotFound(f"There is no series #{hashtag.lstrip('#')} here.")
    profiles: set[int] = {series.organiser_id}
    if series.account_id:
        profiles.add(series.account_id)  # the series' own account (@libchat)
    cohosts = sorted(series.cohosts.values_list("id", flat=True))
    profiles |= set(cohosts)

    events = list(series.events.order_by("starts_at", "id"))
    event_rows = []
    question_index: dict[int, tuple[int, int]] = {}
    for event in events:
        questions = list(event.questions.order_by("offset_minutes", "position", "id"))
        for n, q in enumerate(questions):
            question_index[q.pk] = (event.pk, n)
        event_rows.append(
            {
                **dump(event),
                "questions": [dump(q, exclude=("event",)) for q in questions],
            }
        )

    posts = _series_posts(events)
    post_rows = []
    for done, post in enumerate(posts, 1):
        if report:
            report("posts", done, len(posts))
        row = dump(post)
        profiles |= _profile_refs(row, Post)
        mentioned = sorted(m.profile_id for m in post.mentions.all())
        profiles |= set(mentioned)
        row["hashtags"] = sorted(t.name for t in post.hashtags.all())
        row["mentions"] = [str(pk) for pk in mentioned]
        row["edits"] = [
            dump(e, exclude=("post",))
            for e in sorted(post.edits.all(), key=lambda e: (e.created_at, e.pk))
        ]
        post_rows.append(row)

    chat_rows = []
    for link in ChatPost.objects.filter(event__in=events).order_by("post_id"):
        row = dump(link, exclude=("question",))
        where = question_index.get(link.question_id) if link.question_id else None
        row["question"] = where[1] if where else None
        chat_rows.append(row)

    transcript_rows = []
    for t in Transcript.objects.filter(event__in=events).order_by("event__starts_at", "event_id"):
        transcript_rows.append(
            {
                **dump(t),
                "entries": [
                    dump(e, exclude=("transcript",)) for e in t.entries.order_by("post_id", "group")
                ],
                "marks": [dump(m, exclude=("transcript",)) for m in t.marks.order_by("post_id")],
                "groups": [dump(g, exclude=("transcript",)) for g in t.groups.order_by("group")],
            }
        )

    profile_rows = []
    for profile in Profile.objects.filter(id__in=profiles).order_by("id"):
        # The counts are the instance's, not the series': import counts them afresh.
        row = dump(profile, exclude=PROFILE_COUNTS)
        row["avatar_file"] = _avatar(profile)
        profile_rows.append(row)

    return {
        "format": FORMAT,
        "version": VERSION,
        "series": {**dump(series), "cohosts": [str(pk) for pk in cohosts]},
        "occurrence_changes": [
            dump(c, exclude=("series",))
            for c in series.changes.order_by("original_start", "created_at")
        ],
        "profiles": profile_rows,
        "events": event_rows,
        "posts": post_rows,
        "chat_posts": chat_rows,
        "transcripts": transcript_rows,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


# Import -------------------------------------------------------------------------------


def _check_document(data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput("This is not a hashchat series export.")
    if data.get("version") != VERSION:
        raise InvalidInput(
            f"This export has version {data.get('version')}; this hashchat reads version {VERSION}."
        )
    for key in ("series", "profiles", "events", "posts", "chat_posts", "transcripts"):
        if key not in data:
            raise InvalidInput(f"The export has no “{key}”.")


def _import_profiles(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        pk = int(row["id"])
        handle = row["handle"]
        existing = Profile.objects.filter(Q(id=pk) | Q(handle__iexact=handle)).first()
        if existing is not None:
            if existing.pk == pk and existing.handle.lower() == handle.lower():
                continue  # the same profile (another series of this instance)
            raise Conflict(f"The handle @{handle} belongs to another profile on this instance.")
        profile = build(Profile, row)
        avatar = row.get("avatar_file")
        if avatar and not default_storage.exists(avatar["name"]):
            default_storage.save(avatar["name"], ContentFile(base64.b64decode(avatar["data"])))
        _save(profile)


def _import_posts(rows: list[dict[str, Any]], report: Report | None = None) -> None:
    known = {int(r["id"]) for r in rows}
    existing = set(Post.objects.filter(id__in=known).values_list("id", flat=True))
    for done, row in enumerate(rows, 1):
        if report:
            report("posts", done, len(rows))
        pk = int(row["id"])
        if pk in existing:
            continue
        post = build(Post, row)
        for ref in ("in_reply_to_id", "thread_root_id", "repost_of_id"):
            value = getattr(post, ref)
            if value is not None and value not in known and value not in existing:
                setattr(post, ref, None)
        _save(post)
        post.hashtags.set([get_or_create_hashtag(name) for name in row.get("hashtags", [])])
        Mention.objects.bulk_create(
            [Mention(post=post, profile_id=int(p)) for p in row.get("mentions", [])]
        )
        for edit in row.get("edits", []):
            _save(build(PostEdit, edit, post_id=pk))


@transaction.atomic
def import_series(
    data: dict[str, Any], *, owner: User | None = None, report: Report | None = None
) -> Series:
    """Restore a series exported by export_series, all or nothing."""
    _check_document(data)
    srow = data["series"]
    hashtag = srow.get("hashtag", "")
    if Series.objects.filter(Q(hashtag_key=tag_key(hashtag)) | Q(id=int(srow["id"]))).exists():
        raise Conflict(f"#{hashtag} is already on this instance.")
    _import_profiles(data["profiles"])
    # The key is derived, not trusted from the file (older exports have none).
    series = build(Series, srow, hashtag_key=tag_key(hashtag))
    _save(series)
    series.cohosts.set([int(pk) for pk in srow.get("cohosts", [])])
    for change in data.get("occurrence_changes", []):
        _save(build(OccurrenceChange, change, series_id=series.pk))

    _import_posts(data["posts"], report)
    # Counted from what this instance now holds (exports leave the counts out).
    stats.recount(
        {int(r["id"]) for r in data["profiles"]} | {int(r["author_id"]) for r in data["posts"]}
    )

    questions: dict[tuple[int, int], int] = {}
    for erow in data["events"]:
        event = build(Event, erow)
        _save(event)
        for n, qrow in enumerate(erow.get("questions", [])):
            question = build(Question, qrow, event_id=event.pk)
            _save(question)
            questions[(event.pk, n)] = question.pk

    for crow in data["chat_posts"]:
        link = build(ChatPost, crow)
        where = crow.get("question")
        link.question_id = questions.get((link.event_id, where)) if where is not None else None
        _save(link)

    for trow in data["transcripts"]:
        transcript = build(Transcript, trow)
        _save(transcript)
        for row in trow.get("entries", []):
            _save(build(TranscriptEntry, row, transcript_id=transcript.pk))
        for row in trow.get("marks", []):
            _save(build(PostCuration, row, transcript_id=transcript.pk))
        for row in trow.get("groups", []):
            _save(build(GroupCuration, row, transcript_id=transcript.pk))

    if owner is not None:
        Membership.objects.get_or_create(
            user=owner, profile=series.organiser, defaults={"role": Membership.Role.OWNER}
        )
    return series
