"""/api/v1/notifications: list (types[], exclude_types[], account_id), one,
dismiss, clear. Reminders have no Mastodon type and are not listed here."""

from django.http import HttpRequest

from mastodon_api import entities
from mastodon_api.http import ApiError, api, json_response
from mastodon_api.pagination import paginate
from mastodon_api.views.common import parse_id
from posts import actions as post_actions
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
    rows = _mine(request)
    if p.getlist("types"):
        rows = rows.filter(kind__in=_kinds(p.getlist("types")))
    if p.getlist("exclude_types"):
        rows = rows.exclude(kind__in=_kinds(p.getlist("exclude_types")))
    if p.get("account_id"):
        rows = rows.filter(actor_id=parse_id(p.get("account_id")))
    page = paginate(request, rows, default_limit=40, max_limit=80)
    body = entities.notification_entities(page.items, request.profile)  # type: ignore[attr-defined]
    return page.apply(json_response(body))


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
