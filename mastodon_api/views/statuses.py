"""/api/v1/statuses: post, read, edit, delete, thread context, likes, reposts and
bookmarks. A token acts as one profile, so it may edit or delete only that
profile's posts."""

from django.http import HttpRequest

from core.errors import NotAllowed
from mastodon_api import entities
from mastodon_api.http import ApiError, api
from mastodon_api.views.common import (
    accounts_page,
    get_post,
    parse_id,
    readable_posts,
    status,
)
from posts import actions as post_actions
from posts import status_rows
from posts.models import Like, Post, PostEdit
from posts.queries import arrange_thread

UNSUPPORTED_VISIBILITY = (
    "Posts on hashchat are public or unlisted; private and direct are not supported."
)


def _reload(post_id: int) -> Post:
    return entities.status_queryset().get(pk=post_id)


def _check_unsupported(params) -> None:
    if params.getlist("media_ids"):
        raise ApiError("Media attachments are not supported.", 422)
    if params.raw("poll") or any(key.startswith("poll[") for key in params._values):
        raise ApiError("Polls are not supported.", 422)
    if params.text("scheduled_at"):
        raise ApiError("Scheduled posts are not supported.", 422)


@api(scope="write:statuses")
def create_status(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    _check_unsupported(p)
    visibility = p.text("visibility") or "public"
    if visibility in ("private", "direct"):
        raise ApiError(UNSUPPORTED_VISIBILITY, 422)
    in_reply_to = None
    if p.get("in_reply_to_id"):
        in_reply_to = get_post(request, p.get("in_reply_to_id"))
    post = post_actions.create_post(
        user=request.api_user,  # type: ignore[attr-defined]
        profile=request.profile,  # type: ignore[attr-defined]
        text=p.text("status"),
        in_reply_to=in_reply_to,
        idempotency_key=(request.headers.get("Idempotency-Key") or "").strip()[:200] or None,
        visibility=visibility,
        spoiler_text=p.text("spoiler_text"),
    )
    # A new post comes back with what its Status needs; a repeated Idempotency-Key
    # returns the first post, which is read again with its joins.
    if hasattr(post, "created_mentions"):
        return entities.new_status_entity(post, viewer=request.profile)  # type: ignore[attr-defined]
    return status(request, _reload(post.id))


@api(scope="read:statuses", auth_mode="optional")
def get_status(request: HttpRequest, post_id: str):
    return status(request, get_post(request, post_id))


def _own_post(request: HttpRequest, post_id: str) -> Post:
    post = get_post(request, post_id)
    if post.author_id != request.profile.id:  # type: ignore[attr-defined]
        raise NotAllowed("This action is not allowed")
    return post


@api(scope="write:statuses")
def edit_status(request: HttpRequest, post_id: str):
    p = request.params  # type: ignore[attr-defined]
    _check_unsupported(p)
    post = _own_post(request, post_id)
    post_actions.edit_post(
        user=request.api_user,  # type: ignore[attr-defined]
        post=post,
        text=p.text("status"),
        spoiler_text=p.text("spoiler_text"),
    )
    return status(request, _reload(post.id))


@api(scope="write:statuses")
def delete_status(request: HttpRequest, post_id: str):
    """Deletes and answers with the status as it was, with its `text` (to redraft)."""
    post = _own_post(request, post_id)
    entity = status(request, post)
    entity["text"] = post.text
    post_actions.delete_post(user=request.api_user, post=post)  # type: ignore[attr-defined]
    return entity


@api(scope="read:statuses", auth_mode="optional")
def status_source(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    return {"id": str(post.id), "text": post.text, "spoiler_text": post.spoiler_text}


@api(scope="read:statuses", auth_mode="optional")
def status_history(request: HttpRequest, post_id: str):
    """Every version, oldest first; the last is the current text."""
    post = get_post(request, post_id)
    account = entities.account_entity(post.author)
    versions = [
        (edit.html, edit.created_at) for edit in PostEdit.objects.filter(post=post).order_by("id")
    ]
    versions.append((post.html, post.edited_at or post.created_at))
    base = entities._base(None)
    return [
        {
            "content": entities._absolute_links(html, base),
            "spoiler_text": "",
            "sensitive": False,
            "created_at": entities.iso(moment),
            "account": account,
            "poll": None,
            "media_attachments": [],
            "emojis": [],
        }
        for html, moment in versions
    ]


@api(scope="read:statuses", auth_mode="optional")
def status_context(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    if post.repost_of_id is not None:
        post = post.repost_of  # type: ignore[assignment]
    viewer = request.profile  # type: ignore[attr-defined]
    rows = status_rows.thread_rows(post.thread_root_id or post.id, viewer)
    ancestors, descendants = arrange_thread(post, rows)

    def shown(row: Post) -> bool:
        return row.deleted_at is None and row.hidden_at is None and not row.author.is_suspended

    return entities.context_entity(
        [a for a in ancestors if shown(a)],
        [d.post for d in descendants if shown(d.post)],  # type: ignore[arg-type]
        viewer=viewer,
    )


def _acting(request: HttpRequest) -> dict:
    return {"user": request.api_user, "profile": request.profile}  # type: ignore[attr-defined]


@api(scope="write:favourites")
def favourite(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    post_actions.like(post=post, **_acting(request))
    return status(request, _reload(post.id))


@api(scope="write:favourites")
def unfavourite(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    post_actions.unlike(post=post, **_acting(request))
    return status(request, _reload(post.id))


@api(scope="write:statuses")
def reblog(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    row = post_actions.repost(post=post, **_acting(request))
    return status(request, _reload(row.id))


@api(scope="write:statuses")
def unreblog(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    post_actions.unrepost(post=post, **_acting(request))
    original = post.repost_of_id or post.id
    return status(request, _reload(original))


@api(scope="write:bookmarks")
def bookmark(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    post_actions.bookmark(post=post, **_acting(request))
    return status(request, _reload(post.id))


@api(scope="write:bookmarks")
def unbookmark(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    post_actions.unbookmark(post=post, **_acting(request))
    return status(request, _reload(post.id))


@api(scope="read:accounts", auth_mode="optional")
def favourited_by(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    likes = Like.objects.filter(post=post, profile__is_suspended=False).select_related("profile")
    return accounts_page(request, likes, profile_attr="profile")


@api(scope="read:accounts", auth_mode="optional")
def reblogged_by(request: HttpRequest, post_id: str):
    post = get_post(request, post_id)
    reposts = (
        readable_posts(None)
        .filter(repost_of_id=parse_id(post.repost_of_id or post.id))
        .select_related("author")
    )
    return accounts_page(request, reposts, profile_attr="author")
