"""The host's archive pages: /chats/<hashtag>/archives/new/ (name the window, the
account that asked and the servers) and /chats/<hashtag>/archives/<id>/ (progress,
problems per server, the questions found, marking a post as a question)."""

from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST

from chats.models import ChatPost
from chats.permissions import can_host
from chats.recurrence import get_zone
from chats.views.common import parse_id, visible_series
from core.errors import ActionError
from gathering import archive as archives
from gathering import watching
from gathering.models import Archive
from posts.models import Post


class ArchiveForm(forms.Form):
    topic = forms.CharField(max_length=200, required=False, label="Topic")
    starts_at = forms.DateTimeField(
        label="Started at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Ended at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    timezone = forms.CharField(max_length=64, initial="UTC", label="Timezone of these times")
    host_acct = forms.CharField(
        max_length=255, label="The account that asked the questions", help_text="user@server"
    )
    servers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Servers to read",
        help_text="One per line, e.g. mastodon.social",
    )

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        try:
            get_zone(name)
        except ActionError as e:
            raise forms.ValidationError(e.message)
        return name


def _hosted_series(request, hashtag):
    series = visible_series(request, hashtag)
    if not can_host(request.user, series):
        raise Http404("No such chat.")
    return series


@require_http_methods(["GET", "POST"])
def archive_new(request, hashtag):
    series = _hosted_series(request, hashtag)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = get_zone(data["timezone"])
        try:
            row = archives.request_archive(
                user=request.user,
                profile=getattr(request, "profile", None),
                series=series,
                starts_at=timezone.make_aware(data["starts_at"].replace(tzinfo=None), zone),
                ends_at=timezone.make_aware(data["ends_at"].replace(tzinfo=None), zone),
                host_acct=data["host_acct"],
                servers=data["servers"],
                topic=data["topic"],
            )
        except ActionError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            return redirect("gathering:archive", series.hashtag, row.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "gathering/archive_new.html", {"series": series, "form": form}, status=status
    )


def _archive(series, archive_id) -> Archive:
    row = Archive.objects.filter(pk=archive_id, series=series).select_related("event").first()
    if row is None:
        raise Http404("No such archive.")
    return row


def archive_detail(request, hashtag, archive_id):
    series = _hosted_series(request, hashtag)
    row = _archive(series, archive_id)
    unasked = []
    if row.event is not None:
        unasked = list(
            Post.objects.filter(chat__event=row.event, asked_question__isnull=True)
            .select_related("author")
            .order_by("created_at")[:200]
        )
    return render(
        request,
        "gathering/archive.html",
        {
            "series": series,
            "archive": row,
            "questions": list(row.event.questions.all()) if row.event else [],
            "unasked": unasked,
            "working": row.state
            in (Archive.State.QUEUED, Archive.State.GATHERING, Archive.State.IMPORTING),
            "error": request.GET.get("error", ""),
        },
    )


@require_POST
def mark_question(request, hashtag, archive_id):
    series = _hosted_series(request, hashtag)
    row = _archive(series, archive_id)
    post = None
    post_id = parse_id(request.POST.get("post"))
    if row.event is not None and post_id is not None:
        link = ChatPost.objects.filter(event=row.event, post_id=post_id).first()
        post = link.post if link else None
    number = parse_id(request.POST.get("number"))
    if post is None or number is None:
        return _back(series, row, "Choose a post of this archive and a question number.")
    try:
        archives.mark_question(user=request.user, event=row.event, post=post, number=number)
    except ActionError as e:
        return _back(series, row, e.message)
    return _back(series, row)


def _back(series, row, error: str = ""):
    response = redirect("gathering:archive", series.hashtag, row.pk)
    if error:
        response["Location"] += "?" + urlencode({"error": error})
    return response


def watched_panel(request, event) -> SafeString:
    """The hosts' panel on the event page (registered with chats.panels)."""
    return render_to_string(
        "gathering/_watched_panel.html",
        {
            "series": event.series,
            "event": event,
            "watched": list(event.series.watched_servers.order_by("base_url")),
            "watch_error": request.GET.get("watch_error", ""),
        },
        request=request,
    )


def _to_event(series, request, error: str = ""):
    event_id = parse_id(request.POST.get("event"))
    if event_id is not None and series.events.filter(pk=event_id).exists():
        url = reverse("chats:event", args=[series.hashtag, event_id])
    else:
        url = reverse("chats:series", args=[series.hashtag])
    if error:
        url += "?" + urlencode({"watch_error": error})
    return redirect(url + "#watched-title")


@require_POST
def watch(request, hashtag):
    series = _hosted_series(request, hashtag)
    try:
        watching.watch(
            user=request.user,
            series=series,
            server=request.POST.get("server", ""),
            access_token=request.POST.get("access_token", ""),
        )
    except ActionError as e:
        return _to_event(series, request, e.message)
    return _to_event(series, request)


@require_POST
def unwatch(request, hashtag, watched_id):
    series = _hosted_series(request, hashtag)
    try:
        watching.unwatch(user=request.user, series=series, watched_id=watched_id)
    except ActionError as e:
        return _to_event(series, request, e.message)
    return _to_event(series, request)
