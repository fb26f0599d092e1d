"""Helpers the endpoint modules share: finding records as Mastodon does (404
"Record not found"), and turning pages of posts into responses."""

from django.db import connection
from django.http import HttpRequest, HttpResponse

from accounts.models import Profile
from core.ids import parse_id as core_parse_id
from mastodon_api import entities
from mastodon_api.http import ApiError, json_response
from mastodon_api.pagination import Page, paginate
from posts import status_rows
from posts.models import Post
from posts.tag_timeline import HIDDEN_AUTHORS_SQL

NOT_FOUND = "Record not found"


def parse_id(value) -> int:
    """An id from the path or the parameters; anything that cannot be one (not a
    number, beyond 64 bits) is a record that does not exist."""
    number = core_parse_id(value)
    if number is None:
        raise ApiError(NOT_FOUND, 404)
    return number


def hidden_author_ids(viewer: Profile | None) -> list[int]:
    """Profiles whose posts a viewer's timelines leave out: those it blocks or mutes
    and those that block it. One query; the timeline query then needs no anti-joins,
    which keeps it quick to plan on PostgreSQL."""
    if viewer is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(HIDDEN_AUTHORS_SQL, [viewer.id, viewer.id, viewer.id])
        return [row[0] for row in cursor.fetchall()]


def timeline_posts(viewer: Profile | None):
    """Visible public posts, less those of the viewer's hidden authors."""
    posts = Post.objects.visible().public()
    hidden = hidden_author_ids(viewer)
    if hidden:
        posts = posts.exclude(author_id__in=hidden)
    return posts


def readable_posts(viewer: Profile | None):
    """Posts a viewer may open: visible, and not by a profile that blocks the viewer."""
    posts = Post.objects.visible()
    if viewer is not None:
        posts = posts.exclude(author__blocks__target=viewer)
    return posts


def get_post(request: HttpRequest, post_id) -> Post:
    """A post the viewer may open, with what its Status needs, in one plain SQL query
    (posts.status_rows: the same rules as readable_posts)."""
    post = status_rows.readable(parse_id(post_id), request.profile)  # type: ignore[attr-defined]
    if post is None:
        raise ApiError(NOT_FOUND, 404)
    return post


def get_profile(profile_id) -> Profile:
    profile = Profile.objects.filter(pk=parse_id(profile_id), is_suspended=False).first()
    if profile is None:
        raise ApiError(NOT_FOUND, 404)
    return profile


def status(request: HttpRequest, post: Post) -> dict:
    return entities.status_entity(post, viewer=request.profile)  # type: ignore[attr-defined]


def statuses_page(request: HttpRequest, queryset, *, reposts: bool = True, **kwargs):
    """A paginated list of statuses (newest first) with its Link header. `reposts`
    False leaves out the join to reposted posts (a tag timeline has none)."""
    page = paginate(request, entities.with_status_joins(queryset, reposts=reposts), **kwargs)
    return page_response(request, page, [_post_of(item) for item in page.items])


def _post_of(item) -> Post:
    return item if isinstance(item, Post) else item.post


def page_response(request: HttpRequest, page: Page, posts: list[Post]) -> HttpResponse:
    body = entities.status_entities(posts, viewer=request.profile)  # type: ignore[attr-defined]
    response = json_response(body)
    page.apply(response)
    return response


def accounts_page(request: HttpRequest, queryset, *, key: str = "id", profile_attr=None):
    """A paginated list of accounts (follows, blocks, mutes, likes ...)."""
    page = paginate(request, queryset, key=key, max_limit=80, default_limit=40)
    profiles = [getattr(row, profile_attr) if profile_attr else row for row in page.items]
    body = entities.account_entities(profiles)
    response = json_response(body)
    page.apply(response)
    return response
