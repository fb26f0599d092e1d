"""Following a series' account (@libchat@this-server) from another server: the
series page shows the handle, a copy button and a form that sends people to their
own server's follow page; hosts turn the account's boosting outside events and
its following back on or off."""

import re
from urllib.parse import urlencode, urlsplit

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chats import accounts
from chats.models import Series
from chats.permissions import can_edit_series
from chats.views.common import visible_series
from core.errors import ActionError
from core.publicurl import is_federating_url

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def server_domain() -> str:
    return (urlsplit(settings.BASE_URL).hostname or "").lower()


def account_handle(series: Series) -> str | None:
    """@libchat@this-server, when the series has an account others can follow."""
    if series.account is None or not is_federating_url(settings.BASE_URL):
        return None
    return f"@{series.account.handle}@{server_domain()}"


class FollowFromServerForm(forms.Form):
    server = forms.CharField(
        label="Your server",
        max_length=300,
        help_text="The address of the server your account is on, e.g. mastodon.social "
        "(or your handle, @you@mastodon.social).",
    )

    def clean_server(self) -> str:
        value = self.cleaned_data["server"].strip().lower()
        if "://" in value:
            value = urlsplit(value).hostname or ""
        value = value.strip("/").rsplit("@", 1)[-1]
        if not DOMAIN_RE.match(value):
            raise forms.ValidationError(
                "That is not a server's address: write its name, e.g. mastodon.social."
            )
        if value == server_domain():
            raise forms.ValidationError(
                "That is this server: follow the chat here from its account page."
            )
        return value


@require_http_methods(["GET", "POST"])
def follow_from_server(request, hashtag):
    series = visible_series(request, hashtag)
    handle = account_handle(series)
    if handle is None or not series.is_public:
        raise Http404("This chat has no account to follow from another server.")
    form = FollowFromServerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = f"acct:{handle.lstrip('@')}"
        query = urlencode({"uri": target})
        # Mastodon and most of its kin show their follow page here.
        return HttpResponseRedirect(
            f"https://{form.cleaned_data['server']}/authorize_interaction?{query}"
        )
    status = 400 if request.method == "POST" else 200
    response = render(
        request,
        "chats/follow.html",
        {"series": series, "account_handle": handle, "follow_form": form},
        status=status,
    )
    return allow_leaving_for_other_servers(request, response)


# The follow form's answer sends the browser to another server's follow page: the
# pages that show the form let forms lead to https addresses (django-csp).
LEAVING_FOR_OTHER_SERVERS = {"form-action": ["https:"]}


def allow_leaving_for_other_servers(request, response):
    """`response` with the page's policy letting its forms lead to other servers."""
    return csp_update(LEAVING_FOR_OTHER_SERVERS)(lambda _: response)(request)


@require_POST
def account_options(request, hashtag):
    series = visible_series(request, hashtag)
    if not can_edit_series(request.user, series):
        raise Http404("No such chat.")
    try:
        accounts.set_options(
            user=request.user,
            series=series,
            boost_outside_events=request.POST.get("boost_outside_events") == "on",
            follow_back=request.POST.get("follow_back") == "on",
        )
    except ActionError:
        raise Http404("No such chat.")
    return redirect("chats:series", series.hashtag)
