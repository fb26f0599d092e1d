"""/api/v1/notifications: list (types[], exclude_types[], account_id), one,
dismiss, clear. Reminders have no Mastodon type and are not listed here."""

from django.http import HttpRequest

from mastodon_api import entities
from mastodon_api.http import ApiError, api, json_response
from mastodon_api.pagination import page_of, window
from mastodon_api.views.common import parse_id
from posts import actions as post_actions
from posts import status_rows
from posts.models import Notification


def _kinds(types: list) -> set[str]:
    kinds: set[str] = set()
    for t in types:
        kinds.update(entities.API_TYPE_TO_KINDS.get(str(t), []))
    return kinds


def _mine(request: HttpRequest):
    return Notification.objects.for_profile(request.profile).filter(  # type: ignore[attr-defined]
        kind__in=list(entities.NOTIFICATION_TYPES)
    )


@api(scope="read:notifications")
def notifications(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    kinds = [str(kind) for kind in entities.NOTIFICATION_TYPES]
    if p.getlist("types"):
        wanted = _kinds(p.getlist("types"))
        kinds = [k for k in kinds if k in wanted]
    w = window(request, default_limit=40, max_limit=80)
    # Read in plain SQL (posts.status_rows), with the rules of _mine() and its filters.
    items = status_rows.notification_page(
        request.profile,  # type: ignore[attr-defined]
        kinds=kinds,
        excluded=sorted(_kinds(p.getlist("exclude_types"))),
        actor_id=parse_id(p.get("account_id")) if p.get("account_id") else None,
        limit=w.limit,
        max_id=w.max_id,
        since_id=w.since_id,
        min_id=w.min_id,
    )
    body = entities.notification_entities(items, request.profile)  # type: ignore[attr-defined]
    return page_of(request, items).apply(json_response(body))


@api(scope="read:notifications")
def notification(request: HttpRequest, notification_id: str):
    row = _mine(request).filter(pk=parse_id(notification_id)).first()
    if row is None:
        raise ApiError("Record not found", 404)
    return entities.notification_entity(row, request.profile)  # type: ignore[attr-defined]


@api(scope="read:notifications")
def unread_count(request: HttpRequest):
    return {"count": _mine(request).unread().count()}


@api(scope="write:notifications")
def dismiss(request: HttpRequest, notification_id: str):
    post_actions.dismiss_notification(
        user=request.api_user,  # type: ignore[attr-defined]
        profile=request.profile,  # type: ignore[attr-defined]
        notification_id=parse_id(notification_id),
    )
    return {}


@api(scope="write:notifications")
def clear(request: HttpRequest):
    post_actions.clear_notifications(user=request.api_user, profile=request.profile)  # type: ignore[attr-defined]
    return {}
