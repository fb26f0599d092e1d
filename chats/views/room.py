"""The chat room of an event and its endpoints.

    GET  /chats/<tag>/events/<id>/room/                 the room (server-rendered)
    POST /chats/<tag>/events/<id>/room/post             post (form or fetch)
    POST /chats/<tag>/events/<id>/room/posts/<pid>/<verb>  like, unlike, repost, unrepost, hide
    GET  /chats/<tag>/events/<id>/room/posts.json       older (?before=) or newer (?after=) posts,
                                                        answers to one question (?question=3)
    GET  /chats/<tag>/events/<id>/room/state.json       state, pinned question, next question

The event stream itself (/room/stream) is served by live.streaming, past Django.
Every endpoint answers a form with a redirect back to the room and a fetch
(Accept: application/json) with JSON; errors as {"error": "..."}.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.middleware import profiles_for
from accounts.models import Profile
from accounts.zones import relative, viewer_zone
from chats import room as rooms
from chats.timefmt import fmt
from core.errors import ActionError, InvalidInput, NotAllowed, NotFound
from core.ids import parse_id
from live.hub import get_hub
from posts import actions as post_actions
from posts.models import Post

VERBS = ("like", "unlike", "repost", "unrepost", "hide")


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def room_url(event) -> str:
    return f"/chats/{event.series.hashtag}/events/{event.id}/room/"


def fail(request: HttpRequest, event, error: ActionError) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": error.message}, status=error.status)
    messages.error(request, error.message)
    return redirect(room_url(event))


def int_param(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    number = parse_id(value)
    if number is None:
        raise InvalidInput("Expected an id (a whole number).")
    return number


def room(request: HttpRequest, hashtag: str, event_id: int) -> HttpResponse:
    event = rooms.get_event(hashtag, event_id)
    if event.series.hashtag != hashtag:
        return redirect(room_url(event))
    # Read the stream's position before the posts: the stream resumes from it, so
    # nothing published while this page renders is missed (duplicates are merged).
    resume_from = get_hub().current_id()
    viewer: Profile | None = getattr(request, "profile", None)
    now = timezone.now()
    moment = rooms.moment(event, now)
    try:
        before = int_param(request.GET.get("before"))
        reply_id = int_param(request.GET.get("reply"))
    except InvalidInput:
        before = reply_id = None
    hosts = rooms.host_ids(event)
    items = rooms.page_of_items(
        event, viewer, before=before, limit=rooms.ROOM_SHOWN + 1, hosts=hosts
    )
    more_older = len(items) > rooms.ROOM_SHOWN
    items = items[: rooms.ROOM_SHOWN]
    # The viewer's zone, as every page shows times (accounts.zones.viewer_zone).
    zone = viewer_zone(request)
    for item in items:
        created = datetime.fromisoformat(item["shown"]["created_at"])
        item["when"] = fmt(created, zone)
        item["ago"] = relative(created, now, zone)
    reply_to = (
        Post.objects.visible().select_related("author").filter(pk=reply_id).first()
        if reply_id
        else None
    )
    show_questions = event.questions_public or moment.state not in ("scheduled", "draft")
    context: dict[str, Any] = {
        "event": event,
        "series": event.series,
        "moment": moment,
        "items": items,
        "oldest_id": items[-1]["id"] if items and more_older else "",
        "zone": zone,
        "page_size": rooms.ROOM_SHOWN,
        "resume_from": resume_from,
        "questions": [q for q in moment.questions if show_questions or q.posted_at],
        "numbered": [q for q in moment.questions if q.number],
        "event_url": f"/chats/{event.series.hashtag}/events/{event.id}/",
        "transcript_url": f"/chats/{event.series.hashtag}/events/{event.id}/transcript/",
        "room_url": room_url(event),
        "can_post": viewer is not None and moment.state != "archived",
        "my_profiles": profiles_for(request) if request.user.is_authenticated else [],
        # Any login that may act as a host profile moderates, whatever it posts as.
        "is_host": rooms.may_host(request.user, hosts),
        "max_chars": settings.HASHCHAT["MAX_POST_CHARS"],
        "reply_to": reply_to if reply_id else None,
        "host_ids": " ".join(str(pid) for pid in sorted(hosts)),
    }
    return render(request, "chats/room.html", context)


def posting_profile(request: HttpRequest) -> Profile:
    wanted = request.POST.get("profile")
    if wanted:
        for mine in profiles_for(request):
            if str(mine.id) == wanted:
                return mine
        raise InvalidInput("You cannot post as that profile.", field="profile")
    profile: Profile | None = getattr(request, "profile", None)
    if profile is None:
        raise InvalidInput("Choose a profile to post as.", field="profile")
    return profile


@require_POST
def room_post(request: HttpRequest, hashtag: str, event_id: int) -> HttpResponse:
    event = rooms.get_event(hashtag, event_id)
    if not request.user.is_authenticated:
        if wants_json(request):
            return JsonResponse({"error": "Log in to post."}, status=403)
        return redirect(f"/login/?next={room_url(event)}")
    try:
        profile = posting_profile(request)
        reply_id = int_param(request.POST.get("in_reply_to"))
        # A reply is posted as written: it answers a post, not a question.
        answer = None if reply_id is not None else int_param(request.POST.get("answer"))
        text = rooms.compose_text(request.POST.get("text", ""), event.series.hashtag, answer)
        in_reply_to = None
        if reply_id is not None:
            in_reply_to = Post.objects.filter(pk=reply_id).first()
            if in_reply_to is None:
                raise NotFound("The post you replied to is gone.")
        post = post_actions.create_post(
            user=request.user,
            profile=profile,
            text=text,
            in_reply_to=in_reply_to,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except ActionError as e:
        return fail(request, event, e)
    if wants_json(request):
        item = rooms.room_items(event, [post], profile)[0]
        return JsonResponse({"item": item}, status=201)
    return redirect(room_url(event))


@require_POST
def room_react(
    request: HttpRequest, hashtag: str, event_id: int, post_id: int, verb: str
) -> HttpResponse:
    event = rooms.get_event(hashtag, event_id)
    if not request.user.is_authenticated:
        if wants_json(request):
            return JsonResponse({"error": "Log in to do that."}, status=403)
        return redirect(f"/login/?next={room_url(event)}")
    post = Post.objects.filter(pk=post_id).select_related("repost_of").first()
    try:
        if post is None or verb not in VERBS:
            raise NotFound("No such post.")
        if verb == "hide":
            from chats.actions.moderation import hide_post

            host = rooms.hosting_profile(request.user, event)
            if host is None:
                raise NotAllowed(f"Only the hosts of #{event.series.hashtag} can hide posts.")
            hide_post(user=request.user, profile=host, event=event, post=post)
        else:
            profile = posting_profile(request)
            getattr(post_actions, verb)(user=request.user, profile=profile, post=post)
    except ActionError as e:
        return fail(request, event, e)
    if wants_json(request):
        target = Post.objects.filter(pk=post.repost_of_id or post.id).first()
        counts = {
            "id": str(target.id) if target else str(post_id),
            "likes": target.like_count if target else 0,
            "reposts": target.repost_count if target else 0,
            "replies": target.reply_count if target else 0,
        }
        return JsonResponse({"ok": True, "verb": verb, "counts": counts})
    return redirect(room_url(event))


@require_GET
def room_posts(request: HttpRequest, hashtag: str, event_id: int) -> JsonResponse:
    event = rooms.get_event(hashtag, event_id)
    try:
        before = int_param(request.GET.get("before"))
        after = int_param(request.GET.get("after"))
        limit = min(int_param(request.GET.get("limit")) or rooms.PAGE_SIZE, 100)
        question = int_param(request.GET.get("question"))
    except InvalidInput as e:
        return JsonResponse({"error": e.message}, status=400)
    viewer = getattr(request, "profile", None)
    items = rooms.page_of_items(
        event, viewer, before=before, after=after, limit=limit, question=question
    )
    return JsonResponse({"items": items, "more": len(items) == limit})


@require_GET
def room_state(request: HttpRequest, hashtag: str, event_id: int) -> JsonResponse:
    event = rooms.get_event(hashtag, event_id)
    return JsonResponse(rooms.moment(event, timezone.now()).as_json())
