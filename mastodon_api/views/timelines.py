"""/api/v1/timelines: home, public and hashtag, all through the shared paginator.
A page costs a fixed number of queries whatever its length."""

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from mastodon_api.http import ApiError, api
from mastodon_api.views.common import statuses_page, timeline_posts
from posts.models import Hashtag, Post

MAX_TAGS = 4


@api(scope="read:statuses")
def home(request: HttpRequest):
    posts = Post.objects.home_feed(request.profile)  # type: ignore[attr-defined]
    return statuses_page(request, posts)


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
            name = name.strip().lstrip("#").lower()
            if name and name not in names:
                names.append(name)
    return names


def _through():
    return Post.hashtags.through.objects.all()


def _tagged(names: list[str]):
    return _through().filter(hashtag__name_lower__in=names).values("post_id")


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
    # Reposts carry no hashtags, so a tag timeline holds originals only. The tag test
    # is a correlated EXISTS: the database walks posts newest first and stops after
    # one page, which is what a busy chat hashtag needs (see docs/performance.md).
    viewer = request.profile  # type: ignore[attr-defined]
    posts = timeline_posts(viewer)
    tag_ids = Hashtag.objects.filter(name_lower__in=wanted).values("id")
    posts = posts.filter(Exists(_through().filter(post_id=OuterRef("id"), hashtag_id__in=tag_ids)))
    for name in every:
        posts = posts.filter(id__in=_tagged([name]))
    if excluded:
        posts = posts.exclude(id__in=_tagged(excluded))
    return statuses_page(request, posts, reposts=False)
