"""/api/v2/search: accounts by handle or name, hashtags by prefix, statuses by text.
With `resolve=true` and a token, an @user@domain or a URL is also looked up on its
own server (mastodon_api.resolvers; federation registers how)."""

from django.http import HttpRequest

from core.hashtags import tag_key
from mastodon_api import entities, resolvers
from mastodon_api.http import ApiError, api
from mastodon_api.views.accounts import search_profiles
from mastodon_api.views.common import readable_posts
from posts.models import Hashtag

TYPES = ("accounts", "hashtags", "statuses")


@api(scope="read:search", auth_mode="optional")
def search(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    query = p.text("q").strip()
    kind = p.text("type")
    if kind and kind not in TYPES:
        raise ApiError("type must be accounts, hashtags or statuses.", 422)
    limit = p.number("limit", 20, minimum=1, maximum=40)
    offset = p.number("offset", 0, minimum=0)
    result: dict = {"accounts": [], "statuses": [], "hashtags": []}
    if not query:
        return result
    resolve = p.flag("resolve") and request.profile is not None  # type: ignore[attr-defined]
    if resolve and offset == 0 and kind in ("", "statuses") and query.startswith("https://"):
        found = resolvers.resolve_status(query)
        if found is not None:
            result["statuses"] = entities.status_entities([found], viewer=request.profile)  # type: ignore[attr-defined]
            return result
    if kind in ("", "accounts") and not query.startswith("#"):
        accounts = search_profiles(query, limit, offset)
        if resolve and offset == 0 and (remote := resolvers.resolve_account(query)) is not None:
            accounts = [remote, *(a for a in accounts if a.id != remote.id)][:limit]
        result["accounts"] = entities.account_entities(accounts)
    if kind in ("", "hashtags"):
        name = tag_key(query)
        tags = Hashtag.objects.filter(name_lower__startswith=name).order_by("name_lower")
        result["hashtags"] = [entities.tag_entity(t) for t in tags[offset : offset + limit]]
    if kind in ("", "statuses") and request.profile is not None and not result["statuses"]:  # type: ignore[attr-defined]
        posts = (
            readable_posts(request.profile)  # type: ignore[attr-defined]
            .public()
            .originals()
            .filter(text__icontains=query)
            .select_related("author")
            .order_by("-id")[offset : offset + limit]
        )
        result["statuses"] = entities.status_entities(list(posts), viewer=request.profile)  # type: ignore[attr-defined]
    return result
