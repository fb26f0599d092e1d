"""/api/v1/tags/:name (and follow, unfollow), /api/v1/followed_tags."""

from django.http import HttpRequest

from core.hashtags import tag_key
from mastodon_api import entities
from mastodon_api.http import ApiError, api, json_response
from mastodon_api.pagination import paginate
from posts import actions as post_actions
from posts.models import Hashtag, TagFollow


@api(scope="read", auth_mode="optional")
def get_tag(request: HttpRequest, name: str):
    tag = Hashtag.objects.filter(name_lower=tag_key(name)).first()
    if tag is None:
        raise ApiError("Record not found", 404)
    return entities.tag_entity(tag, viewer=request.profile)  # type: ignore[attr-defined]


@api(scope="write:follows")
def follow_tag(request: HttpRequest, name: str):
    row = post_actions.follow_tag(user=request.api_user, profile=request.profile, name=name)  # type: ignore[attr-defined]
    entity = entities.tag_entity(row.hashtag)
    entity["following"] = True
    return entity


@api(scope="write:follows")
def unfollow_tag(request: HttpRequest, name: str):
    post_actions.unfollow_tag(user=request.api_user, profile=request.profile, name=name)  # type: ignore[attr-defined]
    entity = entities.tag_entity(name)
    entity["following"] = False
    return entity


@api(scope="read:follows")
def followed_tags(request: HttpRequest):
    rows = TagFollow.objects.filter(profile=request.profile).select_related("hashtag")  # type: ignore[attr-defined]
    page = paginate(request, rows, default_limit=100, max_limit=200)
    body = [{**entities.tag_entity(row.hashtag), "following": True} for row in page.items]
    return page.apply(json_response(body))
