"""Markers, bookmarks, favourites, reports, and the lists hashchat keeps empty
(custom emojis, filters, lists, announcements)."""

from django.http import HttpRequest

from mastodon_api import actions, entities
from mastodon_api.http import ApiError, api
from mastodon_api.models import Marker
from mastodon_api.pagination import paginate
from mastodon_api.views.common import get_profile, page_response, parse_id
from posts.models import Bookmark, Like


def _marker(marker: Marker) -> dict:
    return {
        "last_read_id": marker.last_read_id,
        "version": marker.version,
        "updated_at": entities.iso(marker.updated_at),
    }


@api(scope="read:statuses")
def get_markers(request: HttpRequest):
    wanted = request.params.getlist("timeline") or list(actions.MARKER_TIMELINES)  # type: ignore[attr-defined]
    rows = Marker.objects.filter(profile=request.profile, timeline__in=wanted)  # type: ignore[attr-defined]
    return {m.timeline: _marker(m) for m in rows}


@api(scope="write:statuses")
def save_markers(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    positions = {}
    for timeline in actions.MARKER_TIMELINES:
        nested = p.raw(timeline)
        if isinstance(nested, dict) and "last_read_id" in nested:
            positions[timeline] = str(nested["last_read_id"])
        elif p.get(f"{timeline}[last_read_id]") is not None:
            positions[timeline] = p.text(f"{timeline}[last_read_id]")
    if not positions:
        raise ApiError("Give home[last_read_id] or notifications[last_read_id].", 422)
    saved = actions.save_markers(
        user=request.api_user,  # type: ignore[attr-defined]
        profile=request.profile,  # type: ignore[attr-defined]
        positions=positions,
    )
    return {m.timeline: _marker(m) for m in saved}


def _posts_of(request: HttpRequest, rows):
    rows = rows.filter(post__deleted_at__isnull=True, post__hidden_at__isnull=True).select_related(
        "post__author", "post__repost_of__author"
    )
    page = paginate(request, rows)
    return page_response(request, page, [row.post for row in page.items])


@api(scope="read:bookmarks")
def bookmarks(request: HttpRequest):
    return _posts_of(request, Bookmark.objects.filter(profile=request.profile))  # type: ignore[attr-defined]


@api(scope="read:favourites")
def favourites(request: HttpRequest):
    return _posts_of(request, Like.objects.filter(profile=request.profile))  # type: ignore[attr-defined]


@api(scope="write:reports")
def create_report(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    if not p.get("account_id"):
        raise ApiError("account_id is required.", 422)
    target = get_profile(p.get("account_id"))
    report = actions.file_report(
        user=request.api_user,  # type: ignore[attr-defined]
        profile=request.profile,  # type: ignore[attr-defined]
        target=target,
        post_ids=[parse_id(i) for i in p.getlist("status_ids")],
        comment=p.text("comment"),
        category=p.text("category") or "other",
        rule_ids=p.getlist("rule_ids"),
    )
    return {
        "id": str(report.pk),
        "action_taken": False,
        "action_taken_at": None,
        "category": report.category,
        "comment": report.comment,
        "forwarded": False,
        "created_at": entities.iso(report.created_at),
        "status_ids": [str(i) for i in report.posts.values_list("id", flat=True)] or None,
        "rule_ids": report.rule_ids or None,
        "target_account": entities.account_entity(target),
    }


@api(auth_mode="optional")
def empty_list(request: HttpRequest, **kwargs):
    """Features hashchat does not have (custom emojis, filters, lists, announcements,
    suggestions, featured tags, conversations, scheduled statuses): always empty."""
    return []
