"""Transcript pages: the public page (in parts), the activity chart, the exports,
and the hosts' curation forms (which work without JavaScript)."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from chats.models import Event
from core.errors import ActionError
from core.hashtags import tag_key
from transcripts import actions
from transcripts.building import build
from transcripts.charts import activity_svg
from transcripts.downloads import EXPORT_CSP, FORMATS, export_response
from transcripts.exports import when
from transcripts.parts import page_part
from transcripts.statistics import compute


def find_event(request: HttpRequest, hashtag: str, event_id: int) -> tuple[Event, bool]:
    """The event and whether the viewer is one of its hosts; 404 for what they
    may not see (drafts and private series are for the hosts only)."""
    event = (
        Event.objects.select_related("series", "series__organiser")
        .filter(pk=event_id, series__hashtag_key=tag_key(hashtag))
        .first()
    )
    if event is None:
        raise Http404("No such chat.")
    host = actions.can_curate(cast(User, request.user), event.series)
    if not host and (event.state == Event.State.DRAFT or not event.series.is_public):
        raise Http404("No such chat.")
    return event, host


def _part_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("part", "1")))
    except ValueError:
        return 1


def transcript_page(request: HttpRequest, hashtag: str, event_id: int) -> HttpResponse:
    event, host = find_event(request, hashtag, event_id)
    if event.series.hashtag != hashtag:  # the permalink spells the hashtag as the series does
        return redirect(
            request.path.replace(f"/chats/{hashtag}/", f"/chats/{event.series.hashtag}/", 1)
        )
    built = build(event)
    page = page_part(built, public=not host, number=_part_number(request))
    number = page.parts if _part_number(request) > page.parts else _part_number(request)
    base = f"/chats/{event.series.hashtag}/events/{event.id}/transcript/"
    context = {
        "base": base,
        "permalink": settings.BASE_URL + base,
        "when": when(built),
        "built": built,
        "event": event,
        "series": event.series,
        "host": host,
        "blocks": page.blocks,
        "part": number,
        "parts": page.parts,
        "next_part": number + 1 if number < page.parts else None,
        "now": timezone.now(),
        # Past the tail window the transcript takes no more posts, frozen yet or not.
        "closed": timezone.now() >= event.window_ends_at,
        "title_has_tag": f"#{event.series.hashtag}".lower() in event.series.title.lower(),
    }
    if request.GET.get("fragment"):
        return render(request, "transcripts/_part.html", context)
    stats = compute(built)
    where = page.where
    highlights = [
        (item, where.get(item.id, 1))
        for item in built.items.values()
        if item.highlighted and not item.withheld and not item.omitted and item.id in where
    ]
    q = request.GET.get("q", "").strip()[:200]
    context.update(
        q=q,
        matches=search(built, q, where, public=not host) if q else [],
        stats=stats,
        where=where,
        highlights=highlights,
        most_liked=[(i, where.get(i.id, 1)) for i in stats.most_liked],
        most_reposted=[(i, where.get(i.id, 1)) for i in stats.most_reposted],
        links=[(lk, where.get(lk.first.id, 1)) for lk in stats.links],
        formats=FORMATS,
    )
    return render(request, "transcripts/page.html", context)


def search(built, q: str, where: dict[int, int], *, public: bool) -> list:
    """Every post of the transcript (all parts) whose text, name or handle holds all
    the words of `q`: (item, group, part) in reading order."""
    words = q.casefold().split()
    found = []
    for group in built.groups:
        for item, _ in built.walk(group, public=public):
            if item.withheld:
                continue
            haystack = f"{item.text} {item.name} @{item.handle}".casefold()
            if all(word in haystack for word in words):
                found.append((item, group, where.get(item.id, 1)))
    return found


def transcript_chart(request: HttpRequest, hashtag: str, event_id: int) -> HttpResponse:
    event, _ = find_event(request, hashtag, event_id)
    svg = activity_svg(compute(build(event)))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # The SVG carries its own style element; it has no script.
    response["Content-Security-Policy"] = EXPORT_CSP
    response["Cache-Control"] = "max-age=60"
    return response


def transcript_export(request: HttpRequest, hashtag: str, event_id: int, fmt: str) -> HttpResponse:
    event, _ = find_event(request, hashtag, event_id)
    if fmt not in FORMATS:
        raise Http404("No such export format.")
    return export_response(event, fmt)


def _back(event: Event, request: HttpRequest, post_id: str | None = None) -> HttpResponse:
    url = f"/chats/{event.series.hashtag}/events/{event.id}/transcript/"
    part = request.POST.get("part", "")
    if part.isdigit() and part != "1":
        url += f"?part={part}"
    if post_id and post_id.isdigit():
        url += f"#p{post_id}"
    return redirect(url)


@login_required
@require_POST
def transcript_curate(request: HttpRequest, hashtag: str, event_id: int) -> HttpResponse:
    """One form for every curation step: hide, show, highlight, unhighlight, up, down,
    note, introduction, rebuild."""
    event, _ = find_event(request, hashtag, event_id)
    # find_event let anyone through who may read; the actions check who may curate.
    user = cast(User, request.user)
    what = request.POST.get("action", "")
    post_id = request.POST.get("post")
    try:
        if what in ("hide", "show"):
            actions.mark_post(user=user, event=event, post_id=post_id, hidden=what == "hide")
        elif what in ("highlight", "unhighlight"):
            highlighted = what == "highlight"
            actions.mark_post(user=user, event=event, post_id=post_id, highlighted=highlighted)
        elif what in ("up", "down"):
            actions.move_post(user=user, event=event, post_id=post_id, direction=what)
        elif what == "note":
            group = request.POST.get("group", "")
            note = request.POST.get("note", "")
            actions.set_note(user=user, event=event, group=group, note=note)
            messages.success(request, "Note saved.")
            return redirect(_back(event, request)["Location"] + f"#{group}")
        elif what == "introduction":
            text = request.POST.get("introduction", "")
            actions.set_introduction(user=user, event=event, text=text)
            messages.success(request, "Introduction saved.")
        elif what == "rebuild":
            actions.rebuild(user=user, event=event)
            messages.success(request, "The transcript was rebuilt from the posts as they are now.")
        else:
            messages.error(request, "Choose what to do.")
    except ActionError as e:
        messages.error(request, e.message)
    return _back(event, request, post_id)
