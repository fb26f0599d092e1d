"""/api/v1/timelines: home, public and hashtag, all through the shared paginator.
A page costs a fixed number of queries whatever its length."""

from django.http import HttpRequest

from core.hashtags import tag_key
from mastodon_api.http import ApiError, api
from mastodon_api.pagination import page_of, window
from mastodon_api.views.common import (
    page_response,
    statuses_page,
    timeline_posts,
)
from posts import status_rows
from posts.tag_timeline import TagQuery, tag_page

MAX_TAGS = 4


@api(scope="read:statuses")
def home(request: HttpRequest):
    # Read in plain SQL (posts.status_rows), with the rules of Post.objects.home_feed.
    w = window(request)
    posts = status_rows.home_page(
        request.profile,  # type: ignore[attr-defined]
        limit=w.limit,
        max_id=w.max_id,
        since_id=w.since_id,
        min_id=w.min_id,
    )
    return page_response(request, page_of(request, posts), posts)


def _public_posts(request: HttpRequest):
    viewer = request.profile  # type: ignore[attr-defined]
    return timeline_posts(viewer).with_live_originals()


@api(scope="read:statuses", auth_mode="optional")
def public(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    # hashchat does not federate: every post is local, none is remote or has media.
    if p.flag("remote") or p.flag("only_media"):
        return []
    return statuses_page(request, _public_posts(request))


def _tag_names(values) -> list[str]:
    names = []
    for value in values:
        for name in str(value).split(","):
            name = tag_key(name)
            if name and name not in names:
                names.append(name)
    return names


@api(scope="read:statuses", auth_mode="optional")
def tag(request: HttpRequest, hashtag: str):
    """Posts with #hashtag or any of any[], with every one of all[], none of none[]."""
    p = request.params  # type: ignore[attr-defined]
    if p.flag("remote") or p.flag("only_media"):
        return []
    wanted = _tag_names([hashtag, *p.getlist("any")])
    every = _tag_names(p.getlist("all"))
    excluded = _tag_names(p.getlist("none"))
    if len(wanted) + len(every) + len(excluded) > 1 + 3 * MAX_TAGS:
        raise ApiError(f"At most {MAX_TAGS} tags in each of any[], all[] and none[].", 422)
    # Reposts carry no hashtags, so a tag timeline holds originals only. The page is
    # read in plain SQL (posts.tag_timeline): this is the request every app repeats during
    # a chat.
    viewer = request.profile  # type: ignore[attr-defined]
    query = TagQuery(
        any=wanted, all=every, none=excluded, viewer=viewer.id if viewer is not None else None
    )
    w = window(request)
    posts = tag_page(query, limit=w.limit, max_id=w.max_id, since_id=w.since_id, min_id=w.min_id)
    return page_response(request, page_of(request, posts), posts)
