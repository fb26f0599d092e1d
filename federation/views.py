"""ActivityPub's addresses: WebFinger, actors, notes, outboxes and collections.

A profile's page (/@handle) and a post's page (/@handle/ID) are also its actor and
its Note: browsers get HTML, ActivityPub clients (Accept: application/activity+json
or application/ld+json with the ActivityStreams profile) get JSON-LD. With
federation off only the HTML answers.
"""

import json
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from accounts.models import Follow, Profile
from federation import conf, ids, objects
from federation.activities import create
from federation.verify import Refused, refuse, signed_by
from posts.models import Post
from posts.views.post import post_page_by_handle
from posts.views.profiles import profile_page

PAGE_SIZE = 20
ACCT_RE = re.compile(r"^(?:acct:)?@?([^@/\s]+)@([^@/\s]+)$", re.IGNORECASE)


def wants_activity(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "").lower()
    return "application/activity+json" in accept or "application/ld+json" in accept


def activity_response(data: Any, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type=f"{conf.ACTIVITY_JSON}; charset=utf-8",
    )
    patch_vary_headers(response, ["Accept"])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _local_profile(handle: str) -> Profile:
    return get_object_or_404(Profile, handle__iexact=handle, domain="", is_suspended=False)


def _require_federation() -> None:
    if not conf.enabled():
        raise Http404("Federation is off on this server.")


@require_GET
def webfinger(request: HttpRequest):
    """RFC 7033: acct:handle@domain (or the actor's URL) to the actor's links."""
    _require_federation()
    resource = request.GET.get("resource", "").strip()
    profile = None
    if match := ACCT_RE.match(resource):
        if match.group(2).lower() == conf.domain():
            profile = Profile.objects.filter(
                handle__iexact=match.group(1), domain="", is_suspended=False
            ).first()
    elif resource.startswith(conf.base_url() + "/@"):
        handle = resource[len(conf.base_url()) + 2 :].strip("/")
        profile = Profile.objects.filter(
            handle__iexact=handle, domain="", is_suspended=False
        ).first()
    if profile is None:
        return JsonResponse({"error": f"No profile here answers to {resource!r}."}, status=404)
    me = ids.actor_id(profile)
    response = JsonResponse(
        {
            "subject": f"acct:{profile.handle}@{conf.domain()}",
            "aliases": [me],
            "links": [
                {"rel": "self", "type": conf.ACTIVITY_JSON, "href": me},
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": me},
            ],
        },
        content_type="application/jrd+json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def host_meta(request: HttpRequest):
    """Where WebFinger is, for the clients that still ask (XRD)."""
    _require_federation()
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">'
        f'<Link rel="lrdd" template="{conf.base_url()}/.well-known/webfinger?resource={{uri}}"/>'
        "</XRD>"
    )
    return HttpResponse(xml, content_type="application/xrd+xml")


def _fetch_refused(request: HttpRequest) -> HttpResponse | None:
    """With authorized fetch on, an ActivityPub GET must be signed by a remote
    server's key (and not a blocked or suspended one's): None when it may go on."""
    if not conf.authorized_fetch():
        return None
    try:
        signed_by(request, b"")
    except Refused as refused:
        return refuse(request, refused)
    return None


def profile_or_actor(request: HttpRequest, handle: str):
    if request.method == "GET" and wants_activity(request) and conf.enabled():
        actor = objects.actor(_local_profile(handle))
        if conf.authorized_fetch():
            signed = "signature" in request.headers or "authorization" in request.headers
            if not signed:
                # What a server needs to check this profile's signatures, and no more.
                keep = ("@context", "id", "type", "preferredUsername", "inbox", "endpoints")
                return activity_response(
                    {**{k: actor[k] for k in keep}, "publicKey": actor["publicKey"]}
                )
            if (refused := _fetch_refused(request)) is not None:
                return refused
        return activity_response(actor)
    response = profile_page(request, handle)
    patch_vary_headers(response, ["Accept"])
    return response


def post_or_note(request: HttpRequest, handle: str, post_id: str):
    if request.method == "GET" and wants_activity(request) and conf.enabled():
        if (refused := _fetch_refused(request)) is not None:
            return refused
        number = int(post_id)
        if number >= 2**63:
            raise Http404("No such post.")
        post = get_object_or_404(
            Post.objects.select_related("author", "in_reply_to__author"),
            pk=number,
            local=True,
            author__handle__iexact=handle,
            author__is_suspended=False,
            repost_of__isnull=True,
            hidden_at__isnull=True,
        )
        return activity_response(objects.note(post), status=410 if post.is_deleted else 200)
    response = post_page_by_handle(request, handle, post_id)
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def instance_actor(request: HttpRequest):
    _require_federation()
    return activity_response(objects.instance_actor())


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page")
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 10_000:
        raise Http404("No such page.")
    return int(raw)


def _collection(request: HttpRequest, collection_id: str, total: int, items_for) -> HttpResponse:
    """An OrderedCollection with pages ?page=1, 2, ... of PAGE_SIZE items each."""
    page = _page_number(request)
    if page is None:
        return activity_response(
            {
                "@context": conf.CONTEXT,
                "id": collection_id,
                "type": "OrderedCollection",
                "totalItems": total,
                "first": f"{collection_id}?page=1",
            }
        )
    start = (page - 1) * PAGE_SIZE
    items = items_for(start, start + PAGE_SIZE)
    data: dict[str, Any] = {
        "@context": conf.CONTEXT,
        "id": f"{collection_id}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": collection_id,
        "totalItems": total,
        "orderedItems": items,
    }
    if start + PAGE_SIZE < total:
        data["next"] = f"{collection_id}?page={page + 1}"
    if page > 1:
        data["prev"] = f"{collection_id}?page={page - 1}"
    return activity_response(data)


@require_GET
def outbox(request: HttpRequest, handle: str):
    """The profile's public posts as Create activities, newest first."""
    _require_federation()
    if (refused := _fetch_refused(request)) is not None:
        return refused
    profile = _local_profile(handle)
    posts = (
        Post.objects.filter(
            author=profile,
            local=True,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            repost_of__isnull=True,
            visibility=Post.Visibility.PUBLIC,
        )
        .select_related("author", "in_reply_to__author")
        .prefetch_related("hashtags")
        .order_by("-id")
    )

    def items(start: int, end: int) -> list[dict]:
        return [_without_context(create(post)) for post in posts[start:end]]

    return _collection(request, ids.collection(profile, "outbox"), posts.count(), items)


def _without_context(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "@context"}


def _follows(request: HttpRequest, handle: str, name: str):
    """The followers or following collection of a local profile, newest first."""
    _require_federation()
    if (refused := _fetch_refused(request)) is not None:
        return refused
    profile = _local_profile(handle)
    if name == "followers":
        rows = Follow.objects.filter(followee=profile).select_related("follower")
        total, other = profile.follower_count, "follower"
    else:
        rows = Follow.objects.filter(follower=profile).select_related("followee")
        total, other = profile.following_count, "followee"
    rows = rows.order_by("-id")
    return _collection(
        request,
        ids.collection(profile, name),
        total,
        lambda a, b: [ids.actor_id(getattr(f, other)) for f in rows[a:b]],
    )


@require_GET
def followers(request: HttpRequest, handle: str):
    return _follows(request, handle, "followers")


@require_GET
def following(request: HttpRequest, handle: str):
    return _follows(request, handle, "following")


@require_GET
def featured(request: HttpRequest, handle: str):
    """Pinned posts: hashchat has none yet, so an empty collection."""
    _require_federation()
    if (refused := _fetch_refused(request)) is not None:
        return refused
    profile = _local_profile(handle)
    return activity_response(
        {
            "@context": conf.CONTEXT,
            "id": ids.collection(profile, "featured"),
            "type": "OrderedCollection",
            "totalItems": 0,
            "orderedItems": [],
        }
    )
